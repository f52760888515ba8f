// Consuming typed events at least once: an offset is committed only after its handler has
// succeeded or the record has been dead-lettered. Handler failures are retried per the
// topic's policy; what retrying cannot fix (undecodable bytes, unknown schema id, invalid
// payload) goes to the dead-letter topic at once. Nothing is dropped.
import { performance } from 'node:perf_hooks';
import type { KafkaClient } from './client.js';
import type { TopicDescriptor } from './descriptor.js';
import { type DeadLetterStage, deadLetter } from './dlq.js';
import { KafkagenRuntimeError } from './errors.js';
import { callHook } from './hooks.js';
import { HEADERS } from './headers.js';
import { type RetryPolicy, backoffDelay } from './retry.js';
import { DecodeError, TopicSerde } from './serde.js';
import type { ConsumerSettings, IncomingRecord, RecordControl, TransportConsumer } from './transport/types.js';

export interface EventContext {
  topic: string;
  partition: number;
  offset: string;
  /** Broker timestamp, ms since epoch, as a string (as Kafka clients report it). */
  timestamp: string;
  key: string | null;
  rawKey: Buffer | null;
  headers: Record<string, string>;
  eventType: string;
  schemaId: number;
  correlationId: string | undefined;
  /** 1 on the first try. */
  attempt: number;
  /** Sends this record to the dead-letter topic now (no further retries) and commits it. */
  deadLetter(reason: string): void;
}

export type EventHandler<E> = (event: E, ctx: EventContext) => Promise<void> | void;

export interface ConsumerOptions extends Partial<Omit<ConsumerSettings, 'groupId'>> {
  groupId?: string;
  retry?: Partial<RetryPolicy>;
  deadLetterTopic?: string;
  fromBeginning?: boolean;
  /** Partitions handled at once (order is kept within each partition). Default 1. */
  partitionsConsumedConcurrently?: number;
  /** Stop waits this long for in-flight handlers before disconnecting anyway (default 30000). */
  shutdownTimeoutMs?: number;
}

export interface ConsumerHealth {
  connected: boolean;
  running: boolean;
  groupId: string;
  assignments: Array<{ topic: string; partitions: number[] }>;
  /** Records not yet committed per partition, where the broker could tell. */
  lag: Array<{ topic: string; partition: number; lag: number }>;
  lastError: string | undefined;
  processed: number;
  deadLettered: number;
}

interface Route {
  descriptor: TopicDescriptor;
  serde: TopicSerde;
  retry: RetryPolicy;
  deadLetterTopic: string;
  handle: (event: unknown, ctx: EventContext) => Promise<void>;
}

/** A record the consumer gave up on without handling it (iterator closed): never committed. */
class AbandonedRecord extends Error {
  constructor() {
    super('the iterator was closed before this record was handled; it will be read again');
    this.name = 'AbandonedRecord';
  }
}

class DeadLetterRequest extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'DeadLetterRequest';
  }
}

/**
 * One consumer group over one or more topics. Handlers are given per topic (a function over
 * the topic's union, or an object keyed by event type).
 */
export class GroupConsumer {
  private transport: TransportConsumer | undefined;
  private readonly routes = new Map<string, Route>();
  private state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  private lastError: string | undefined;
  private processed = 0;
  private deadLettered = 0;
  private signalHandler: (() => void) | undefined;
  readonly groupId: string;

  constructor(
    private readonly client: KafkaClient,
    private readonly options: ConsumerOptions & { groupId: string },
  ) {
    this.groupId = options.groupId;
  }

  /** Adds a topic with its handler(s). Call before start(). */
  route<E>(descriptor: TopicDescriptor, handlers: EventHandler<E> | Record<string, EventHandler<never>>, overrides: { retry?: Partial<RetryPolicy>; deadLetterTopic?: string } = {}): this {
    if (this.state !== 'idle') throw new KafkagenRuntimeError('CONFIG_INVALID', 'add topics before the consumer starts');
    const topic = this.client.topicName(descriptor.topic);
    const byType = typeof handlers === 'function' ? undefined : (handlers as Record<string, EventHandler<unknown>>);
    if (byType) {
      const unknown = Object.keys(byType).filter((k) => !descriptor.events.some((e) => e.name === k));
      if (unknown.length > 0) throw new KafkagenRuntimeError('CONFIG_INVALID', `no event type ${unknown.join(', ')} on ${descriptor.topic}; it carries ${descriptor.events.map((e) => e.name).join(', ')}`);
    }
    this.routes.set(topic, {
      descriptor,
      serde: new TopicSerde(descriptor, this.client.registry),
      retry: { ...descriptor.retry, ...this.options.retry, ...overrides.retry },
      deadLetterTopic: this.client.topicName(overrides.deadLetterTopic ?? this.options.deadLetterTopic ?? descriptor.deadLetterTopic),
      handle: async (event, ctx) => {
        if (!byType) return (handlers as EventHandler<unknown>)(event, ctx);
        const h = byType[ctx.eventType];
        // An event type without a handler is acknowledged: the consumer chose not to care.
        if (h) await h(event as never, ctx);
      },
    });
    return this;
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') return;
    this.state = 'running';
    const o = this.options;
    this.transport = await this.client.transport.consumer({
      groupId: this.groupId,
      sessionTimeoutMs: o.sessionTimeoutMs,
      heartbeatIntervalMs: o.heartbeatIntervalMs,
      maxBytes: o.maxBytes,
      maxBytesPerPartition: o.maxBytesPerPartition,
      maxWaitTimeMs: o.maxWaitTimeMs,
    });
    this.transport.onCrash((e) => {
      this.lastError = e.message;
      this.client.logger.error(`consumer group ${this.groupId} crashed`, { error: e.message });
    });
    await this.transport.subscribe([...this.routes.keys()], o.fromBeginning ?? false);
    await this.transport.run((record, control) => this.process(record, control), o.partitionsConsumedConcurrently ?? 1);
  }

  /** Graceful shutdown: stop fetching, finish in-flight handlers, commit, disconnect. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping' || !this.transport) {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    const transport = this.transport;
    const timeoutMs = this.options.shutdownTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([transport.stop().then(() => 'stopped' as const), timedOut]);
    clearTimeout(timer);
    await transport.disconnect().catch(() => {});
    this.state = 'stopped';
    if (this.signalHandler) {
      process.off('SIGTERM', this.signalHandler);
      process.off('SIGINT', this.signalHandler);
    }
    if (outcome === 'timeout') throw new KafkagenRuntimeError('SHUTDOWN_TIMEOUT', `handlers of ${this.groupId} did not finish within ${timeoutMs} ms; their records were not committed and will be read again`);
  }

  /**
   * Back-pressure: stop fetching a topic (all its partitions, or some) while a downstream
   * system is saturated; records in flight finish. `resume` picks up where it left off.
   */
  pause(topic: string, partitions?: number[]): void {
    this.transport?.pause(this.client.topicName(topic), partitions);
  }

  resume(topic: string, partitions?: number[]): void {
    this.transport?.resume(this.client.topicName(topic), partitions);
  }

  /** Stops gracefully on SIGTERM or SIGINT, then calls `onStopped` (e.g. process.exit). */
  stopOnSignals(onStopped: (error?: unknown) => void = () => {}): this {
    this.signalHandler = () => {
      this.stop().then(() => onStopped(), onStopped);
    };
    process.once('SIGTERM', this.signalHandler);
    process.once('SIGINT', this.signalHandler);
    return this;
  }

  async health(): Promise<ConsumerHealth> {
    const assignments = this.transport?.assignments() ?? [];
    const lag: ConsumerHealth['lag'] = [];
    if (this.state === 'running') {
      try {
        const admin = await this.client.admin();
        for (const { topic, partitions } of assignments) {
          const [ends, committed] = await Promise.all([admin.endOffsets(topic), admin.committedOffsets(this.groupId, topic)]);
          for (const p of partitions) {
            const end = ends.find((e) => e.partition === p)?.offset;
            const done = committed.find((c) => c.partition === p)?.offset;
            if (end !== undefined && done !== undefined && Number(done) >= 0) lag.push({ topic, partition: p, lag: Number(end) - Number(done) });
          }
        }
      } catch (e) {
        this.lastError = `lag unknown: ${(e as Error).message}`;
      }
    }
    return { connected: this.state === 'running', running: this.state === 'running', groupId: this.groupId, assignments, lag, lastError: this.lastError, processed: this.processed, deadLettered: this.deadLettered };
  }

  private async process(record: IncomingRecord, control: RecordControl): Promise<void> {
    const route = this.routes.get(record.topic);
    if (!route) return;
    const start = performance.now();
    const base = { topic: record.topic, partition: record.partition };
    let decoded;
    try {
      decoded = await route.serde.decode(record.value);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e; // e.g. the registry is down: kafkajs retries the record
      await this.toDeadLetter(route, record, e, e.stage, 0);
      return;
    }
    for (let attempt = 1; ; attempt++) {
      let requested: DeadLetterRequest | undefined;
      const ctx: EventContext = {
        topic: route.descriptor.topic,
        partition: record.partition,
        offset: record.offset,
        timestamp: record.timestamp,
        key: record.key ? record.key.toString('utf8') : null,
        rawKey: record.key,
        headers: record.headers,
        eventType: decoded.eventType,
        schemaId: decoded.schemaId,
        correlationId: record.headers[HEADERS.correlationId],
        attempt,
        deadLetter: (reason) => {
          requested = new DeadLetterRequest(reason);
        },
      };
      try {
        await route.handle(decoded.value, ctx);
        if (requested) {
          await this.toDeadLetter(route, record, requested, 'handle', attempt);
          return;
        }
        await this.commit(record);
        this.processed++;
        const endToEnd = Date.now() - Number(record.timestamp);
        callHook(this.client.hooks, 'onConsumed', { ...base, eventType: decoded.eventType, offset: record.offset, attempts: attempt, durationMs: performance.now() - start, endToEndMs: endToEnd });
        return;
      } catch (e) {
        if (e instanceof AbandonedRecord) throw e;
        this.lastError = (e as Error).message;
        if (attempt >= route.retry.attempts) {
          await this.toDeadLetter(route, record, e, 'handle', attempt);
          return;
        }
        const delayMs = backoffDelay(attempt, route.retry);
        callHook(this.client.hooks, 'onRetry', { ...base, eventType: decoded.eventType, offset: record.offset, attempt, delayMs, error: e, durationMs: performance.now() - start });
        this.client.logger.warn(`handler for ${record.topic} failed (attempt ${attempt}/${route.retry.attempts}); retrying in ${delayMs} ms`, { offset: record.offset, error: (e as Error).message });
        await sleepWithHeartbeat(delayMs, control);
        if (this.state === 'stopping') throw new KafkagenRuntimeError('HANDLER_FAILED', 'stopping: record left uncommitted for the next run'); // read again after restart
      }
    }
  }

  private async toDeadLetter(route: Route, record: IncomingRecord, error: unknown, stage: DeadLetterStage, attempts: number): Promise<void> {
    await deadLetter(this.client, { record, deadLetterTopic: route.deadLetterTopic, groupId: this.groupId, error, stage, attempts });
    await this.commit(record);
    this.deadLettered++;
    this.lastError = (error as Error).message;
    callHook(this.client.hooks, 'onDeadLettered', { topic: record.topic, partition: record.partition, offset: record.offset, stage, error, deadLetterTopic: route.deadLetterTopic, durationMs: 0 });
  }

  private commit(record: IncomingRecord): Promise<void> {
    return this.transport!.commit(record.topic, record.partition, (BigInt(record.offset) + 1n).toString());
  }
}

/** Waits `ms`, heartbeating so a long backoff does not cost the group membership. */
async function sleepWithHeartbeat(ms: number, control: RecordControl): Promise<void> {
  const step = 1000;
  for (let left = ms; left > 0; left -= step) {
    await new Promise((r) => setTimeout(r, Math.min(step, left)));
    await control.heartbeat().catch(() => {});
  }
}

/**
 * Pull-style consumption for batch and ETL jobs: `for await (const { event, ctx } of it)`.
 * A record is committed when the loop asks for the next one, so a crash in the loop body
 * re-reads it; breaking out of the loop stops the consumer.
 */
export function iterate<E>(client: KafkaClient, descriptor: TopicDescriptor, options: ConsumerOptions & { groupId: string }): AsyncIterableIterator<{ event: E; ctx: EventContext }> {
  type Item = { event: E; ctx: EventContext };
  type Settle = { resolve: () => void; reject: (e: Error) => void };
  const consumer = new GroupConsumer(client, options);
  const waiting: Array<(item: IteratorResult<Item>) => void> = [];
  const ready: Array<{ item: Item; settle: Settle }> = [];
  let current: Settle | undefined;
  let started = false;
  let finished = false;

  consumer.route<E>(descriptor, (event, ctx) => new Promise<void>((resolve, reject) => {
    const item = { event, ctx };
    const w = waiting.shift();
    if (w) {
      current = { resolve, reject };
      w({ value: item, done: false });
    } else ready.push({ item, settle: { resolve, reject } });
  }));

  const finish = async (): Promise<IteratorResult<Item>> => {
    if (!finished) {
      finished = true;
      // Not handled to the end (the loop broke or threw): left uncommitted, read again next time.
      current?.reject(new AbandonedRecord());
      for (const r of ready.splice(0)) r.settle.reject(new AbandonedRecord());
      await consumer.stop().catch(() => {});
      for (const w of waiting.splice(0)) w({ value: undefined, done: true });
    }
    return { value: undefined, done: true };
  };

  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      // The loop asks for the next record: the previous one was handled, commit it.
      current?.resolve();
      current = undefined;
      if (finished) return { value: undefined, done: true };
      if (!started) {
        started = true;
        void consumer.start().catch(() => finish());
      }
      const r = ready.shift();
      if (r) {
        current = r.settle;
        return { value: r.item, done: false };
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    return: finish,
  };
}
