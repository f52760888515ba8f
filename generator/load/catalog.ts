// The catalog -> Topic[]: checked against generator/catalog.schema.json (the same schema
// editors use for completion), then every reference resolved against the loaded schemas.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { recordTags } from '../../runtime/avro.js';
import { type CatalogSource, catalogLine } from '../context.js';
import { closest, forEachReportingAll, KafkagenError, type KafkagenErrorCode, throwCollected } from '../errors.js';
import type { EnvelopeDescriptor, EnvelopeSource } from '../../runtime/envelope.js';
import type { CompatibilityLevel, FieldNode, NamedType, RetryPolicy, SubjectNaming, Topic, TopicEvent, TopicKey, TypeNode } from '../model.js';
import { pointerSegment } from '../../runtime/validation.js';

export const RETRY_DEFAULTS: RetryPolicy = { attempts: 5, initialBackoffMs: 200, maxBackoffMs: 10_000, multiplier: 2, jitter: 0.2 };
export const DEAD_LETTER_DEFAULT = '{topic}.dlq';
export const CONSUMER_GROUP_DEFAULT = '{topic}-consumer';

const catalogSchema = JSON.parse(readFileSync(fileURLToPath(new URL('../catalog.schema.json', import.meta.url)), 'utf8'));
let validateCatalog: ReturnType<Ajv['compile']> | undefined;

type RawEnvelope = { field: string; fill: Record<string, 'uuid' | 'now' | 'clientId' | 'correlationId' | 'causationId' | { const: string | number | boolean }> };

interface RawPolicy {
  envelope?: RawEnvelope;
  wire?: 'confluent' | 'plain';
  compatibility?: CompatibilityLevel;
  subjectNaming?: SubjectNaming;
  retry?: Partial<RetryPolicy>;
  deadLetterTopic?: string;
  consumerGroup?: string;
}

interface RawTopic extends Omit<RawPolicy, 'envelope'> {
  envelope?: RawEnvelope | false;
  description?: string;
  value: string | string[];
  key?: 'string' | { field: string } | { fields: string[]; separator?: string } | { schema: string };
  partitions?: number;
  replicationFactor?: number;
  config?: Record<string, string | number | boolean>;
}

export function loadCatalog(catalog: CatalogSource, types: Map<string, NamedType>): Topic[] {
  checkShape(catalog);
  const v = catalog.value as { topics?: Record<string, RawTopic>; defaults?: RawPolicy; topicNaming?: { pattern: string; description?: string } };
  const defaults = v.defaults ?? {};
  const fail = (code: KafkagenErrorCode, message: string, pointer: string, hint: string): never => {
    throw new KafkagenError(code, message, { file: catalog.display, pointer, line: catalogLine(catalog, pointer) }, hint);
  };

  let naming: RegExp | undefined;
  if (v.topicNaming) {
    try {
      naming = new RegExp(v.topicNaming.pattern, 'u');
    } catch (e) {
      fail('CATALOG_INVALID', `topicNaming.pattern is not a valid regular expression: ${(e as Error).message}`, '/topicNaming/pattern', 'write a JavaScript regular expression, e.g. ^[a-z]+(\\.[a-z]+)*$');
    }
  }

  const topics: Topic[] = [];
  // Every topic is checked, and all its problems reported at once.
  forEachReportingAll(Object.entries(v.topics ?? {}), ([name, raw]) => void topics.push(loadTopic(name, raw)));
  return topics.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  function loadTopic(name: string, raw: RawTopic): Topic {
    const at = `/topics/${pointerSegment(name)}`;
    if (naming && !naming.test(name)) {
      fail('CATALOG_TOPIC_NAME', `topic ${JSON.stringify(name)} does not follow the naming rule ${naming.source}${v.topicNaming?.description ? ` (${v.topicNaming.description})` : ''}`, at, 'rename the topic, or change topicNaming.pattern');
    }
    const refs = Array.isArray(raw.value) ? raw.value : [raw.value];
    const eventTypes = refs.map((ref, i) => resolveRef(ref, types, (m, h) => fail('CATALOG_SCHEMA_MISSING', m, Array.isArray(raw.value) ? `${at}/value/${i}` : `${at}/value`, h)));
    const formats = new Set(eventTypes.map((t) => t.format));
    if (formats.size > 1) fail('CATALOG_INVALID', `topic ${name} mixes Avro and JSON Schema event types`, `${at}/value`, 'use one schema format per topic');
    const format = eventTypes[0]!.format;
    const events = eventNames(eventTypes);
    const key = resolveKey(raw.key, eventTypes, types, `${at}/key`, fail);
    const wire = raw.wire ?? defaults.wire ?? 'confluent';
    if (wire === 'plain' && key.kind === 'schema') fail('CATALOG_INVALID', `topic ${name} writes bare JSON values (wire: plain) but has a key schema, whose keys would still be framed for the registry`, raw.wire ? `${at}/wire` : '/defaults/wire', 'key the topic by a field or a plain string, or leave wire: plain off');
    if (wire === 'plain' && format === 'avro') fail('CATALOG_INVALID', `topic ${name} is Avro, and wire: plain is for JSON Schema topics (Avro cannot be read without its schema)`, raw.wire ? `${at}/wire` : '/defaults/wire', `remove wire: plain${raw.wire ? '' : ', or set wire: confluent on this topic'}`);
    const rawEnvelope = raw.envelope === false ? undefined : (raw.envelope ?? defaults.envelope);
    const envelope = rawEnvelope && resolveEnvelope(rawEnvelope, eventTypes, types, raw.envelope ? `${at}/envelope` : '/defaults/envelope', name, fail);
    const fill = (template: string) => template.replace(/\{topic\}/g, name);
    return {
      name,
      description: raw.description,
      format,
      events,
      key,
      consumerGroup: raw.consumerGroup ?? fill(defaults.consumerGroup ?? CONSUMER_GROUP_DEFAULT),
      compatibility: raw.compatibility ?? defaults.compatibility ?? 'BACKWARD',
      subjectNaming: raw.subjectNaming ?? defaults.subjectNaming ?? 'TopicNameStrategy',
      retry: { ...RETRY_DEFAULTS, ...defaults.retry, ...raw.retry },
      deadLetterTopic: fill(raw.deadLetterTopic ?? defaults.deadLetterTopic ?? DEAD_LETTER_DEFAULT),
      partitions: raw.partitions,
      replicationFactor: raw.replicationFactor,
      config: raw.config === undefined ? undefined : Object.fromEntries(Object.entries(raw.config).map(([k, v]) => [k, String(v)])),
      wire,
      ...(envelope && { envelope }),
      source: { file: catalog.display, pointer: at },
    };
  }
}

function checkShape(catalog: CatalogSource): void {
  validateCatalog ??= new Ajv({ allErrors: true, strict: false }).compile(catalogSchema);
  if (validateCatalog(catalog.value)) return;
  // One problem per topic (or top-level key): oneOf reports every branch, and the most
  // specific error (the deepest path) is the useful one.
  const byPlace = new Map<string, NonNullable<typeof validateCatalog.errors>>();
  for (const e of validateCatalog.errors ?? []) {
    const place = placeOf(e);
    byPlace.set(place, [...(byPlace.get(place) ?? []), e]);
  }
  // At the same depth, the error naming the allowed values or the unknown key says most.
  const rank = (e: ErrorObject) => ['enum', 'const', 'propertyNames', 'additionalProperties'].includes(e.keyword) ? 0 : e.keyword === 'oneOf' ? 3 : e.keyword === 'type' ? 2 : 1;
  throwCollected([...byPlace.values()].map((errors) => shapeError(catalog, [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length || rank(a) - rank(b))[0]!)));
}

/** `/topics/<name>` or the top-level key an error is about. */
function placeOf(e: ErrorObject): string {
  const path = e.keyword === 'additionalProperties' ? `${e.instancePath}/${pointerSegment((e.params as { additionalProperty: string }).additionalProperty)}` : e.instancePath;
  const segments = path.split('/').slice(1);
  return segments[0] === 'topics' ? segments.slice(0, 2).join('/') : (segments[0] ?? '');
}

function shapeError(catalog: CatalogSource, e: ErrorObject): KafkagenError {
  const extra = e.keyword === 'additionalProperties' ? ` (${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty)})` : '';
  const allowed = e.keyword === 'enum' ? `: ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}` : '';
  const pointer = e.keyword === 'additionalProperties' ? `${e.instancePath}/${pointerSegment((e.params as { additionalProperty: string }).additionalProperty)}` : e.instancePath;
  return new KafkagenError(
    'CATALOG_INVALID',
    `${e.message ?? 'is invalid'}${extra}${allowed}`,
    { file: catalog.display, pointer, line: catalogLine(catalog, pointer) },
    'see generator/catalog.schema.json (point your editor at it with `# yaml-language-server: $schema=...`) or the catalog section of the README',
  );
}

function resolveRef(ref: string, types: Map<string, NamedType>, fail: (message: string, hint: string) => never): NamedType {
  const isJson = /\.json(#|$)/.test(ref);
  const id = isJson ? (ref.includes('#') ? ref : `${ref}#`) : ref;
  const found = types.get(id);
  if (found) return found;
  const near = isJson ? [...types.keys()].filter((k) => k.includes(ref.split('#')[0]!.split('/').pop()!)).slice(0, 3) : closest(ref, [...types.keys()].filter((k) => !k.includes('#')));
  return fail(
    `${JSON.stringify(ref)} matches no schema`,
    near.length > 0 ? `did you mean ${near.map((n) => JSON.stringify(n.endsWith('#') ? n.slice(0, -1) : n)).join(' or ')}?` : isJson ? 'give the JSON Schema file path relative to the schemas folder' : 'give the Avro full name (namespace.Name) of a record in the schemas folder',
  );
}

/** Event names: the `$type` tags for Avro (as the runtime tags union branches), type names for JSON. */
function eventNames(eventTypes: NamedType[]): TopicEvent[] {
  if (eventTypes[0]!.format === 'avro') {
    const tags = recordTags(eventTypes.map((t) => t.id));
    return eventTypes.map((t) => ({ typeId: t.id, name: tags.get(t.id)! }));
  }
  return eventTypes.map((t) => ({ typeId: t.id, name: t.name }));
}

function resolveKey(raw: RawTopic['key'], events: NamedType[], types: Map<string, NamedType>, at: string, fail: (code: KafkagenErrorCode, m: string, p: string, h: string) => never): TopicKey {
  if (raw === undefined || raw === 'string') return { kind: 'string' };
  if ('schema' in raw) {
    const t = resolveRef(raw.schema, types, (m, h) => fail('CATALOG_SCHEMA_MISSING', m, `${at}/schema`, h));
    return { kind: 'schema', typeId: t.id };
  }
  if ('fields' in raw) {
    raw.fields.forEach((name, i) => {
      for (const t of events) {
        const field = t.node.kind === 'object' ? t.node.fields.find((f) => f.name === name) : undefined;
        if (!field) fail('CATALOG_KEY_FIELD', `key field ${JSON.stringify(name)} is not a field of ${t.id}`, `${at}/fields/${i}`, `add ${name} to ${t.id} (every event type of the topic needs it), or key the topic differently`);
        if (field!.optional || !isScalar(field!.type, types)) {
          fail('CATALOG_KEY_FIELD', `key field ${JSON.stringify(name)} of ${t.id} must be a required string, number, enum or timestamp`, `${at}/fields/${i}`, `make ${name} required and not null, or leave it out of the key`);
        }
      }
    });
    return { kind: 'fields', fields: raw.fields, separator: raw.separator ?? ':' };
  }
  for (const t of events) {
    const field = t.node.kind === 'object' ? t.node.fields.find((f) => f.name === raw.field) : undefined;
    if (!field) {
      fail('CATALOG_KEY_FIELD', `key field ${JSON.stringify(raw.field)} is not a field of ${t.id}`, `${at}/field`, `add ${raw.field} to ${t.id} (every event type of the topic needs it), or key the topic differently`);
    }
    if (field!.optional || !isString(field!.type, types)) {
      fail('CATALOG_KEY_FIELD', `key field ${JSON.stringify(raw.field)} of ${t.id} must be a required, non-null string`, `${at}/field`, `make ${raw.field} a required string (a uuid is fine), or use key: { schema: ... }`);
    }
  }
  return { kind: 'field', field: raw.field };
}

/**
 * Checks the envelope against every event type of the topic: the field is a record/object in
 * each, each filled name is a field of it whose type takes the value, and `now` takes the
 * field's own form (Date, ISO string, epoch milliseconds).
 */
function resolveEnvelope(raw: RawEnvelope, events: NamedType[], types: Map<string, NamedType>, at: string, topic: string, fail: (code: KafkagenErrorCode, m: string, p: string, h: string) => never): EnvelopeDescriptor {
  const fill: Record<string, EnvelopeSource> = {};
  for (const t of events) {
    const holder = fieldsOf(t.node, types).find((f) => f.name === raw.field);
    if (!holder) fail('CATALOG_ENVELOPE', `envelope field ${JSON.stringify(raw.field)} is not a field of ${t.id} (topic ${topic})`, `${at}/field`, `add ${raw.field} to ${t.id}, set envelope: false on topic ${topic}, or name the field that holds the envelope`);
    const object = objectOf(holder!.type, types);
    if (!object || object.fields.length === 0) fail('CATALOG_ENVELOPE', `envelope field ${JSON.stringify(raw.field)} of ${t.id} is not a record or object`, `${at}/field`, 'name the field that holds the envelope (a record or object)');
    for (const [name, source] of Object.entries(raw.fill)) {
      const where = `${at}/fill/${pointerSegment(name)}`;
      const field = object!.fields.find((f) => f.name === name);
      if (!field) {
        const near = closest(name, object!.fields.map((f) => f.name));
        fail('CATALOG_ENVELOPE', `${JSON.stringify(name)} is not a field of ${raw.field} in ${t.id}`, where, near.length > 0 ? `did you mean ${near.join(' or ')}?` : `fill one of ${object!.fields.map((f) => f.name).join(', ')}`);
      }
      const resolved = sourceFor(source, field!, types);
      if (typeof resolved === 'string' && resolved.startsWith('!')) fail('CATALOG_ENVELOPE', `${raw.field}.${name} of ${t.id} cannot take ${typeof source === 'string' ? source : 'that constant'}: ${resolved.slice(1)}`, where, 'fill it from a source that suits its type, or leave it out of fill');
      const before = fill[name];
      if (before !== undefined && JSON.stringify(before) !== JSON.stringify(resolved)) fail('CATALOG_ENVELOPE', `${raw.field}.${name} has different types across the event types of topic ${topic}`, where, `give ${name} one type in every event type's ${raw.field}`);
      fill[name] = resolved as EnvelopeSource;
    }
  }
  return { field: raw.field, fill };
}

/** The fields of an object type, through refs and allOf-style intersections (JSON Schema composition). */
function fieldsOf(node: TypeNode, types: Map<string, NamedType>, depth = 0): FieldNode[] {
  if (depth > 8) return [];
  if (node.kind === 'object') return node.fields;
  if (node.kind === 'ref') return fieldsOf(types.get(node.id)?.node ?? { kind: 'primitive', type: 'unknown' }, types, depth + 1);
  if (node.kind === 'intersection') return node.members.flatMap((m) => fieldsOf(m, types, depth + 1));
  return [];
}

/** The object (record) a type node stands for, through refs, intersections and a union with null. */
function objectOf(node: TypeNode, types: Map<string, NamedType>, depth = 0): { fields: FieldNode[] } | undefined {
  if (depth > 8) return undefined;
  if (node.kind === 'union') {
    const members = node.members.filter((m) => !(m.kind === 'primitive' && m.type === 'null'));
    return members.length === 1 ? objectOf(members[0]!, types, depth + 1) : undefined;
  }
  if (node.kind === 'ref' && types.get(node.id)?.kind === 'enum') return undefined;
  return node.kind === 'object' || node.kind === 'ref' || node.kind === 'intersection' ? { fields: fieldsOf(node, types, depth) } : undefined;
}

/** The primitive types a field takes (refs and unions flattened); `null` left out. */
function primitivesOf(node: TypeNode, types: Map<string, NamedType>, depth = 0): Set<string> {
  const out = new Set<string>();
  if (depth > 8) return out;
  if (node.kind === 'primitive' && node.type !== 'null') out.add(node.type);
  else if (node.kind === 'literal' && node.value !== null) out.add(`literal:${typeof node.value}`);
  else if (node.kind === 'ref') {
    const target = types.get(node.id);
    if (target && target.kind !== 'enum') for (const p of primitivesOf(target.node, types, depth + 1)) out.add(p);
    if (target?.kind === 'enum') out.add('enum');
  } else if (node.kind === 'union' || node.kind === 'intersection') for (const m of node.members) for (const p of primitivesOf(m, types, depth + 1)) out.add(p);
  return out;
}

/** The runtime source for `source` into `field`, or `!why` when the field's type cannot take it. */
function sourceFor(source: RawEnvelope['fill'][string], field: FieldNode, types: Map<string, NamedType>): EnvelopeSource | `!${string}` {
  const takes = primitivesOf(field.type, types);
  const type = [...takes].join(' | ') || 'not a plain value';
  if (typeof source === 'object') {
    const c = source.const;
    if (typeof c === 'number' && !takes.has('number') && takes.has('bigint')) return Number.isSafeInteger(c) ? { const: c, bigint: true } : `!its type is a long, and ${c} is not a whole number within 2^53`;
    return takes.has(typeof c) ? source : `!its type is ${type}, the constant a ${typeof c}`;
  }
  if (source === 'now') {
    // Only where the form is certain: a number or long holds no unit kafkagen can know (millis? micros?).
    if (takes.has('Date')) return 'now-date';
    if (takes.has('string')) return 'now-iso';
    return `!a time goes into a timestamp (Avro timestamp-millis) or a date-time string, and its type is ${type}`;
  }
  if (!takes.has('string')) return `!${source} is text, and its type is ${type}`;
  if (source === 'causationId' && !field.optionalOnInput) {
    // A send without a causation id must still give the field a value it accepts.
    return isNullable(field.type, types) ? 'causationIdOrNull' : '!a send without a causation id has none to give, so the field must be optional or nullable';
  }
  return source;
}

function isNullable(node: TypeNode, types: Map<string, NamedType>, depth = 0): boolean {
  if (depth > 8) return false;
  if (node.kind === 'primitive') return node.type === 'null';
  if (node.kind === 'literal') return node.value === null;
  if (node.kind === 'ref') return isNullable(types.get(node.id)?.node ?? { kind: 'primitive', type: 'unknown' }, types, depth + 1);
  if (node.kind === 'union') return node.members.some((m) => isNullable(m, types, depth + 1));
  return false;
}

/** A value with one obvious text form: string, number, bigint, boolean, Date, enum or literal. */
function isScalar(node: TypeNode, types: Map<string, NamedType>, depth = 0): boolean {
  if (node.kind === 'ref' && depth < 8) {
    const target = types.get(node.id);
    return target !== undefined && target.kind !== 'record' && isScalar(target.node, types, depth + 1);
  }
  if (node.kind === 'union') return node.members.length > 0 && node.members.every((m) => isScalar(m, types, depth + 1));
  if (node.kind === 'literal') return node.value !== null;
  return node.kind === 'primitive' && ['string', 'number', 'bigint', 'boolean', 'Date'].includes(node.type);
}

function isString(node: TypeNode, types: Map<string, NamedType>, depth = 0): boolean {
  if (node.kind === 'ref' && depth < 8) {
    const target = types.get(node.id);
    return target !== undefined && target.kind !== 'record' && isString(target.node, types, depth + 1);
  }
  if (node.kind === 'union') return node.members.length > 0 && node.members.every((m) => isString(m, types, depth + 1));
  return (node.kind === 'primitive' && node.type === 'string') || (node.kind === 'literal' && typeof node.value === 'string');
}
