// Validate (an invalid event throws VALIDATION_FAILED with every path; nothing is sent), key,
// encode, add the tracing headers, send through the client's shared idempotent producer.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { KafkaClient } from './client.js';
import { DEFAULTS } from './config.js';
import type { TopicDescriptor } from './descriptor.js';
import { envelopeCorrelationId, fillEnvelope } from './envelope.js';
import { isKafkagenRuntimeError, isRetriable, KafkagenRuntimeError, messageOf, type RuntimeErrorCode } from './errors.js';
import { buildRecordHeaders } from './headers.js';
import { callHook } from './hooks.js';
import { type Encoded, TopicSerde } from './serde/index.js';
import type { OutgoingRecord, SentRecord } from './transport/types.js';

export interface SendOptions {
  /** The key, when the caller gives it (catalog `key: string`), or to override the key field. */
  key?: string;
  /** Extra headers; kafkagen's own always win. */
  headers?: Record<string, string>;
  correlationId?: string;
  causationId?: string;
  /** W3C trace context, passed through. */
  traceparent?: string;
  tracestate?: string;
  /** Pins the partition (default: murmur2 of the key, as the Java client does). */
  partition?: number;
}

/**
 * Options for an event caused by a consumed record: its correlation id and W3C trace context
 * carry on, and its position (`topic/partition@offset`) becomes the causation id, so a chain
 * of events across services can be followed. `options` add to or override these.
 */
export function causedBy(ctx: { topic: string; partition: number; offset: string; correlationId: string | undefined; headers: Record<string, string> }, options: SendOptions = {}): SendOptions {
  const { traceparent, tracestate } = ctx.headers;
  return {
    ...(ctx.correlationId !== undefined && { correlationId: ctx.correlationId }),
    causationId: `${ctx.topic}/${ctx.partition}@${ctx.offset}`,
    ...(traceparent !== undefined && { traceparent }),
    ...(tracestate !== undefined && { tracestate }),
    ...options,
  };
}

export interface SendResult extends SentRecord {
  eventType: string;
  schemaId: number;
  correlationId: string;
}

type Prepared = { record: OutgoingRecord; eventType: string; schemaId: number; correlationId: string };

/** The caller's own invalid event, thrown before anything is attempted: not a failed send. */
const CALLER_ERRORS = new Set<RuntimeErrorCode>(['VALIDATION_FAILED', 'KEY_MISSING', 'UNKNOWN_EVENT_TYPE']);

export class TopicProducer<TInput> {
  private readonly serde: TopicSerde;
  readonly topic: string;

  constructor(
    private readonly client: KafkaClient,
    readonly descriptor: TopicDescriptor,
  ) {
    this.serde = new TopicSerde(descriptor, client.registry);
    this.topic = client.topicName(descriptor.topic);
  }

  async send(event: TInput, options: SendOptions = {}): Promise<SendResult> {
    return (await this.sendPrepared(1, async () => [await this.prepare(event, options)]))[0]!;
  }

  /** Validates every event first (none is sent if one is invalid), then sends them in one request. */
  async sendBatch(events: Array<TInput | { event: TInput; options?: SendOptions }>): Promise<SendResult[]> {
    return this.sendPrepared(events.length, () => {
      const prepared: Array<Prepared | Promise<Prepared>> = [];
      try {
        for (const e of events) prepared.push(isWrapped<TInput>(e) ? this.prepare(e.event, e.options) : this.prepare(e));
      } catch (e) {
        // An invalid event fails the batch: lookups already started must not reject unhandled.
        for (const p of prepared) if (p instanceof Promise) p.catch(() => {});
        throw e;
      }
      // Synchronous once the schema id is cached: no promise per record.
      return prepared.some((p) => p instanceof Promise) ? Promise.all(prepared) : (prepared as Prepared[]);
    });
  }

  /**
   * Everything send() does short of sending (envelope, validation, key, schema id): throws what
   * send() would, so a tool can check a whole file before anything reaches the cluster.
   */
  async check(event: TInput, options: SendOptions = {}): Promise<void> {
    await this.prepare(event, options);
  }

  /** For topics with a key schema: the key is validated and encoded like the value. */
  async sendKeyed(key: unknown, event: TInput, options: SendOptions = {}): Promise<SendResult> {
    if (this.descriptor.key.kind !== 'schema') return this.send(event, { ...options, key: String(key) });
    return (await this.sendPrepared(1, async () => [await this.prepare(event, options, await this.serde.encodeKey(key))]))[0]!;
  }

  /**
   * Encoding is inside the try: a registry that cannot give the schema id fails the send as
   * surely as a broker does, and metrics must see it. Only the caller's own invalid event
   * (nothing attempted) skips onSendFailed.
   */
  private async sendPrepared(records: number, prepare: () => Prepared[] | Promise<Prepared[]>): Promise<SendResult[]> {
    const start = performance.now();
    let prepared: Prepared[] | undefined;
    let sent: SentRecord[];
    try {
      prepared = await prepare();
      sent = await (await this.client.sharedProducer()).send(this.topic, prepared.map((p) => p.record));
    } catch (e) {
      if (isKafkagenRuntimeError(e) && CALLER_ERRORS.has(e.code)) throw e;
      callHook(this.client.hooks, 'onSendFailed', { topic: this.topic, records, error: e, durationMs: performance.now() - start });
      // Encoding errors as they are (e.g. REGISTRY_UNAVAILABLE); BROKER_UNREACHABLE says what to fix.
      if (prepared === undefined || isKafkagenRuntimeError(e)) throw e;
      throw new KafkagenRuntimeError('SEND_FAILED', `sending ${records} record(s) to ${this.topic} failed: ${messageOf(e)}`, { retriable: isRetriable(e), cause: e });
    }
    const durationMs = performance.now() - start;
    const hooks = this.client.hooks?.onProduced && this.client.hooks;
    return prepared.map((p, i) => {
      const s = sent[i]!;
      if (hooks) callHook(hooks, 'onProduced', { topic: this.topic, eventType: p.eventType, partition: s.partition, durationMs });
      return { topic: s.topic, partition: s.partition, offset: s.offset, eventType: p.eventType, schemaId: p.schemaId, correlationId: p.correlationId };
    });
  }

  private prepare(event: TInput, o: SendOptions = {}, rawKey?: Buffer): Prepared | Promise<Prepared> {
    const envelope = this.descriptor.envelope;
    let now: Date | undefined; // one send time for the envelope and the produced-at header
    if (envelope) {
      // One correlation id for the envelope and the header: the caller's option, else the envelope's own, else a new one.
      const correlationId = o.correlationId || envelopeCorrelationId(envelope, event) || randomUUID();
      if (correlationId !== o.correlationId) o = { ...o, correlationId };
      event = fillEnvelope(envelope, event, { clientId: this.client.config.clientId ?? DEFAULTS.clientId, correlationId, causationId: o.causationId, now: (now = new Date()) });
    }
    const encoded = this.serde.encode(event); // validates first
    return encoded instanceof Promise ? encoded.then((e) => this.record(e, event, o, rawKey, now)) : this.record(encoded, event, o, rawKey, now);
  }

  private record({ value, schemaId, eventType }: Encoded, event: TInput, o: SendOptions, rawKey?: Buffer, now?: Date): Prepared {
    const { headers, correlationId } = buildRecordHeaders({ now, format: this.descriptor.wire === 'plain' ? 'PLAIN' : this.descriptor.format, schemaId, eventType, producer: this.client.producerName, correlationId: o.correlationId, causationId: o.causationId, traceparent: o.traceparent, tracestate: o.tracestate, extra: o.headers });
    return { record: { key: rawKey ?? this.keyOf(event, o), value, headers, partition: o.partition }, eventType, schemaId, correlationId };
  }

  private keyOf(event: TInput, o: SendOptions): string {
    if (o.key !== undefined) return o.key;
    const k = this.descriptor.key;
    if (k.kind === 'field') return this.keyPart(event, k.field, k);
    if (k.kind === 'fields') return k.fields.map((name) => this.keyPart(event, name, k)).join(k.separator);
    throw new KafkagenRuntimeError('KEY_MISSING', k.kind === 'string' ? `${this.topic} is keyed by the caller: pass { key } to send()` : `${this.topic} has a key schema (${k.subject}): use sendKeyed(key, event)`);
  }

  /** One key field's value as text; KEY_MISSING when the event does not set it. */
  private keyPart(event: TInput, name: string, k: { kind: 'field'; field: string } | { kind: 'fields'; fields: string[] }): string {
    const v = (event as Record<string, unknown>)[name];
    if (v !== undefined && v !== null) return v instanceof Date ? v.toISOString() : String(v);
    throw new KafkagenRuntimeError('KEY_MISSING', `${this.topic} is keyed by ${k.kind === 'field' ? k.field : k.fields.join(' + ')}, and this event does not set ${name}: set it, or pass { key }`);
  }
}

function isWrapped<T>(e: T | { event: T; options?: SendOptions }): e is { event: T; options?: SendOptions } {
  return typeof e === 'object' && e !== null && 'event' in e && Object.keys(e).every((k) => k === 'event' || k === 'options');
}
