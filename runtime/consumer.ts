// At least once: an offset is committed only after its handler succeeded or the record was
// dead-lettered. Failed handlers are retried per the topic's policy; what retrying cannot fix
// (bad bytes, unknown schema id, invalid payload) is dead-lettered at once. Commits go per
// batch, not per record: a commit per record would cap throughput at the broker's round trip.
import { performance } from 'node:perf_hooks';
import type { KafkaClient } from './client.js';
import { type ConsumerConfig, DEFAULTS, defined, numberProblems } from './config.js';
import type { TopicDescriptor } from './descriptor.js';
import { type DeadLetterStage, deadLetter } from './dlq.js';
import { isRetriable, KafkagenRuntimeError, messageOf } from './errors.js';
import { HEADERS } from './headers.js';
import { callHook } from './hooks.js';
import { backoffDelay, type RetryPolicy, sleep, withRetry } from './retry.js';
import { type Decoded, isDecodeError, TopicSerde } from './serde/index.js';
import type { BatchControl, IncomingRecord, TransportConsumer } from './transport/types.js';

export interface EventContext {
  /** Without the environment prefix. */
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: string | null;
  rawKey: Buffer | null;
  /** Decoded with the key schema when the topic has one, else `key`. */
  keyValue: unknown;
  headers: Record<string, string>;
  eventType: string;
  /** The writer's schema id; 0 for bare JSON (no framing). */
  schemaId: number;
  correlationId: string | undefined;
  attempt: number;
  /** Aborts when the consumer stops. */
  signal: AbortSignal;
  /** Dead-letters the record when the handler returns. */
  deadLetter(reason: string): void;
  heartbeat(): Promise<void>;
}

export type EventHandler<E> = (event: E, ctx: EventContext) => Promise<void> | void;

export interface ConsumerOptions extends ConsumerConfig {
  groupId?: string;
  retry?: Partial<RetryPolicy>;
  deadLetterTopic?: string;
  /**
   * For read-only tools (`kafkagen consume`): called instead of dead-lettering a record that
   * cannot be processed, which is then committed. Services leave it unset: nothing is lost.
   */
  onUnprocessable?: (record: IncomingRecord, error: unknown, stage: DeadLetterStage) => Promise<void> | void;
}

export type ConsumerState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';

export interface ConsumerHealth {
  connected: boolean;
  running: boolean;
  state: ConsumerState;
  groupId: string;
  paused: boolean;
  assignments: Array<{ topic: string; partitions: number[] }>;
  lag: Array<{ topic: string; partition: number; lag: number }>;
  lastError: string | undefined;
  processed: number;
  deadLettered: number;
  retries: number;
}

interface Route {
  descriptor: TopicDescriptor;
  serde: TopicSerde;
  retry: RetryPolicy;
  deadLetterTopic: string;
  handle: (event: unknown, ctx: EventContext) => Promise<void> | void;
}

/** Short: a commit that keeps failing fails the batch, which is then read again. */
const COMMIT_RETRY: RetryPolicy = { attempts: 5, initialBackoffMs: 100, maxBackoffMs: 1_000, multiplier: 2, jitter: 0.2 };

/** The member lost its generation: the commit would be refused again until the client rejoins. */
const GROUP_CHANGED = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

/**
 * A failed commit worth repeating in place (coordinator loading, a timeout): failing the batch
 * instead would run its handlers again. Group changes propagate so the client rejoins. A moved
 * coordinator (NOT_COORDINATOR) is retried too, though kafkajs 2.2.4 asks the same broker again
 * while connected: then the batch fails after the retries, as it did before, and nothing is lost.
 */
export function isRetriableCommitError(e: unknown): boolean {
  return isRetriable(e) && !GROUP_CHANGED.has(String((e as { type?: unknown }).type));
}

/** The offset after `last` (the next to read), or 0 before any record. */
const nextOffset = (last: string | undefined): bigint => (last === undefined ? 0n : BigInt(last) + 1n);

/** What became of a record: 'done' (handled or dead-lettered: commit it) or 'abandoned' (stopping: read it again). */
type Outcome = 'done' | 'abandoned';
type DecodedRecord = { value: Decoded; keyValue: unknown };

/** Gives a record up unhandled (iterator closed): not committed, read again. */
export const ABANDONED = 'KafkagenAbandonedRecord';
const abandoned = () => Object.assign(new Error('handler given up at the shutdown timeout'), { name: ABANDONED });

/** One consumer group over one or more topics, each with a handler (or handlers by event type). */
export class GroupConsumer {
  readonly groupId: string;
  private transport: TransportConsumer | undefined;
  private readonly routes = new Map<string, Route>();
  private state: ConsumerState = 'idle';
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly settings: typeof DEFAULTS.consumer;
  private lastError: string | undefined;
  private readonly counts = { processed: 0, deadLettered: 0, retries: 0 };
  /** Per partition: the high watermark and the last record done (for commits and health()). */
  private readonly progress = new Map<string, { end: bigint; last?: string }>();
  private readonly pauses = new Map<string, number[] | undefined>();
  private signalHandler: (() => void) | undefined;
  // Handlers in flight, given up at the shutdown timeout: one that ignores ctx.signal would
  // otherwise hold kafkajs's stop(), which disconnect() awaits too, forever. Its record is not
  // committed, so the batch ends and the member leaves the group. A Set, not a listener on a
  // signal: this runs per record.
  private readonly inFlight = new Set<(e: Error) => void>();
  private pastDeadline = false;

  constructor(
    private readonly client: KafkaClient,
    private readonly options: ConsumerOptions & { groupId: string },
  ) {
    this.groupId = options.groupId;
    const { groupId, retry, deadLetterTopic, onUnprocessable, ...own } = options;
    this.settings = { ...DEFAULTS.consumer, ...defined(client.config.consumer ?? {}), ...defined(own) };
    const problems = numberProblems(this.settings);
    if (!groupId) problems.push('groupId: none given');
    if (problems.length > 0) throw new KafkagenRuntimeError('CONFIG_INVALID', `invalid consumer options:\n  - ${problems.join('\n  - ')}`);
  }

  /** Adds a topic with its handler(s). Call before start(). */
  route<E>(descriptor: TopicDescriptor, handlers: EventHandler<E> | Record<string, EventHandler<never>>, overrides: { retry?: Partial<RetryPolicy>; deadLetterTopic?: string } = {}): this {
    const byType = typeof handlers === 'function' ? undefined : (handlers as Record<string, EventHandler<unknown>>);
    const unknown = Object.keys(byType ?? {}).filter((k) => !descriptor.events.some((e) => e.name === k));
    if (this.state !== 'idle' || unknown.length > 0) throw new KafkagenRuntimeError('CONFIG_INVALID', unknown.length > 0 ? `no event type ${unknown.join(', ')} on ${descriptor.topic}; it carries ${descriptor.events.map((e) => e.name).join(', ')}` : 'add topics before the consumer starts');
    this.routes.set(this.client.topicName(descriptor.topic), {
      descriptor,
      serde: new TopicSerde(descriptor, this.client.registry),
      retry: { ...descriptor.retry, ...this.options.retry, ...overrides.retry },
      deadLetterTopic: this.client.topicName(overrides.deadLetterTopic ?? this.options.deadLetterTopic ?? descriptor.deadLetterTopic),
      // An event type without a handler is acknowledged: the consumer chose not to care.
      handle: byType ? (event, ctx) => byType[ctx.eventType]?.(event, ctx) : (handlers as EventHandler<unknown>),
    });
    return this;
  }

  /** Joins the group and starts handling records; resolves once running. */
  start(): Promise<void> {
    if (this.state === 'idle') {
      this.state = 'starting';
      this.starting = this.doStart();
    }
    return this.starting ?? Promise.resolve();
  }

  private async doStart(): Promise<void> {
    const s = this.settings;
    try {
      this.transport = await this.client.transport.consumer({ groupId: this.groupId, ...s });
      this.transport.onCrash((e, restarting) => {
        this.noteError(e, restarting ? 'crashed; rejoining' : 'crashed and stopped');
        if (!restarting && this.state === 'running') this.state = 'crashed';
      });
      await this.transport.subscribe([...this.routes.keys()], s.fromBeginning);
      await this.transport.run((batch, control) => this.handleBatch(batch, control), s.partitionsConsumedConcurrently);
      if (this.state === 'starting') this.state = 'running';
      this.applyPauses();
    } catch (e) {
      this.noteError(e, 'failed to start');
      this.state = 'crashed'; // not stopped on purpose: health checks must see it
      await this.transport?.disconnect().catch(() => {});
      this.transport = undefined; // nothing to stop later
      throw e;
    }
  }

  /** Graceful shutdown: stop fetching, finish in-flight handlers, commit, disconnect, within shutdownTimeoutMs. */
  stop(): Promise<void> {
    return (this.stopping ??= this.doStop());
  }

  private async doStop(): Promise<void> {
    await this.starting?.catch(() => {});
    this.removeSignalHandlers();
    const transport = this.transport;
    if (!transport || this.state === 'stopped') return void (this.state = 'stopped');
    this.state = 'stopping';
    this.abort.abort(); // ends backoff waits at once; their records stay uncommitted
    const ms = this.settings.shutdownTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([transport.stop(), new Promise((r) => (timer = setTimeout(r, ms, 'timeout')))]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.pastDeadline = true;
      for (const giveUp of this.inFlight) giveUp(abandoned());
    }
    await transport.disconnect().catch(() => {});
    this.state = 'stopped';
    if (outcome === 'timeout') throw new KafkagenRuntimeError('SHUTDOWN_TIMEOUT', `handlers of ${this.groupId} did not finish within ${ms} ms; their records were not committed and will be read again`);
  }

  /** `await using group = client.consume(...)`: stops it (committing what was handled) at the end of the block, as KafkaClient and generated consumers do. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** Stops gracefully on SIGTERM or SIGINT, then calls `onStopped` (e.g. process.exit). A second signal is not caught. */
  stopOnSignals(onStopped: (error?: unknown) => void = () => {}): this {
    this.removeSignalHandlers();
    this.signalHandler = () => void this.stop().then(() => onStopped(), onStopped);
    for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, this.signalHandler);
    return this;
  }

  /** Back-pressure: stops fetching a topic (some partitions, or every topic); records in hand finish. */
  pause(topic?: string, partitions?: number[]): void {
    for (const t of topic === undefined ? this.routes.keys() : [this.client.topicName(topic)]) this.pauses.set(t, partitions);
    this.applyPauses();
    callHook(this.client.hooks, 'onPaused', { groupId: this.groupId, reason: 'pause()' });
  }

  resume(topic?: string, partitions?: number[]): void {
    for (const t of topic === undefined ? [...this.pauses.keys()] : [this.client.topicName(topic)]) {
      this.pauses.delete(t);
      if (this.state === 'running') this.transport!.resume(t, partitions);
    }
    callHook(this.client.hooks, 'onResumed', { groupId: this.groupId });
  }

  async health(): Promise<ConsumerHealth> {
    const assignments = this.state === 'running' ? this.transport!.assignments() : [];
    const lag = assignments.flatMap(({ topic, partitions }) =>
      partitions.flatMap((partition) => {
        const p = this.progress.get(`${topic}:${partition}`);
        return p ? [{ topic, partition, lag: Math.max(0, Number(p.end - nextOffset(p.last))) }] : [];
      }),
    );
    return { connected: this.transport?.isConnected() ?? false, running: this.state === 'running', state: this.state, groupId: this.groupId, paused: this.pauses.size > 0, assignments, lag, lastError: this.lastError, ...this.counts };
  }

  private async handleBatch({ topic, partition, records, highWatermark }: { topic: string; partition: number; records: IncomingRecord[]; highWatermark: string }, control: BatchControl): Promise<void> {
    const route = this.routes.get(topic)!;
    const key = `${topic}:${partition}`;
    const progress: { end: bigint; last?: string } = this.progress.get(key) ?? { end: 0n };
    this.progress.set(key, progress);
    progress.end = BigInt(highWatermark);
    let uncommitted = 0;
    let lastCommit = Date.now();
    let lastBeat = lastCommit;
    const commit = async () => {
      const start = performance.now();
      const offset = String(nextOffset(progress.last));
      // No abort signal: the commit while stopping is the one that saves handled records from a rerun.
      await withRetry(() => control.commit(offset), COMMIT_RETRY, {
        retriable: isRetriableCommitError,
        onRetry: (e, attempt, delayMs) => this.client.logger.warn(`commit of ${key} failed (attempt ${attempt}/${COMMIT_RETRY.attempts}); retrying in ${delayMs} ms`, { offset, error: messageOf(e) }),
      });
      callHook(this.client.hooks, 'onCommitted', { topic, partition, offset, records: uncommitted, durationMs: performance.now() - start });
      uncommitted = 0;
      lastCommit = Date.now();
    };
    // The last record done (handled or dead-lettered), marked resolved in the client before each
    // commit and when the batch ends, rather than per record: each mark costs the client int64 math.
    let done: string | undefined;
    const settle = () => {
      if (done === undefined) return;
      control.resolveOffset(done);
      done = undefined;
    };
    let failure: unknown;
    try {
      for (const record of records) {
        if (!control.isRunning() || control.isStale() || this.abort.signal.aborted || this.transport!.isPaused(topic, partition)) break;
        let outcome = this.process(route, record, control);
        if (typeof outcome !== 'string') outcome = await outcome; // synchronous when the handler is
        if (outcome === 'abandoned') break;
        done = progress.last = record.offset;
        const now = Date.now();
        if (++uncommitted >= this.settings.commitEveryRecords || now - lastCommit >= this.settings.commitIntervalMs) {
          settle();
          await commit();
        }
        if (now - lastBeat >= 1_000) await control.heartbeat().then(() => (lastBeat = now));
      }
      settle();
    } catch (e) {
      failure = e;
      try {
        settle(); // what was handled before the failure is still marked and committed
      } catch (e2) {
        this.noteError(e2, `marking ${key} handled`);
      }
    }
    // After a failure too: what was handled is committed, the rest is read again.
    if (uncommitted > 0) await commit().catch((e) => (failure === undefined ? (failure = e) : this.noteError(e, `commit of ${key}`)));
    if (failure !== undefined) throw failure; // the client rejoins and reads on from the last commit
  }

  /**
   * 'done': commit it; 'abandoned': stopping, leave it. Synchronous while nothing needs waiting
   * for (decoded with known schemas, a handler that returns no promise): this runs per record.
   */
  private process(route: Route, record: IncomingRecord, control: BatchControl): Outcome | Promise<Outcome> {
    const start = performance.now();
    const decoded = this.decode(route, record, control, 1);
    if (decoded instanceof Promise) return decoded.then((d) => (typeof d === 'string' ? d : this.attempt(route, record, control, d, start, 1)));
    return this.attempt(route, record, control, decoded, start, 1);
  }

  private attempt(route: Route, record: IncomingRecord, control: BatchControl, decoded: DecodedRecord, start: number, attempt: number): Outcome | Promise<Outcome> {
    // Stopping before its handler started (e.g. while the record waited on the registry): not in flight, read again next run.
    if (this.abort.signal.aborted) return 'abandoned';
    const { value, keyValue } = decoded;
    const asked: { reason?: string } = {};
    // A plain object literal without spreads: a spread followed by more keys builds the object
    // property by property, which cost ~15 us a record.
    const ctx: EventContext = {
      topic: route.descriptor.topic,
      partition: record.partition,
      offset: record.offset,
      eventType: value.eventType,
      timestamp: record.timestamp,
      key: record.key?.toString('utf8') ?? null,
      rawKey: record.key,
      keyValue,
      headers: record.headers,
      schemaId: value.schemaId,
      correlationId: record.headers[HEADERS.correlationId],
      attempt,
      signal: this.abort.signal,
      deadLetter: (reason) => void (asked.reason = reason),
      heartbeat: () => control.heartbeat(),
    };
    let pending: Promise<void> | void;
    try {
      pending = this.untilDeadline(route.handle(value.value, ctx));
    } catch (e) {
      return this.failed(route, record, control, decoded, start, attempt, asked, e);
    }
    if (pending) return pending.then(() => this.succeeded(route, record, value, start, attempt, asked), (e: unknown) => this.failed(route, record, control, decoded, start, attempt, asked, e));
    return this.succeeded(route, record, value, start, attempt, asked);
  }

  private succeeded(route: Route, record: IncomingRecord, value: Decoded, start: number, attempt: number, asked: { reason?: string }): Outcome | Promise<Outcome> {
    if (asked.reason !== undefined) return this.toDeadLetter(route, record, new KafkagenRuntimeError('DEAD_LETTERED', asked.reason), 'handle', attempt);
    this.counts.processed++;
    if (this.client.hooks?.onConsumed) callHook(this.client.hooks, 'onConsumed', { topic: record.topic, partition: record.partition, eventType: value.eventType, offset: record.offset, attempts: attempt, durationMs: performance.now() - start, endToEndMs: Date.now() - Number(record.timestamp) });
    return 'done';
  }

  /** A failed attempt: given up (stopping), dead-lettered (asked, or out of attempts), or retried after its backoff. */
  private async failed(route: Route, record: IncomingRecord, control: BatchControl, decoded: DecodedRecord, start: number, attempt: number, asked: { reason?: string }, e: unknown): Promise<Outcome> {
    if ((e as Error | null)?.name === ABANDONED) return 'abandoned';
    if (asked.reason !== undefined) return this.toDeadLetter(route, record, new KafkagenRuntimeError('DEAD_LETTERED', asked.reason, { cause: e }), 'handle', attempt);
    this.lastError = messageOf(e);
    // Before the attempts check: a handler aborted by stop() on its last attempt was dead-lettered (and committed).
    if (this.abort.signal.aborted) return 'abandoned'; // stopping: the next run reads it again
    if (attempt >= route.retry.attempts) return this.toDeadLetter(route, record, e, 'handle', attempt);
    const delayMs = backoffDelay(attempt, route.retry);
    this.counts.retries++;
    callHook(this.client.hooks, 'onRetry', { topic: record.topic, partition: record.partition, eventType: decoded.value.eventType, offset: record.offset, attempt, delayMs, error: e, durationMs: performance.now() - start });
    this.client.logger.warn(`handler for ${record.topic} failed (attempt ${attempt}/${route.retry.attempts}); retrying in ${delayMs} ms`, { topic: record.topic, partition: record.partition, offset: record.offset, correlationId: record.headers[HEADERS.correlationId], error: messageOf(e) });
    if (!(await this.wait(delayMs, control))) return 'abandoned';
    return this.attempt(route, record, control, decoded, start, attempt + 1);
  }

  /** The handler's outcome, or ABANDONED at the shutdown timeout. */
  private untilDeadline(work: Promise<void> | void): Promise<void> | void {
    // A handler may return anything (`(e) => list.push(e)` returns a number): only a promise is waited for.
    if (typeof (work as Promise<void> | undefined)?.then !== 'function') return;
    if (this.pastDeadline) {
      (work as Promise<void>).then(undefined, () => {}); // given up: its outcome no longer matters, and must not go unhandled
      return Promise.reject(abandoned());
    }
    return new Promise<void>((resolve, reject) => {
      this.inFlight.add(reject);
      (work as Promise<void>).then(
        () => (this.inFlight.delete(reject), resolve()),
        (e: unknown) => (this.inFlight.delete(reject), reject(e)),
      );
    });
  }

  /** A registry outage is not the record's fault: it is waited out (backoff, heartbeats), never dead-lettered. */
  private decode(route: Route, record: IncomingRecord, control: BatchControl, attempt: number): DecodedRecord | Promise<DecodedRecord | Outcome> {
    let value: Decoded | Promise<Decoded> | undefined;
    try {
      value = route.serde.decode(record.value, record.headers[HEADERS.eventType]);
      const keyValue = route.serde.readKey(record.key);
      if (!(value instanceof Promise) && !(keyValue instanceof Promise)) return { value, keyValue };
      return Promise.all([value, keyValue]).then(
        ([v, k]) => ({ value: v, keyValue: k }),
        (e: unknown) => this.decodeFailed(route, record, control, attempt, e),
      );
    } catch (e) {
      if (value instanceof Promise) value.catch(() => {}); // superseded by the key's error
      return this.decodeFailed(route, record, control, attempt, e);
    }
  }

  private async decodeFailed(route: Route, record: IncomingRecord, control: BatchControl, attempt: number, e: unknown): Promise<DecodedRecord | Outcome> {
    // Unknown and not retriable: dead-letter rather than crash-loop.
    if (isDecodeError(e) || !isRetriable(e)) return this.toDeadLetter(route, record, e, isDecodeError(e) ? e.stage : 'deserialize', 0);
    this.noteError(e, `cannot decode ${record.topic}/${record.partition}@${record.offset} yet`);
    if (!(await this.wait(backoffDelay(Math.min(attempt, 6), { ...route.retry, maxBackoffMs: 30_000 }), control))) return 'abandoned';
    return this.decode(route, record, control, attempt + 1);
  }

  private async toDeadLetter(route: Route, record: IncomingRecord, error: unknown, stage: DeadLetterStage, attempts: number): Promise<Outcome> {
    if (this.options.onUnprocessable) {
      await this.options.onUnprocessable(record, error, stage);
      return 'done';
    }
    // If this write fails, the batch fails before the record is committed: it is read again.
    await deadLetter(this.client, { record, deadLetterTopic: route.deadLetterTopic, groupId: this.groupId, error, stage, attempts });
    this.counts.deadLettered++;
    this.lastError = messageOf(error);
    callHook(this.client.hooks, 'onDeadLettered', { topic: record.topic, partition: record.partition, offset: record.offset, stage, error, deadLetterTopic: route.deadLetterTopic, durationMs: 0 });
    return 'done';
  }

  /** Waits `ms`, heartbeating so a long backoff does not cost the group membership. False when stopping. */
  private async wait(ms: number, control: BatchControl): Promise<boolean> {
    for (let left = ms; left > 0; left -= 1_000) {
      if (!(await sleep(Math.min(1_000, left), this.abort.signal))) return false;
      await control.heartbeat().catch(() => {}); // a rebalance shows up at commit time
    }
    return !this.abort.signal.aborted;
  }

  private applyPauses(): void {
    if (this.state === 'running') for (const [t, partitions] of this.pauses) this.transport!.pause(t, partitions);
  }

  private noteError(e: unknown, context: string): void {
    this.lastError = `${context}: ${messageOf(e)}`;
    this.client.logger.warn(`consumer group ${this.groupId}: ${context}`, { error: messageOf(e) });
    callHook(this.client.hooks, 'onError', { groupId: this.groupId, error: e, context });
  }

  private removeSignalHandlers(): void {
    if (this.signalHandler) for (const s of ['SIGTERM', 'SIGINT'] as const) process.off(s, this.signalHandler);
  }
}
