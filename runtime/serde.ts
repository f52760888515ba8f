// Confluent wire format (magic byte 0, 4-byte big-endian schema id, payload) over the
// generated codecs and validators. Writing validates first and never sends an invalid
// event; reading resolves the writer's schema (by id, cached) to the generated reader.
import { createAvroType, type AvroCodec, TYPE_TAG } from './avro.js';
import { bindingFor, type EventDescriptor, isMultiEvent, type TopicDescriptor } from './descriptor.js';
import { KafkagenRuntimeError, validationError } from './errors.js';
import type { RegistryClient, RegisteredSchema } from './registry.js';

export const MAGIC_BYTE = 0;

export function frame(schemaId: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out[0] = MAGIC_BYTE;
  out.writeUInt32BE(schemaId, 1);
  payload.copy(out, 5);
  return out;
}

export function unframe(buf: Buffer | null): { schemaId: number; payload: Buffer } {
  if (!buf || buf.length < 5) throw new KafkagenRuntimeError('DESERIALIZE_FAILED', `record value is ${buf ? `${buf.length} bytes` : 'empty'}: too short for the Confluent wire format (magic byte + 4-byte schema id)`);
  if (buf[0] !== MAGIC_BYTE) throw new KafkagenRuntimeError('DESERIALIZE_FAILED', `record value starts with byte ${buf[0]}, not the Confluent magic byte 0: it was not written by a schema-registry serializer`);
  return { schemaId: buf.readUInt32BE(1), payload: buf.subarray(5) };
}

export type DecodeStage = 'deserialize' | 'validate';

/** A decoding failure and the stage it happened at (for the dead-letter headers). */
export class DecodeError extends KafkagenRuntimeError {
  constructor(
    readonly stage: DecodeStage,
    cause: KafkagenRuntimeError,
  ) {
    super(cause.code, cause.message, { cause, issues: cause.issues });
  }
}

export interface Encoded {
  value: Buffer;
  schemaId: number;
  eventType: string;
}

export interface Decoded {
  value: unknown;
  schemaId: number;
  eventType: string;
}

export class TopicSerde {
  private readonly writers = new Map<number, Promise<AvroCodec<unknown, unknown>>>();

  constructor(
    readonly descriptor: TopicDescriptor,
    private readonly registry: RegistryClient,
  ) {}

  /** The event type a producer's value belongs to: its `$type`, or the only one. */
  eventOf(value: unknown): EventDescriptor {
    const d = this.descriptor;
    if (!isMultiEvent(d)) return d.events[0]!;
    const tag = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[TYPE_TAG] : undefined;
    if (typeof tag === 'string') {
      const e = d.events.find((ev) => ev.name === tag);
      if (e) return e;
      throw new KafkagenRuntimeError('UNKNOWN_EVENT_TYPE', `${TYPE_TAG} ${JSON.stringify(tag)} is not an event type of ${d.topic}; expected one of ${d.events.map((e) => e.name).join(', ')}`);
    }
    // JSON Schema events carry no tag: the first event type the value is valid for.
    const e = d.events.find((ev) => ev.validator?.is(value));
    if (e) return e;
    throw new KafkagenRuntimeError('UNKNOWN_EVENT_TYPE', `value matches no event type of ${d.topic} (${d.events.map((ev) => ev.name).join(', ')})${d.format === 'AVRO' ? `; set ${TYPE_TAG}` : ''}`);
  }

  async encode(value: unknown): Promise<Encoded> {
    const d = this.descriptor;
    const event = this.eventOf(value);
    const binding = bindingFor(d, event);
    let payload: Buffer;
    if (d.format === 'AVRO') {
      // The event's own codec names the invalid paths; the union codec writes the bytes.
      const check = event.codec!.validate(value);
      if (!check.ok) throw validationError(`${event.name} for ${d.topic}`, check.errors);
      payload = (binding.codec ?? event.codec)!.encode(binding === event ? stripTag(value) : value);
    } else {
      const check = event.validator!.validate(value);
      if (!check.ok) throw validationError(`${event.name} for ${d.topic}`, check.errors);
      payload = Buffer.from(JSON.stringify(value), 'utf8');
    }
    const schemaId = await this.registry.idFor(binding.subject, binding.schema, d.format, binding.references);
    return { value: frame(schemaId, payload), schemaId, eventType: event.name };
  }

  async decode(buf: Buffer | null): Promise<Decoded> {
    const d = this.descriptor;
    let schemaId: number;
    let payload: Buffer;
    try {
      ({ schemaId, payload } = unframe(buf));
    } catch (e) {
      throw new DecodeError('deserialize', e as KafkagenRuntimeError);
    }
    if (d.format === 'JSON') return this.decodeJson(schemaId, payload);
    let writer: AvroCodec<unknown, unknown>;
    try {
      writer = await this.writerCodec(schemaId);
    } catch (e) {
      if ((e as { retriable?: boolean }).retriable) throw e; // the registry is down: not the record's fault
      throw new DecodeError('deserialize', asRuntimeError(e, 'DESERIALIZE_FAILED'));
    }
    const { reader, event } = this.readerFor(writer);
    let value: unknown;
    try {
      value = reader.decode(payload, writer);
    } catch (e) {
      throw new DecodeError('deserialize', new KafkagenRuntimeError('DESERIALIZE_FAILED', `cannot decode ${d.topic} record with schema id ${schemaId}: ${(e as Error).message}`, { cause: e }));
    }
    if (event) {
      return { value: isMultiEvent(d) ? { [TYPE_TAG]: event.name, ...(value as object) } : value, schemaId, eventType: event.name };
    }
    const tag = (value as Record<string, unknown>)[TYPE_TAG];
    return { value, schemaId, eventType: typeof tag === 'string' ? tag : d.events[0]!.name };
  }

  private decodeJson(schemaId: number, payload: Buffer): Decoded {
    const d = this.descriptor;
    let value: unknown;
    try {
      value = JSON.parse(payload.toString('utf8'));
    } catch (e) {
      throw new DecodeError('deserialize', new KafkagenRuntimeError('DESERIALIZE_FAILED', `record payload is not JSON: ${(e as Error).message}`, { cause: e }));
    }
    const candidates = d.events.map((ev) => ({ ev, result: ev.validator!.validate(value) }));
    const match = candidates.find((c) => c.result.ok);
    if (!match) {
      const first = candidates[0]!;
      throw new DecodeError('validate', validationError(`${d.topic} record (schema id ${schemaId})`, first.result.ok ? [] : first.result.errors));
    }
    return { value, schemaId, eventType: match.ev.name };
  }

  /** The generated reader for a writer schema: the topic's union, or the event with its name. */
  private readerFor(writer: AvroCodec<unknown, unknown>): { reader: AvroCodec<unknown, unknown>; event?: EventDescriptor } {
    const d = this.descriptor;
    const writerName = writer.type.name;
    if (writerName === undefined && d.union?.codec) return { reader: d.union.codec };
    const byName = d.events.find((e) => e.recordName === writerName || (writerName !== undefined && e.codec?.type.aliases?.includes(writerName)));
    if (byName) return { reader: byName.codec!, event: byName };
    if (!isMultiEvent(d)) return { reader: d.events[0]!.codec!, event: d.events[0] };
    if (writerName === undefined) return { reader: writer }; // a union written by another producer: read as written
    throw new DecodeError('deserialize', new KafkagenRuntimeError('UNKNOWN_EVENT_TYPE', `record written as ${writerName}, which is not an event type of ${d.topic}`));
  }

  private writerCodec(schemaId: number): Promise<AvroCodec<unknown, unknown>> {
    let p = this.writers.get(schemaId);
    if (!p) {
      p = (async () => {
        const registered = await this.registry.schemaById(schemaId);
        const schema = await selfContainedAvro(registered, this.registry);
        return createAvroType(schema, { long: this.descriptor.events[0]!.codec!.long });
      })();
      this.writers.set(schemaId, p);
      p.catch(() => this.writers.delete(schemaId));
    }
    return p;
  }
}

function stripTag(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !(TYPE_TAG in value)) return value;
  const { [TYPE_TAG]: _tag, ...rest } = value as Record<string, unknown>;
  return rest;
}

function asRuntimeError(e: unknown, code: 'DESERIALIZE_FAILED'): KafkagenRuntimeError {
  return e instanceof KafkagenRuntimeError ? e : new KafkagenRuntimeError(code, (e as Error).message, { cause: e });
}

/**
 * A registered Avro schema with its references defined inline at first use, so avsc can
 * parse it on its own. References are fetched by subject and version (cached).
 */
export async function selfContainedAvro(registered: RegisteredSchema, registry: RegistryClient): Promise<unknown> {
  const definitions = new Map<string, unknown>();
  const collect = async (s: RegisteredSchema): Promise<void> => {
    for (const ref of s.references) {
      if (definitions.has(ref.name)) continue;
      const target = await registry.schemaByVersion(ref.subject, ref.version);
      definitions.set(ref.name, JSON.parse(target.schema));
      await collect(target);
    }
  };
  await collect(registered);
  const root = JSON.parse(registered.schema);
  if (definitions.size === 0) return root;
  const defined = new Set<string>();
  const inline = (node: unknown, ns: string): unknown => {
    if (typeof node === 'string') {
      const full = node.includes('.') || !ns ? node : `${ns}.${node}`;
      const name = definitions.has(full) ? full : definitions.has(node) ? node : undefined;
      if (name && !defined.has(name)) {
        defined.add(name);
        return inline(definitions.get(name), '');
      }
      return node;
    }
    if (Array.isArray(node)) return node.map((n) => inline(n, ns));
    if (typeof node !== 'object' || node === null) return node;
    const obj = node as Record<string, unknown>;
    let inner = ns;
    if (typeof obj.name === 'string' && ['record', 'error', 'enum', 'fixed'].includes(obj.type as string)) {
      const full = obj.name.includes('.') ? obj.name : typeof obj.namespace === 'string' ? `${obj.namespace}.${obj.name}` : ns ? `${ns}.${obj.name}` : obj.name;
      defined.add(full);
      inner = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '';
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      Object.defineProperty(out, k, {
        value: k === 'fields' && Array.isArray(v) ? v.map((f) => ({ ...(f as object), type: inline((f as { type: unknown }).type, inner) })) : k === 'type' || k === 'items' || k === 'values' ? inline(v, inner) : v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
  return inline(root, '');
}
