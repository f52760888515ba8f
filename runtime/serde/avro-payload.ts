// Avro payloads. Reading resolves the writer's schema (fetched by id, once) to the generated
// reader: a v2 reader reads v1 bytes through avsc's resolver, cached per pair.
import { createAvroType, type AvroCodec, TYPE_TAG } from '../avro.js';
import { bindingFor, type EventDescriptor, isMultiEvent, type TopicDescriptor } from '../descriptor.js';
import { KafkagenRuntimeError, validationError } from '../errors.js';
import type { RegisteredSchema } from '../registry.js';
import { DecodeError } from './wire.js';

type Codec = AvroCodec<unknown, unknown>;
export type WriterSource = { schemaById(id: number): Promise<RegisteredSchema>; schemaByVersion(subject: string, version: number): Promise<RegisteredSchema> };

export function encodeAvro(d: TopicDescriptor, event: EventDescriptor, value: unknown): Buffer {
  const binding = bindingFor(d, event);
  try {
    // The union codec needs the $type tag to pick its branch; an event's own codec does not.
    return (binding.codec ?? event.codec)!.encode(binding === event ? stripTag(value) : value);
  } catch (e) {
    const check = event.codec!.validate(value);
    throw check.ok ? new KafkagenRuntimeError('SERIALIZE_FAILED', `cannot encode ${event.name} for ${d.topic}: ${(e as Error).message}`, { cause: e }) : validationError(`${event.name} for ${d.topic}`, check.errors);
  }
}

export interface ResolvedWriter {
  schemaId: number;
  /** The reader itself when both have one canonical form: no resolver needed. */
  writer: Codec;
  reader: Codec;
  /** Unset when the writer wrote a union of event types. */
  event?: EventDescriptor;
}

/** One topic's writer schemas by id, each resolved to its reader once. */
export class AvroReaders {
  readonly known = new Map<number, ResolvedWriter>();
  private readonly loading = new Map<number, Promise<ResolvedWriter>>();

  constructor(
    private readonly d: TopicDescriptor,
    private readonly source: WriterSource,
  ) {}

  resolve(schemaId: number): Promise<ResolvedWriter> {
    let p = this.loading.get(schemaId);
    if (!p) {
      this.loading.set(schemaId, (p = this.load(schemaId)));
      p.catch(() => this.loading.delete(schemaId)); // failures are not cached
    }
    return p;
  }

  private async load(schemaId: number): Promise<ResolvedWriter> {
    const d = this.d;
    // Registry outages pass through unwrapped (retriable): the record is fine, the consumer waits.
    const registered = await this.source.schemaById(schemaId);
    if (registered.schemaType !== 'AVRO') throw new DecodeError('deserialize', `schema id ${schemaId} is a ${registered.schemaType} schema, but ${d.topic} carries Avro`);
    let writer: Codec;
    try {
      writer = createAvroType(await selfContainedAvro(registered, this.source), { long: d.events[0]?.codec?.long });
    } catch (e) {
      if ((e as { retriable?: boolean }).retriable) throw e;
      throw new DecodeError('deserialize', `writer schema ${schemaId} cannot be used: ${(e as Error).message}`);
    }
    const name = writer.type.name;
    const byName = name === undefined ? undefined : d.events.find((e) => e.recordName === name || (e.codec?.type as { aliases?: string[] } | undefined)?.aliases?.includes(name));
    const event = byName ?? (isMultiEvent(d) || (name === undefined && d.union?.codec) ? undefined : d.events[0]);
    const reader = (event?.codec ?? (name === undefined ? (d.union?.codec ?? writer) : undefined)) as Codec | undefined;
    if (!reader) throw new DecodeError('deserialize', `record written as ${name} (schema id ${schemaId}), which is not an event type of ${d.topic}`, 'UNKNOWN_EVENT_TYPE');
    const resolved = { schemaId, writer: reader.type.equals(writer.type) ? reader : writer, reader, event };
    this.known.set(schemaId, resolved);
    return resolved;
  }
}

/** The value (tagged on multi-event topics) and its event type. */
export function decodeAvro(d: TopicDescriptor, w: ResolvedWriter, payload: Buffer): { value: unknown; schemaId: number; eventType: string } {
  let value: unknown;
  try {
    value = w.reader.decode(payload, w.writer === w.reader ? undefined : w.writer);
  } catch (e) {
    throw new DecodeError('deserialize', `cannot decode ${d.topic} record with schema id ${w.schemaId}: ${(e as Error).message}`);
  }
  const schemaId = w.schemaId;
  if (!w.event) return { value, schemaId, eventType: String((value as Record<string, unknown>)?.[TYPE_TAG] ?? d.events[0]?.name) };
  if (isMultiEvent(d) && (value as Record<string, unknown>)[TYPE_TAG] === undefined) value = { [TYPE_TAG]: w.event.name, ...(value as object) };
  return { value, schemaId, eventType: w.event.name };
}

export function stripTag(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !(TYPE_TAG in value)) return value;
  const { [TYPE_TAG]: _tag, ...rest } = value as Record<string, unknown>;
  return rest;
}

/**
 * A registered schema names the types it references (each under its own subject); avsc
 * needs one self-contained schema, so each referenced definition is inlined at first use.
 */
export async function selfContainedAvro(registered: RegisteredSchema, source: Pick<WriterSource, 'schemaByVersion'>): Promise<unknown> {
  const definitions = new Map<string, unknown>();
  const visit = async (s: RegisteredSchema): Promise<void> => {
    for (const ref of s.references) {
      if (definitions.has(ref.name)) continue;
      const target = await source.schemaByVersion(ref.subject, ref.version);
      definitions.set(ref.name, JSON.parse(target.schema));
      await visit(target);
    }
  };
  await visit(registered);
  return inlineReferences(JSON.parse(registered.schema), definitions);
}

/** Replaces the first use of each defined name (full, or relative to the namespace) with its definition; later uses stay names, as Avro requires. */
export function inlineReferences(root: unknown, definitions: Map<string, unknown>): unknown {
  const defined = new Set<string>();
  const inline = (node: unknown, ns: string): unknown => {
    if (typeof node === 'string') {
      const name = [node.includes('.') || !ns ? node : `${ns}.${node}`, node].find((n) => definitions.has(n));
      if (!name || defined.has(name)) return node;
      defined.add(name);
      return inline(definitions.get(name), '');
    }
    if (Array.isArray(node)) return node.map((n) => inline(n, ns));
    if (typeof node !== 'object' || node === null) return node;
    const obj = node as Record<string, unknown>;
    if (typeof obj.name === 'string' && ['record', 'error', 'enum', 'fixed'].includes(obj.type as string)) {
      const full = obj.name.includes('.') ? obj.name : obj.namespace ? `${obj.namespace}.${obj.name}` : ns ? `${ns}.${obj.name}` : obj.name;
      defined.add(full);
      ns = full.slice(0, Math.max(0, full.lastIndexOf('.')));
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const value = k === 'fields' || ['type', 'items', 'values'].includes(k) ? inline(v, ns) : v;
      // defineProperty: a field may be called __proto__.
      Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  return definitions.size === 0 ? root : inline(root, '');
}
