/// <reference path="./kafkajs-snappy.d.ts" />
// The kafkajs transport. kafkajs is no longer maintained; it stays behind this file only.
import kafkajs, { type KafkaConfig, type Message, type PartitionAssigner, type SASLOptions } from 'kafkajs';
import SnappyCodec from 'kafkajs-snappy';
import type { ClientConfig } from '../config.js';
import { isRetriable, KafkagenRuntimeError, messageOf } from '../errors.js';
import { decodeHeaders } from '../headers.js';
import type { Logger } from '../logger.js';
import { type RetryPolicy, withRetry } from '../retry.js';
import { assignBySubscription } from './assign.js';
import { installKafkajsCodec, javaCompatiblePartitioner, KAFKAGEN_RECORD } from './kafkajs-codec.js';
import type { IncomingRecord, Transport } from './types.js';

// kafkajs is CommonJS; Node's ESM loader cannot see all of its named exports.
const { AssignerProtocol, CompressionCodecs, CompressionTypes, Kafka, logLevel, PartitionAssigners, Partitioners } = kafkajs;

// kafkajs ships gzip only; snappy comes from a codec package.
CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;
const COMPRESSION = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy };

// Before kafkajs first encodes a Produce request or decodes a Fetch response (./kafkajs-codec.ts).
export const codec = installKafkajsCodec();

/**
 * kafkajs's default partitioner with murmur2 in 32-bit math (./kafkajs-codec.ts): the same
 * partitions, without a BigInt per four bytes of key (1-2 us a record); kafkajs's own on
 * another kafkajs version.
 */
const defaultPartitioner = javaCompatiblePartitioner<ReturnType<typeof Partitioners.DefaultPartitioner>>() ?? Partitioners.DefaultPartitioner;

/**
 * kafkajs's admin offset lookups do not refresh metadata on NOT_LEADER_FOR_PARTITION or
 * LEADER_NOT_AVAILABLE (a topic created a moment ago, a leader election): they fail at once.
 * Those errors are marked retriable, so retry them, for up to about ten seconds; no new
 * attempt starts after LEADER_WAIT_MS (each attempt runs kafkajs's own retries, up to 30 s,
 * so against a broker that never elects a leader, twelve of them would take minutes).
 */
const LEADER_RETRY: RetryPolicy = { attempts: 12, initialBackoffMs: 100, maxBackoffMs: 1_000, multiplier: 2, jitter: 0.2 };
const LEADER_WAIT_MS = 20_000;
function whileLeadersMove<T>(fn: () => Promise<T>): Promise<T> {
  return withRetry(fn, LEADER_RETRY, { retriable: (e) => isRetriable(e) || isRetriable((e as { cause?: unknown })?.cause), signal: AbortSignal.timeout(LEADER_WAIT_MS) });
}

/**
 * kafkajs's own retry timings, explicit: kafkajs shrinks its defaults (50 ms first wait, 1 s
 * in all) when NODE_ENV is "test", as vitest and jest set it, which is too short for a leader
 * a new topic is still electing.
 */
const KAFKAJS_RETRY = { initialRetryTime: 300, maxRetryTime: 30_000 };

/**
 * Round robin over the members that subscribed to each topic (./assign.ts). Offered first, with
 * kafkajs's own round robin second, so members of older deployments still share a protocol.
 */
const subscriptionRoundRobin: PartitionAssigner = ({ cluster }) => ({
  name: 'KafkagenSubscriptionRoundRobin',
  version: 0,
  async assign({ members }) {
    const subscriptions = members.map((m) => ({ memberId: m.memberId, topics: AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics ?? [] }));
    // kafkajs loads metadata for the leader's own topics only; the others' are needed too.
    await cluster.addMultipleTargetTopics(subscriptions.flatMap((m) => m.topics));
    const byMember = assignBySubscription(
      subscriptions,
      (topic) => cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId),
    );
    return [...byMember].map(([memberId, assignment]) => ({ memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment, userData: Buffer.alloc(0) }) }));
  },
  protocol: ({ topics }) => ({ name: 'KafkagenSubscriptionRoundRobin', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) }),
});

export function connectionError(e: unknown, config: ClientConfig, what: string): unknown {
  let root = e as { name?: string; cause?: unknown };
  while (root?.cause) root = root.cause as typeof root;
  const detail = messageOf(root);
  if (root?.name === 'KafkaJSSASLAuthenticationError') {
    return new KafkagenRuntimeError('BROKER_AUTH_FAILED', `${what}: the brokers refused the credentials of ${config.sasl?.username}: ${detail}. Fix: check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`, { cause: e });
  }
  if (/Connection|NumberOfRetriesExceeded|BrokerNotFound|RequestTimeout/.test(`${(e as Error)?.name} ${root?.name}`)) {
    return new KafkagenRuntimeError('BROKER_UNREACHABLE', `${what}: cannot reach the Kafka brokers ${config.brokers.join(',')} (${detail}). Fix: check KAFKA_BROKERS, that a broker is up and reachable from here, and TLS (KAFKA_SSL is ${config.ssl ? 'on' : 'off'})`, { cause: e, retriable: true });
  }
  return e;
}

/**
 * The logger level for a kafkajs log entry: kafkajs's own level, except for two known-benign
 * messages the runtime causes on purpose, demoted to debug (the README promises a quiet default
 * logger: warnings and errors a user should act on). Every other warning and error passes as is.
 * - "Limiting retries for the idempotent producer may invalidate EoS guarantees": kafkajs warns
 *   whenever an idempotent producer has a retry setting below MAX_SAFE_INTEGER; the runtime
 *   limits them on purpose and retries sends itself (send-queue.ts), so every start would warn.
 * - A Metadata response with UNKNOWN_TOPIC_OR_PARTITION ("This server does not host this
 *   topic-partition"): the first send to a topic the broker is still creating; kafkajs retries
 *   and the send succeeds. If it never does, the send itself fails with the error, which the
 *   runtime reports: the log line adds nothing.
 */
export function kafkajsLogLevel(level: number, message: unknown, fields: Record<string, unknown> = {}): 'error' | 'warn' | 'debug' {
  if (level === logLevel.WARN && message === 'Limiting retries for the idempotent producer may invalidate EoS guarantees') return 'debug';
  if (level === logLevel.ERROR && typeof message === 'string' && message.startsWith('Response Metadata(') && fields.error === 'This server does not host this topic-partition') return 'debug';
  return level <= logLevel.ERROR ? 'error' : level <= logLevel.WARN ? 'warn' : 'debug';
}

const CHOSEN = Symbol('partition');
type Chosen = Message & { [CHOSEN]?: number };

/** base + n, exact (offsets are int64 strings; numbers while they are safe). */
const addOffset = (base: string, n: number): string => (Number.isSafeInteger(Number(base) + n) ? String(Number(base) + n) : String(BigInt(base) + BigInt(n)));

export function kafkajsTransport(config: ClientConfig, logger: Logger): Transport {
  const kafka = new Kafka({
    clientId: config.clientId ?? 'kafkagen',
    brokers: config.brokers,
    ssl: config.ssl as KafkaConfig['ssl'],
    sasl: config.sasl as SASLOptions | undefined,
    connectionTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    retry: config.retries === undefined ? KAFKAJS_RETRY : { ...KAFKAJS_RETRY, retries: config.retries },
    logLevel: logLevel.WARN,
    logCreator: () => ({ level, log: { message, ...fields } }) => logger[kafkajsLogLevel(level, message, fields)](`kafkajs: ${message}`, fields),
  });
  const connect = async <T extends { connect(): Promise<void> }>(client: T, what: string): Promise<T> => {
    try {
      await client.connect();
      return client;
    } catch (e) {
      throw connectionError(e, config, what);
    }
  };

  return {
    async producer(s) {
      // The default murmur2 partitioner (Java-compatible), wrapped to learn each record's
      // partition (kept on the record, under a symbol kafkajs ignores): kafkajs reports
      // offsets per partition, the runtime per record.
      const producer = await connect(
        kafka.producer({
          idempotent: s.idempotent,
          maxInFlightRequests: s.idempotent ? 1 : s.maxInFlightRequests, // kafkajs keeps an idempotent producer in order only with 1
          allowAutoTopicCreation: s.allowAutoTopicCreation,
          retry: { ...KAFKAJS_RETRY, retries: s.retries },
          createPartitioner: () => {
            const inner = defaultPartitioner();
            return (args) => {
              const p = inner(args);
              (args.message as Chosen)[CHOSEN] = p;
              return p;
            };
          },
        }),
        'connecting the producer',
      );
      return {
        async send(batches) {
          const topicMessages = batches.map((b) => ({ topic: b.topic, messages: b.records as Message[] }));
          for (const b of batches) for (const r of b.records) (r as { [KAFKAGEN_RECORD]?: true })[KAFKAGEN_RECORD] = true;
          // Not retried above kafkajs once it gives up (KafkaJSNumberOfRetriesExceeded): partitions
          // on brokers that answered were written, and a resend would write them twice.
          const result = await producer.sendBatch({ topicMessages, acks: s.acks, timeout: s.timeoutMs, compression: COMPRESSION[s.compression] });
          return topicMessages.map(({ topic, messages }) => {
            const base = new Map(result.filter((r) => r.topicName === topic).map((r) => [r.partition, r.baseOffset]));
            const rank = new Map<number, number>();
            return messages.map((m) => {
              const partition = (m as Chosen)[CHOSEN] ?? m.partition ?? -1;
              const n = rank.get(partition) ?? 0;
              rank.set(partition, n + 1);
              const b = base.get(partition);
              return { topic, partition, offset: b && b !== '-1' ? addOffset(b, n) : undefined };
            });
          });
        },
        disconnect: () => producer.disconnect(),
      };
    },

    async consumer(s) {
      const consumer = kafka.consumer({ groupId: s.groupId, partitionAssigners: [subscriptionRoundRobin, PartitionAssigners.roundRobin], sessionTimeout: s.sessionTimeoutMs, heartbeatInterval: s.heartbeatIntervalMs, maxBytes: s.maxBytes, maxBytesPerPartition: s.maxBytesPerPartition, maxWaitTimeInMs: s.maxWaitTimeMs });
      let assigned: Array<{ topic: string; partitions: number[] }> = [];
      let connected = false;
      // 'topic' and 'topic:3', so the per-record check is a Set lookup.
      const paused = new Set<string>();
      const { GROUP_JOIN, CONNECT, DISCONNECT, STOP, CRASH } = consumer.events;
      consumer.on(GROUP_JOIN, (e) => (assigned = Object.entries(e.payload.memberAssignment).map(([topic, partitions]) => ({ topic, partitions: partitions as number[] }))));
      consumer.on(CONNECT, () => (connected = true));
      consumer.on(DISCONNECT, () => (connected = false));
      consumer.on(STOP, () => (assigned = []));
      await connect(consumer, `connecting consumer group ${s.groupId}`);
      connected = true;
      const keys = (topic: string, partitions?: number[]) => (partitions ? partitions.map((p) => `${topic}:${p}`) : [topic]);
      return {
        subscribe: (topics, fromBeginning) => consumer.subscribe({ topics, fromBeginning }),
        run: (handle, concurrency) =>
          consumer.run({
            autoCommit: false, // the runtime commits, only after a record is handled or dead-lettered
            eachBatchAutoResolve: false, // a batch left early (stop, pause) resumes after its last handled record
            partitionsConsumedConcurrently: concurrency,
            eachBatch: async ({ batch: { topic, partition, messages, highWatermark }, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }) => {
              const records = messages.map((m): IncomingRecord => ({ topic, partition, offset: m.offset, timestamp: m.timestamp, key: m.key ?? null, value: m.value ?? null, headers: decodeHeaders(m.headers) }));
              await handle(
                { topic, partition, records, highWatermark },
                // Unlike consumer.commitOffsets, this also commits while stopping.
                { heartbeat, resolveOffset, isRunning, isStale, commit: (offset) => commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] }) },
              );
            },
          }),
        pause(topic, partitions) {
          for (const k of keys(topic, partitions)) paused.add(k);
          consumer.pause([{ topic, partitions }]);
        },
        resume(topic, partitions) {
          for (const k of partitions ? keys(topic, partitions) : [...paused].filter((k) => k === topic || k.startsWith(`${topic}:`))) paused.delete(k);
          consumer.resume([{ topic, partitions }]);
        },
        isPaused: (topic, partition) => paused.size > 0 && (paused.has(topic) || paused.has(`${topic}:${partition}`)),
        stop: () => consumer.stop(),
        disconnect: () => consumer.disconnect(),
        isConnected: () => connected,
        assignments: () => assigned,
        onCrash: (listener) => consumer.on(CRASH, (e) => listener(e.payload.error, e.payload.restart)),
      };
    },

    async admin() {
      const admin = await connect(kafka.admin(), 'connecting the admin client');
      return {
        async createTopics(topics) {
          await admin.createTopics({
            topics: topics.map((t) => ({ topic: t.topic, numPartitions: t.partitions ?? -1, replicationFactor: t.replicationFactor ?? -1, configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })) })),
            waitForLeaders: true,
          });
          // Leaders in the metadata are not yet leaders that answer: wait until each partition does.
          await Promise.all(topics.map((t) => whileLeadersMove(() => admin.fetchTopicOffsets(t.topic))));
        },
        listTopics: () => admin.listTopics(),
        // No topics would mean "all topics" to kafkajs.
        partitionCounts: async (topics) => new Map(topics.length === 0 ? [] : (await admin.fetchTopicMetadata({ topics })).topics.map((t) => [t.name, t.partitions.length])),
        endOffsets: (topic) => whileLeadersMove(async () => (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.high }))),
        committedOffsets: (groupId, topic) => whileLeadersMove(async () => ((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? []).map((p) => ({ partition: p.partition, offset: p.offset }))),
        disconnect: () => admin.disconnect(),
      };
    },
  };
}
