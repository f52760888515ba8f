// The catalog -> Topic[]: checked against generator/catalog.schema.json (the same schema
// editors use for completion), then every reference resolved against the loaded schemas.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { recordTags } from '../../runtime/avro.js';
import { type CatalogSource, catalogLine } from '../context.js';
import { closest, forEachReportingAll, KafkagenError, type KafkagenErrorCode, throwCollected } from '../errors.js';
import type { CompatibilityLevel, NamedType, RetryPolicy, SubjectNaming, Topic, TopicEvent, TopicKey, TypeNode } from '../model.js';
import { pointerSegment } from '../../runtime/validation.js';

export const RETRY_DEFAULTS: RetryPolicy = { attempts: 5, initialBackoffMs: 200, maxBackoffMs: 10_000, multiplier: 2, jitter: 0.2 };
export const DEAD_LETTER_DEFAULT = '{topic}.dlq';
export const CONSUMER_GROUP_DEFAULT = '{topic}-consumer';

const catalogSchema = JSON.parse(readFileSync(fileURLToPath(new URL('../catalog.schema.json', import.meta.url)), 'utf8'));
let validateCatalog: ReturnType<Ajv['compile']> | undefined;

interface RawPolicy {
  compatibility?: CompatibilityLevel;
  subjectNaming?: SubjectNaming;
  retry?: Partial<RetryPolicy>;
  deadLetterTopic?: string;
  consumerGroup?: string;
}

interface RawTopic extends RawPolicy {
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
  throwCollected([...byPlace.values()].map((errors) => shapeError(catalog, [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length || (a.keyword === 'oneOf' ? 1 : -1))[0]!)));
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
