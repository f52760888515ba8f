// Producing typed events: validate, derive the key, encode in the Confluent wire format,
// add tracing headers, send (idempotent by default) with retries on retriable errors.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { KafkaClient } from './client.js';
import type { TopicDescriptor } from './descriptor.js';
import { KafkagenRuntimeError, isRetriable } from './errors.js';
import { callHook } from './hooks.js';
import { HEADERS, type Headers } from './headers.js';
import { withRetry } from './retry.js';
import { TopicSerde, frame } from './serde.js';
import type { OutgoingRecord, SentRecord } from './transport/types.js';

export interface SendOptions {
  /** The record key, when the catalog says the caller passes it (`key: string`), or to override. */
  key?: string;
  headers?: Record<string, string>;
  /** Given, or a new UUID. */
  correlationId?: string;
  /** The id of the event or command that caused this one. */
  causationId?: string;
  /** W3C trace context of the incoming request, passed through as is. */
  traceparent?: string;
  tracestate?: string;
  partition?: number;
}

export interface SendResult extends SentRecord {
  eventType: string;
  schemaId: number;
  correlationId: string;
}

export class TopicProducer<TInput> {
  private readonly serde: TopicSerde;
  private readonly topic: string;

  constructor(
    private readonly client: KafkaClient,
    readonly descriptor: TopicDescriptor,
  ) {
    this.serde = new TopicSerde(descriptor, client.registry);
    this.topic = client.topicName(descriptor.topic);
  }

  /** Validates and sends one event. An invalid event throws VALIDATION_FAILED and sends nothing. */
  async send(event: TInput, options: SendOptions = {}): Promise<SendResult> {
    const [result] = await this.sendBatch([{ event, options }]);
    return result!;
  }

  /** Validates every event first; sends nothing if any is invalid. One request per call. */
  async sendBatch(events: Array<TInput | { event: TInput; options?: SendOptions }>): Promise<SendResult[]> {
    const start = performance.now();
    const items = events.map((e) => (isWrapped<TInput>(e) ? e : { event: e, options: {} as SendOptions }));
    const prepared = await Promise.all(items.map(async ({ event, options = {} }) => this.prepare(event, options)));
    const producer = await this.client.sharedProducer();
    const sent = await withRetry(() => producer.send(this.topic, prepared.map((p) => p.record)), this.client.sendRetry, { retriable: isRetriable }).catch((e: unknown) => {
      throw new KafkagenRuntimeError('SEND_FAILED', `sending ${prepared.length} record(s) to ${this.topic} failed: ${(e as Error).message}`, { retriable: isRetriable(e), cause: e });
    });
    const durationMs = performance.now() - start;
    return prepared.map((p, i) => {
      callHook(this.client.hooks, 'onProduced', { topic: this.topic, eventType: p.eventType, partition: sent[i]?.partition ?? sent[0]?.partition, durationMs });
      return { ...(sent[i] ?? sent[0]!), eventType: p.eventType, schemaId: p.schemaId, correlationId: p.correlationId };
    });
  }

  private async prepare(event: TInput, options: SendOptions): Promise<{ record: OutgoingRecord; eventType: string; schemaId: number; correlationId: string }> {
    const encoded = await this.serde.encode(event);
    const correlationId = options.correlationId ?? randomUUID();
    const headers: Headers = {
      [HEADERS.contentType]: this.descriptor.format === 'AVRO' ? 'application/vnd.kafka.avro.v2+binary' : 'application/vnd.kafka.jsonschema.v2+json',
      [HEADERS.schemaId]: String(encoded.schemaId),
      [HEADERS.eventType]: encoded.eventType,
      [HEADERS.producedAt]: new Date().toISOString(),
      [HEADERS.producer]: this.client.producerName,
      [HEADERS.correlationId]: correlationId,
      ...(options.causationId ? { [HEADERS.causationId]: options.causationId } : {}),
      ...(options.traceparent ? { [HEADERS.traceparent]: options.traceparent } : {}),
      ...(options.tracestate ? { [HEADERS.tracestate]: options.tracestate } : {}),
      ...options.headers,
    };
    return { record: { key: await this.keyOf(event, options), value: encoded.value, headers, partition: options.partition }, eventType: encoded.eventType, schemaId: encoded.schemaId, correlationId };
  }

  private async keyOf(event: TInput, options: SendOptions & { rawKey?: Buffer }): Promise<Buffer | string | null> {
    if (options.rawKey !== undefined) return options.rawKey;
    if (options.key !== undefined) return options.key;
    const key = this.descriptor.key;
    if (key.kind === 'field') return String((event as Record<string, unknown>)[key.field]);
    if (key.kind === 'string') {
      throw new KafkagenRuntimeError('KEY_MISSING', `${this.topic} is keyed by the caller: pass { key } to send()`);
    }
    throw new KafkagenRuntimeError('KEY_MISSING', `${this.topic} has a key schema (${key.subject}): use sendKeyed(key, event)`);
  }

  /** For topics with a key schema: the key is validated and encoded like the value. */
  async sendKeyed(key: unknown, event: TInput, options: SendOptions = {}): Promise<SendResult> {
    const k = this.descriptor.key;
    if (k.kind !== 'schema') return this.send(event, { ...options, key: String(key) });
    const check = k.codec ? k.codec.validate(key) : k.validator!.validate(key);
    if (!check.ok) throw new KafkagenRuntimeError('VALIDATION_FAILED', `key for ${this.topic} is invalid: ${check.errors.map((e) => `${e.path || '/'}: ${e.message}`).join('; ')}`, { issues: check.errors });
    const id = await this.client.registry.idFor(k.subject, k.schema, this.descriptor.format, k.references);
    const payload = k.codec ? k.codec.encode(key) : Buffer.from(JSON.stringify(key));
    return this.send(event, { ...options, rawKey: frame(id, payload) } as SendOptions);
  }
}

function isWrapped<T>(e: T | { event: T; options?: SendOptions }): e is { event: T; options?: SendOptions } {
  return typeof e === 'object' && e !== null && 'event' in e && Object.keys(e).every((k) => k === 'event' || k === 'options');
}
