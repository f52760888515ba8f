// One topic's serde: event type, validation, wire format, schema ids; values and schema keys.
// JSON Schema payloads are UTF-8 JSON, checked with the generated validator on both sides.
import { TYPE_TAG } from '../avro.js';
import { bindingFor, type EventDescriptor, isMultiEvent, type SchemaBinding, type TopicDescriptor } from '../descriptor.js';
import { isRetriable, KafkagenRuntimeError, validationError } from '../errors.js';
import { AvroReaders, decodeAvro, encodeAvro, stripTag, type WriterSource } from './avro-payload.js';
import { DecodeError, isDecodeError, frame, MAGIC_BYTE, unframe } from './wire.js';

/** What the serde needs from a registry (RegistryClient has it). */
export type SchemaSource = WriterSource & { idFor(subject: string, schema: string, schemaType: 'AVRO' | 'JSON', references: Array<{ name: string; subject: string }>): Promise<number> };

export type Encoded = { value: Buffer; schemaId: number; eventType: string };

/** The schema id of a bare JSON value (`wire: plain`, or read from a plain-JSON producer): it has none. */
export const NO_SCHEMA_ID = 0;

export interface Decoded {
  value: unknown;
  schemaId: number;
  eventType: string;
}

export class TopicSerde {
  private readonly readers: AvroReaders;
  private readonly ids = new Map<SchemaBinding, number>();
  private readonly jsonIds = new Map<number, Promise<unknown> | true>();
  private keyTopic: TopicDescriptor | undefined;
  private keyReaders: AvroReaders | undefined;

  constructor(
    readonly descriptor: TopicDescriptor,
    private readonly registry: SchemaSource,
  ) {
    this.readers = new AvroReaders(descriptor, registry);
  }

  /** A value's event type: its `$type`, the only one, or (JSON) the first whose schema it matches. */
  eventOf(value: unknown): EventDescriptor {
    const d = this.descriptor;
    if (!isMultiEvent(d)) return d.events[0]!;
    const tag = (value as Record<string, unknown> | null)?.[TYPE_TAG];
    const e = typeof tag === 'string' ? d.events.find((ev) => ev.name === tag) : d.events.find((ev) => ev.validator?.is(value));
    if (e) return e;
    const names = d.events.map((ev) => ev.name).join(', ');
    throw new KafkagenRuntimeError('UNKNOWN_EVENT_TYPE', typeof tag === 'string' ? `${TYPE_TAG} ${JSON.stringify(tag)} is not an event type of ${d.topic}; expected one of ${names}` : `value matches no event type of ${d.topic} (${names})${d.format === 'AVRO' ? `; set ${TYPE_TAG}` : ''}`);
  }

  schemaId(binding: SchemaBinding): number | Promise<number> {
    return this.ids.get(binding) ?? this.registry.idFor(binding.subject, binding.schema, this.descriptor.format, binding.references).then((id) => (this.ids.set(binding, id), id));
  }

  /** Validates, then encodes: VALIDATION_FAILED (every path) comes before any network call. Synchronous once the id is known. */
  encode(value: unknown): Encoded | Promise<Encoded> {
    const d = this.descriptor;
    const event = this.eventOf(value);
    let payload: Buffer;
    if (d.format === 'AVRO') payload = encodeAvro(d, event, value);
    else {
      // Multi-event without a tag: eventOf() has just run the validator that matched.
      const check = isMultiEvent(d) && typeof (value as Record<string, unknown>)[TYPE_TAG] !== 'string' ? undefined : event.validator!.validate(value);
      if (check && !check.ok) throw validationError(`${event.name} for ${d.topic}`, check.errors);
      payload = Buffer.from(JSON.stringify(value), 'utf8');
      // Bare JSON: no frame, so no schema id and no registry call.
      if (d.wire === 'plain') return { value: payload, schemaId: NO_SCHEMA_ID, eventType: event.name };
    }
    const id = this.schemaId(bindingFor(d, event));
    return typeof id === 'number' ? encoded(id, payload, event.name) : id.then((schemaId) => encoded(schemaId, payload, event.name));
  }

  /**
   * Throws a DecodeError (with its stage) for what retrying cannot fix; registry outages are
   * thrown as they are (retriable). Synchronous once the writer's schema is known.
   */
  decode(buf: Buffer | null, eventTypeHint?: string): Decoded | Promise<Decoded> {
    const d = this.descriptor;
    // A JSON text never starts with byte 0 (the magic byte): bare JSON is told apart for sure,
    // and read with the reader's schemas, so a topic can move to or from plain JSON.
    if (d.format === 'JSON' && buf && buf.length > 0 && buf[0] !== MAGIC_BYTE) return decodeJson(d, NO_SCHEMA_ID, buf, eventTypeHint);
    const { schemaId, payload } = unframed(buf);
    if (d.format === 'JSON') {
      // The payload is read with the reader's schema; the id must exist and be a JSON schema.
      const p = this.jsonIds.get(schemaId) ?? this.jsonId(schemaId);
      return p === true ? decodeJson(d, schemaId, payload, eventTypeHint) : p.then(() => decodeJson(d, schemaId, payload, eventTypeHint));
    }
    const w = this.readers.known.get(schemaId);
    return w ? decodeAvro(d, w, payload) : this.readers.resolve(schemaId).then((r) => decodeAvro(d, r, payload), asDecodeError);
  }

  private jsonId(schemaId: number): Promise<unknown> {
    const p = this.registry.schemaById(schemaId).then((s) => {
      if (s.schemaType !== 'JSON') throw new DecodeError('deserialize', `schema id ${schemaId} is a ${s.schemaType} schema, but ${this.descriptor.topic} carries JSON`);
      this.jsonIds.set(schemaId, true);
    }, asDecodeError);
    this.jsonIds.set(schemaId, p);
    p.catch(() => this.jsonIds.delete(schemaId));
    return p;
  }

  /** For topics with a key schema: validated and framed like a value. */
  async encodeKey(key: unknown): Promise<Buffer> {
    const k = this.descriptor.key;
    if (k.kind !== 'schema') throw new KafkagenRuntimeError('KEY_MISSING', `${this.descriptor.topic} has no key schema`);
    const check = (k.codec ?? k.validator)!.validate(key);
    if (!check.ok) throw validationError(`key for ${this.descriptor.topic}`, check.errors);
    return frame(await this.schemaId(k), k.codec ? k.codec.encode(stripTag(key)) : Buffer.from(JSON.stringify(key), 'utf8'));
  }

  /** Decoded with the key schema, else the key's UTF-8 text. */
  async decodeKey(buf: Buffer | null): Promise<unknown> {
    return this.readKey(buf);
  }

  /** decodeKey, synchronous when the key is text (no key schema): the consumer's per-record path. */
  readKey(buf: Buffer | null): unknown {
    const k = this.descriptor.key;
    if (k.kind !== 'schema' || buf === null) return buf?.toString('utf8') ?? null;
    return this.decodeSchemaKey(k, buf);
  }

  private async decodeSchemaKey(k: Extract<TopicDescriptor['key'], { kind: 'schema' }>, buf: Buffer): Promise<unknown> {
    const { schemaId, payload } = unframed(buf);
    const kt = (this.keyTopic ??= { ...this.descriptor, format: k.codec ? 'AVRO' : 'JSON', events: [{ name: 'key', recordName: k.codec?.type.name, ...k }], union: undefined });
    if (!k.codec) return decodeJson(kt, schemaId, payload).value;
    this.keyReaders ??= new AvroReaders(kt, this.registry);
    return decodeAvro(kt, this.keyReaders.known.get(schemaId) ?? (await this.keyReaders.resolve(schemaId).catch(asDecodeError)), payload).value;
  }
}

function encoded(schemaId: number, payload: Buffer, eventType: string): Encoded {
  return { value: frame(schemaId, payload), schemaId, eventType };
}

/** The event type the `kafkagen-event-type` header names, else the first whose schema the value matches. */
function decodeJson(d: TopicDescriptor, schemaId: number, payload: Buffer, hint?: string): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch (e) {
    throw new DecodeError('deserialize', `record payload is not JSON: ${(e as Error).message}`);
  }
  let first: Array<{ path: string; message: string }> | undefined;
  for (const ev of hint ? [...d.events.filter((e) => e.name === hint), ...d.events.filter((e) => e.name !== hint)] : d.events) {
    const result = ev.validator!.validate(value);
    if (result.ok) return { value, schemaId, eventType: ev.name };
    first ??= result.errors;
  }
  throw new DecodeError('validate', validationError(`${d.topic} record (${schemaId === NO_SCHEMA_ID ? 'plain JSON' : `schema id ${schemaId}`})`, first ?? []));
}

function unframed(buf: Buffer | null): { schemaId: number; payload: Buffer } {
  try {
    return unframe(buf);
  } catch (e) {
    throw new DecodeError('deserialize', e);
  }
}

/** Registry outages stay retriable; anything else about a schema id is the record's fault. */
function asDecodeError(e: unknown): never {
  throw isDecodeError(e) || isRetriable(e) ? e : new DecodeError('deserialize', e);
}
