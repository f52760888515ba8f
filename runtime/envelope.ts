// Envelope fields the producer fills in (catalog `envelope`): the event id, the time, the
// service and the correlation a hand-written Kafka layer's base producer used to stamp on
// every event. Only fields the caller left unset (undefined, null or '') are filled; the
// caller's event is not changed.
import { randomUUID } from 'node:crypto';

/**
 * Where a field's value comes from. `now-*` is the send time in the field's own type (chosen
 * by the generator from the schema): a Date or an ISO 8601 string. `causationIdOrNull`: a
 * required nullable field gets null when the send has no causation id. `bigint`: a constant
 * for an Avro long typed as bigint.
 */
export type EnvelopeSource = 'uuid' | 'now-date' | 'now-iso' | 'clientId' | 'correlationId' | 'causationId' | 'causationIdOrNull' | { const: string | number | boolean; bigint?: true };

export interface EnvelopeDescriptor {
  /** The event's field holding the envelope (a record / object). */
  field: string;
  fill: Record<string, EnvelopeSource>;
}

export interface EnvelopeContext {
  clientId: string;
  /** The record's correlation id (also its `correlation-id` header). */
  correlationId: string;
  causationId?: string;
  now: Date;
}

/** Per descriptor, once: the envelope field filled with the correlation id (null: none). Read per record. */
const correlationFields = new WeakMap<EnvelopeDescriptor, string | null>();

/** The envelope's own correlation id, when the caller set one there (it then names the record's too). */
export function envelopeCorrelationId(envelope: EnvelopeDescriptor, event: unknown): string | undefined {
  let name = correlationFields.get(envelope);
  if (name === undefined) correlationFields.set(envelope, (name = Object.keys(envelope.fill).find((k) => envelope.fill[k] === 'correlationId') ?? null));
  const v = name === null ? undefined : (event as Record<string, Record<string, unknown> | undefined> | null)?.[envelope.field]?.[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A copy of `event` with the envelope's unset fields filled; anything else passes untouched (validation judges it). */
export function fillEnvelope<T>(envelope: EnvelopeDescriptor, event: T, ctx: EnvelopeContext): T {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return event;
  const given = (event as Record<string, unknown>)[envelope.field];
  if (given !== undefined && given !== null && (typeof given !== 'object' || Array.isArray(given))) return event;
  // Per record: no copies when the caller set everything.
  if (given && Object.keys(envelope.fill).every((name) => !isUnset((given as Record<string, unknown>)[name]))) return event;
  const filled: Record<string, unknown> = { ...(given as Record<string, unknown> | undefined) };
  for (const [name, source] of Object.entries(envelope.fill)) {
    if (!isUnset(filled[name])) continue;
    const v = valueOf(source, ctx);
    if (v !== undefined) filled[name] = v;
  }
  return { ...event, [envelope.field]: filled };
}

const isUnset = (v: unknown) => v === undefined || v === null || v === '';

function valueOf(source: EnvelopeSource, ctx: EnvelopeContext): unknown {
  if (typeof source === 'object') return source.bigint ? BigInt(source.const as number) : source.const;
  switch (source) {
    case 'uuid':
      return randomUUID();
    case 'now-date':
      return ctx.now;
    case 'now-iso':
      return ctx.now.toISOString();
    case 'clientId':
      return ctx.clientId;
    case 'correlationId':
      return ctx.correlationId;
    case 'causationId':
      return ctx.causationId; // none: the field stays unset (it is optional)
    case 'causationIdOrNull':
      return ctx.causationId ?? null;
  }
}

/** `E` with the fields `K` optional (the producer fills them). */
type FilledOptional<E, K extends PropertyKey> = E extends object ? Omit<E, K & keyof E> & Partial<Pick<E, K & keyof E>> : E;

/**
 * An event type as a producer passes it when the producer fills the envelope field `F`'s
 * fields `K`: those become optional, and so does `F` itself when nothing else in it is required.
 * Distributes over a topic's union of event types.
 */
export type Enveloped<T, F extends PropertyKey, K extends PropertyKey> = T extends unknown
  ? F extends keyof T
    ? {} extends FilledOptional<NonNullable<T[F]>, K>
      ? Omit<T, F> & { [P in F]?: FilledOptional<T[F], K> }
      : Omit<T, F> & { [P in F]: FilledOptional<T[F], K> }
    : T
  : never;
