// The catalog: defaults and overrides resolved once, every reference checked, and each
// mistake reported with the catalog file, line, JSON path and the fix.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveContext } from '../../../generator/context.js';
import { isKafkagenError, type KafkagenError } from '../../../generator/errors.js';
import { loadCatalog } from '../../../generator/load/catalog.js';
import type { Topic } from '../../../generator/model.js';
import { buildModel } from '../../../generator/generate.js';
import { loadAvro, schemaDir } from '../../support/schemas.js';

const avro = {
  'a.avsc': [
    { type: 'record', name: 'com.x.Created', fields: [{ name: 'id', type: 'string' }, { name: 'n', type: 'int' }] },
    { type: 'record', name: 'com.x.Deleted', fields: [{ name: 'id', type: 'string' }] },
    { type: 'record', name: 'com.y.Created', fields: [{ name: 'id', type: 'string' }] },
    { type: 'record', name: 'com.x.Key', fields: [{ name: 'k', type: 'string' }] },
    {
      type: 'record',
      name: 'com.e.Stamped',
      fields: [
        { name: 'id', type: 'string' },
        {
          name: 'meta',
          type: {
            type: 'record',
            name: 'com.e.Meta',
            fields: [
              { name: 'event_id', type: { type: 'string', logicalType: 'uuid' } },
              { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
              { name: 'at_text', type: 'string' },
              { name: 'at_ms', type: 'long' },
              { name: 'svc', type: 'string' },
              { name: 'corr', type: ['null', 'string'], default: null },
              { name: 'cause', type: ['null', 'string'], default: null },
              { name: 'cause_req', type: ['null', 'string'] },
              { name: 'v', type: 'int' },
              { name: 'ok', type: 'boolean' },
            ],
          },
        },
      ],
    },
    { type: 'record', name: 'com.e.Also', fields: [{ name: 'id', type: 'string' }, { name: 'meta', type: 'com.e.Meta' }] },
    { type: 'record', name: 'com.e.Bare', fields: [{ name: 'id', type: 'string' }, { name: 'meta', type: 'string' }] },
  ],
};

function load(yaml: string): Topic[] {
  const { types, dir } = loadAvro(avro);
  const file = path.join(dir, 'kafkagen.yaml');
  writeFileSync(file, yaml);
  const ctx = resolveContext({ cwd: dir, config: file });
  return loadCatalog(ctx.catalog!, types);
}

function errorOf(yaml: string): KafkagenError {
  try {
    load(yaml);
  } catch (e) {
    if (isKafkagenError(e)) return e;
    throw e;
  }
  throw new Error('expected a KafkagenError');
}

describe('catalog', () => {
  it('applies defaults, per-topic overrides and templates', () => {
    const [t] = load(`
defaults:
  compatibility: FULL
  retry: { attempts: 3, jitter: 0 }
  deadLetterTopic: 'dlq.{topic}'
  consumerGroup: '{topic}-svc'
topics:
  x.events:
    value: com.x.Created
    key: { field: id }
    retry: { maxBackoffMs: 500 }
`);
    expect(t).toMatchObject({
      name: 'x.events',
      format: 'avro',
      events: [{ typeId: 'com.x.Created', name: 'Created' }],
      key: { kind: 'field', field: 'id' },
      compatibility: 'FULL',
      subjectNaming: 'TopicNameStrategy',
      retry: { attempts: 3, initialBackoffMs: 200, maxBackoffMs: 500, multiplier: 2, jitter: 0 },
      deadLetterTopic: 'dlq.x.events',
      consumerGroup: 'x.events-svc',
    });
  });

  it('names the event types of a multi-event topic as the runtime tags them', () => {
    const [t] = load(`
topics:
  x.events:
    value: [com.x.Created, com.x.Deleted, com.y.Created]
    key: { field: id }
`);
    expect(t!.events.map((e) => e.name)).toEqual(['com.x.Created', 'Deleted', 'com.y.Created']);
  });

  it('takes a composite key of several fields, with a separator', () => {
    const [a, b] = load(`
topics:
  a: { value: com.x.Created, key: { fields: [id, n], separator: '|' } }
  b: { value: com.x.Created, key: { fields: [id, n] } }
`);
    expect(a!.key).toEqual({ kind: 'fields', fields: ['id', 'n'], separator: '|' });
    expect(b!.key).toEqual({ kind: 'fields', fields: ['id', 'n'], separator: ':' });
  });

  it('takes the replication factor and topic configs used when kafkagen creates the topic', () => {
    const [t] = load(`
topics:
  t:
    value: com.x.Created
    partitions: 6
    replicationFactor: 3
    config: { retention.ms: 86400000, cleanup.policy: compact, unclean.leader.election.enable: false }
`);
    expect(t).toMatchObject({ partitions: 6, replicationFactor: 3, config: { 'retention.ms': '86400000', 'cleanup.policy': 'compact', 'unclean.leader.election.enable': 'false' } });
  });

  it('takes a key schema and the plain string key', () => {
    const topics = load(`
topics:
  a: { value: com.x.Deleted, key: { schema: com.x.Key } }
  b: { value: com.x.Deleted, key: string }
  c: { value: com.x.Deleted }
`);
    expect(topics.map((t) => t.key)).toEqual([{ kind: 'schema', typeId: 'com.x.Key' }, { kind: 'string' }, { kind: 'string' }]);
  });

  it('resolves the envelope: defaults for every topic, an override, false for none, and `now` in each field\'s own type', () => {
    const [a, b, c] = load(`
defaults:
  envelope:
    field: meta
    fill: { event_id: uuid, at: now, at_text: now, at_ms: { const: 5 }, svc: clientId, corr: correlationId, cause: causationId, cause_req: causationId, v: { const: 2 } }
topics:
  a: { value: [com.e.Stamped, com.e.Also], key: { field: id } }
  b: { value: com.e.Stamped, envelope: { field: meta, fill: { svc: { const: billing } } } }
  c: { value: com.x.Created, envelope: false }
`);
    // A constant for a long (bigint) is written as one; a required nullable causation field gets null without a causation id.
    expect(a!.envelope).toEqual({ field: 'meta', fill: { event_id: 'uuid', at: 'now-date', at_text: 'now-iso', at_ms: { const: 5, bigint: true }, svc: 'clientId', corr: 'correlationId', cause: 'causationId', cause_req: 'causationIdOrNull', v: { const: 2 } } });
    expect(b!.envelope).toEqual({ field: 'meta', fill: { svc: { const: 'billing' } } });
    expect(c!.envelope).toBeUndefined();
  });

  const bad: Array<[string, string, string, string, number, RegExp, RegExp]> = [
    ['bare JSON with a key schema', 'topics:\n  t:\n    value: com.x.Created\n    key: { schema: com.x.Key }\n    wire: plain\n', 'CATALOG_INVALID', '/topics/t/wire', 5, /writes bare JSON values \(wire: plain\) but has a key schema/, /key the topic by a field/],
    ['bare JSON on an Avro topic', 'topics:\n  t:\n    value: com.x.Created\n    wire: plain\n', 'CATALOG_INVALID', '/topics/t/wire', 4, /topic t is Avro, and wire: plain is for JSON Schema topics/, /remove wire: plain/],
    ['an envelope field one event type lacks', 'topics:\n  t:\n    value: [com.e.Stamped, com.x.Created]\n    envelope: { field: meta, fill: { svc: clientId } }\n', 'CATALOG_ENVELOPE', '/topics/t/envelope/field', 4, /envelope field "meta" is not a field of com\.x\.Created \(topic t\)/, /envelope: false on topic t/],
    ['an envelope field that is not a record', 'topics:\n  t:\n    value: com.e.Bare\n    envelope: { field: meta, fill: { svc: clientId } }\n', 'CATALOG_ENVELOPE', '/topics/t/envelope/field', 4, /is not a record or object/, /record or object/],
    ['a filled name the envelope does not have', 'topics:\n  t:\n    value: com.e.Stamped\n    envelope:\n      field: meta\n      fill: { evnt_id: uuid }\n', 'CATALOG_ENVELOPE', '/topics/t/envelope/fill/evnt_id', 6, /"evnt_id" is not a field of meta in com\.e\.Stamped/, /did you mean event_id/],
    ['text into a number', 'topics:\n  t:\n    value: com.e.Stamped\n    envelope:\n      field: meta\n      fill: { v: clientId }\n', 'CATALOG_ENVELOPE', '/topics/t/envelope/fill/v', 6, /meta\.v of com\.e\.Stamped cannot take clientId: clientId is text, and its type is number/, /suits its type/],
    ['a time into a boolean', 'defaults:\n  envelope: { field: meta, fill: { ok: now } }\ntopics:\n  t:\n    value: com.e.Stamped\n', 'CATALOG_ENVELOPE', '/defaults/envelope/fill/ok', 2, /cannot take now: a time goes into a timestamp \(Avro timestamp-millis\) or a date-time string/, /suits its type/],
    ['a time into a long, whose unit kafkagen cannot know', 'topics:\n  t:\n    value: com.e.Stamped\n    envelope:\n      field: meta\n      fill: { at_ms: now }\n', 'CATALOG_ENVELOPE', '/topics/t/envelope/fill/at_ms', 6, /meta\.at_ms of com\.e\.Stamped cannot take now: .*its type is bigint/, /suits its type/],
    ['a causation id into a required field', 'topics:\n  t:\n    value: com.e.Stamped\n    envelope:\n      field: meta\n      fill: { svc: causationId }\n', 'CATALOG_ENVELOPE', '/topics/t/envelope/fill/svc', 6, /must be optional or nullable/, /suits its type/],
    ['a fill source that does not exist', 'topics:\n  t:\n    value: com.e.Stamped\n    envelope:\n      field: meta\n      fill: { svc: hostname }\n', 'CATALOG_INVALID', '/topics/t/envelope/fill/svc', 6, /must be equal to one of the allowed values: uuid, now, clientId, correlationId, causationId/, /catalog\.schema\.json/],
    ['a schema that does not exist', 'topics:\n  t:\n    value: com.x.Creatd\n', 'CATALOG_SCHEMA_MISSING', '/topics/t/value', 3, /"com\.x\.Creatd" matches no schema/, /did you mean "com\.x\.Created"/],
    ['a near miss gets a suggestion', 'topics:\n  t:\n    value: com.z.Deleted\n', 'CATALOG_SCHEMA_MISSING', '/topics/t/value', 3, /matches no schema/, /did you mean "com\.x\.Deleted"/],
    ['a key field that is missing from one event type', 'topics:\n  t:\n    value: [com.x.Created, com.x.Key]\n    key: { field: id }\n', 'CATALOG_KEY_FIELD', '/topics/t/key/field', 4, /key field "id" is not a field of com\.x\.Key/, /every event type of the topic needs it/],
    ['a key field that is not a string', 'topics:\n  t:\n    value: com.x.Created\n    key: { field: n }\n', 'CATALOG_KEY_FIELD', '/topics/t/key/field', 4, /must be a required, non-null string/, /key: \{ schema/],
    ['a composite key field that is missing', 'topics:\n  t:\n    value: com.x.Created\n    key: { fields: [id, nope] }\n', 'CATALOG_KEY_FIELD', '/topics/t/key/fields/1', 4, /key field "nope" is not a field of com\.x\.Created/, /every event type of the topic needs it/],
    ['a topic config name that is not one', 'topics:\n  t:\n    value: com.x.Created\n    config: { Retention: 1 }\n', 'CATALOG_INVALID', '/topics/t/config', 4, /property name must be valid/, /catalog\.schema\.json/],
    ['a topic that breaks the naming rule', "topicNaming:\n  pattern: '^domain\\.[a-z]+\\.events$'\n  description: domain.<name>.events\ntopics:\n  Orders:\n    value: com.x.Created\n", 'CATALOG_TOPIC_NAME', '/topics/Orders', 5, /does not follow the naming rule .*\(domain\.<name>\.events\)/, /rename the topic/],
    ['a misspelt required setting: the unknown key, not the missing one', 'topics:\n  t:\n    valu: com.x.Created\n', 'CATALOG_INVALID', '/topics/t/valu', 3, /must NOT have additional properties \("valu"\)/, /catalog\.schema\.json/],
    ['an unknown setting', 'topics:\n  t:\n    value: com.x.Created\n    retires: 3\n', 'CATALOG_INVALID', '/topics/t/retires', 4, /must NOT have additional properties \("retires"\)/, /catalog\.schema\.json/],
    ['a bad compatibility level', 'defaults:\n  compatibility: SIDEWAYS\ntopics: {}\n', 'CATALOG_INVALID', '/defaults/compatibility', 2, /must be equal to one of the allowed values: BACKWARD, /, /catalog\.schema\.json/],
    ['YAML that does not parse', 'topics:\n  t:\n    value: [com.x.Created\n', 'CATALOG_INVALID', '', 4, /not valid YAML/, /indentation and quoting/],
  ];

  it('reports every problem of the catalog at once: all shape problems, then all topic problems', () => {
    const shape = errorOf('defaults:\n  compatibility: SIDEWAYS\ntopics:\n  a:\n    value: com.x.Created\n    retyr: 3\n  b:\n    value: com.x.Created\n    partitions: 0\n');
    expect(shape.message).toMatch(/^3 problems:\n/);
    expect(shape.message).toContain('kafkagen.yaml:2 at /defaults/compatibility: must be equal to one of the allowed values');
    expect(shape.message).toContain('kafkagen.yaml:6 at /topics/a/retyr: must NOT have additional properties ("retyr")');
    expect(shape.message).toContain('kafkagen.yaml:9 at /topics/b/partitions: must be >= 1');
    expect(shape.code).toBe('CATALOG_INVALID');

    const topics = errorOf("topicNaming:\n  pattern: '^[a-z]+$'\ntopics:\n  Bad:\n    value: com.x.Created\n  good:\n    value: com.x.Creatd\n  also:\n    value: com.x.Created\n    key: { field: nope }\n");
    expect(topics.message).toMatch(/^3 problems:\n/);
    expect(topics.message).toContain('at /topics/Bad: topic "Bad" does not follow the naming rule');
    expect(topics.message).toContain('at /topics/good/value: "com.x.Creatd" matches no schema');
    expect(topics.message).toContain('at /topics/also/key/field: key field "nope" is not a field of com.x.Created');
  });

  it.each(bad)('%s', (_n, yaml, code, pointer, line, message, hint) => {
    const e = errorOf(yaml);
    expect(e.code).toBe(code);
    if (code !== 'CATALOG_INVALID' || pointer !== '') expect(e.location.pointer).toBe(pointer);
    expect(e.location.line).toBe(line);
    expect(e.location.file).toMatch(/kafkagen\.yaml$/);
    expect(e.message).toMatch(message);
    expect(e.hint).toMatch(hint);
  });
});

describe('catalog envelope over JSON Schema composition', () => {
  it('finds the envelope field in an allOf base schema, and its fields through a $ref', () => {
    const dir = schemaDir({
      'schemas/base.schema.json': {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $defs: {
          Meta: { type: 'object', properties: { produced_at: { type: 'string', format: 'date-time' }, producer: { type: 'string' }, trace: { type: ['string', 'null'] } }, required: ['produced_at', 'producer', 'trace'] },
          Base: { type: 'object', properties: { metadata: { $ref: '#/$defs/Meta' } }, required: ['metadata'] },
        },
      },
      'schemas/event.schema.json': { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'Event', allOf: [{ $ref: 'base.schema.json#/$defs/Base' }], type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      'kafkagen.yaml': 'schemas: schemas\nout: out\ntopics:\n  t:\n    value: event.schema.json\n    envelope: { field: metadata, fill: { produced_at: now, producer: clientId, trace: causationId } }\n',
    });
    const model = buildModel(resolveContext({ cwd: dir, config: path.join(dir, 'kafkagen.yaml') }));
    expect(model.topics[0]!.envelope).toEqual({ field: 'metadata', fill: { produced_at: 'now-iso', producer: 'clientId', trace: 'causationIdOrNull' } });
  });
});
