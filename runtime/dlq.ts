// Dead-letter topics: the original key, value bytes and headers, plus headers saying where
// the record came from and why. Replay brings records back to their topic and partition.
import type { KafkaClient } from './client.js';
import { isKafkagenRuntimeError, KafkagenRuntimeError, messageOf } from './errors.js';
import { DLQ_HEADERS, HEADERS } from './headers.js';
import type { IncomingRecord } from './transport/types.js';

export type DeadLetterStage = 'deserialize' | 'validate' | 'handle';

export interface DeadLetterInput {
  record: IncomingRecord;
  deadLetterTopic: string;
  groupId: string;
  error: unknown;
  stage: DeadLetterStage;
  attempts: number;
}

/** Headers count against the broker's record size limit: message and stack are cut at 2,000 characters. */
const cut = (s: unknown) => String(s ?? '').slice(0, 2000);
const withoutDlqHeaders = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => !k.startsWith('kafkagen-dlq-')));

export function deadLetterHeaders({ record, groupId, error, stage, attempts }: DeadLetterInput): Record<string, string> {
  const e = error as { name?: unknown; stack?: unknown } | null;
  return {
    ...withoutDlqHeaders(record.headers), // a replayed record that failed again gets fresh ones
    [DLQ_HEADERS.topic]: record.topic,
    [DLQ_HEADERS.partition]: String(record.partition),
    [DLQ_HEADERS.offset]: record.offset,
    [DLQ_HEADERS.timestamp]: record.timestamp,
    [DLQ_HEADERS.group]: groupId,
    [DLQ_HEADERS.errorClass]: typeof e?.name === 'string' ? e.name : typeof error,
    ...(isKafkagenRuntimeError(error) && { [DLQ_HEADERS.errorCode]: error.code }),
    [DLQ_HEADERS.errorMessage]: cut(messageOf(error)),
    [DLQ_HEADERS.errorStack]: cut(e?.stack),
    [DLQ_HEADERS.attempts]: String(attempts),
    [DLQ_HEADERS.stage]: stage,
    [DLQ_HEADERS.deadLetteredAt]: new Date().toISOString(),
  };
}

export async function deadLetter(client: KafkaClient, input: DeadLetterInput): Promise<void> {
  const { record, deadLetterTopic, stage } = input;
  await (await client.sharedProducer()).send(deadLetterTopic, [{ key: record.key, value: record.value, headers: deadLetterHeaders(input) }]);
  client.logger.warn(`record ${record.topic}/${record.partition}@${record.offset} dead-lettered to ${deadLetterTopic} (${stage})`, { topic: record.topic, partition: record.partition, offset: record.offset, groupId: input.groupId, correlationId: record.headers[HEADERS.correlationId], error: messageOf(input.error) });
}

export interface ReplayOptions {
  /** As the catalog names it (the topic prefix is added). */
  deadLetterTopic: string;
  /** Only records for which this is true go back (their headers hold the DLQ_HEADERS). */
  filter?: (record: IncomingRecord) => boolean;
  /**
   * Replay remembers how far it got in this consumer group (default `kafkagen-replay-<dead-letter
   * topic>`), so a second replay sends only what was dead-lettered since. `all: true` reads the
   * whole topic again with a throwaway group.
   */
  groupId?: string;
  all?: boolean;
  timeoutMs?: number;
}

/**
 * Re-publishes dead-lettered records to their original topic and partition with their key,
 * value and original headers (dead-letter headers removed, `kafkagen-replayed-from` added).
 * Reads up to the end of the dead-letter topic as it was when called; skipped records count
 * as done too, so a later replay does not offer them again (use `all` for that). A dead-letter
 * topic that does not exist yet (nothing was dead-lettered) replays nothing and says so: `missing: true`.
 */
export async function replayDeadLetters(client: KafkaClient, options: ReplayOptions): Promise<{ replayed: number; skipped: number; missing?: true }> {
  const topic = client.topicName(options.deadLetterTopic);
  const groupId = options.all ? `kafkagen-replay-${topic}-${Date.now()}` : (options.groupId ?? `kafkagen-replay-${topic}`);
  const admin = await client.admin();
  const result = { replayed: 0, skipped: 0 };
  // Nothing was ever dead-lettered: asking for its offsets would retry UNKNOWN_TOPIC_OR_PARTITION for seconds, then throw.
  if (!(await admin.listTopics()).includes(topic)) return { ...result, missing: true };
  const ends = new Map((await admin.endOffsets(topic)).map((e) => [e.partition, BigInt(e.offset)]));
  // A partition the group never committed reads -1: start at 0.
  const done = options.all ? new Map<number, bigint>() : new Map((await admin.committedOffsets(groupId, topic)).map((c) => [c.partition, atLeastZero(BigInt(c.offset))]));
  const pending = new Set([...ends].filter(([p, end]) => end > (done.get(p) ?? 0n)).map(([p]) => p));
  if (pending.size === 0) return result;
  const consumer = await client.transport.consumer({ groupId, maxWaitTimeMs: 500 });
  const producer = await client.sharedProducer();
  const timeoutMs = options.timeoutMs ?? 60_000;
  // kafkajs re-delivers a batch whose handler failed (and restarts a crashed consumer from the
  // last commit; `all` commits nothing): what was already sent or skipped is not done again.
  const handled = new Set<string>();
  try {
    await consumer.subscribe([topic], true);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new KafkagenRuntimeError('REPLAY_FAILED', `replay of ${topic} did not reach its end within ${timeoutMs} ms`)), timeoutMs);
      const fail = (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      };
      // A crash kafkajs gives up on would otherwise leave replay waiting for its timeout.
      consumer.onCrash((e, restarting) => {
        if (!restarting) fail(e);
      });
      consumer
        .run(async ({ partition, records }, control) => {
          const end = ends.get(partition) ?? 0n;
          const mine = records.filter((r) => BigInt(r.offset) < end);
          // Sends made together go out in one request, in order (the send queue). Counted once
          // sent; all settle before a failure fails the batch, so none is sent twice.
          const sends = await Promise.allSettled(
            mine.map(async (r) => {
              const at = `${partition}@${r.offset}`;
              if (handled.has(at)) return;
              const original = r.headers[DLQ_HEADERS.topic];
              if (!original || (options.filter && !options.filter(r))) {
                handled.add(at);
                return void result.skipped++;
              }
              const p = Number(r.headers[DLQ_HEADERS.partition]);
              await producer.send(original, [{ key: r.key, value: r.value, headers: { ...withoutDlqHeaders(r.headers), [DLQ_HEADERS.replayedFrom]: `${topic}/${at}` }, partition: p >= 0 ? p : undefined }]);
              handled.add(at);
              result.replayed++;
            }),
          );
          const failed = sends.find((s) => s.status === 'rejected');
          if (failed) throw failed.reason;
          const last = mine.at(-1);
          if (last) {
            control.resolveOffset(last.offset);
            // Committed only once the batch is re-published: a crash replays it again, never loses it.
            if (!options.all) await control.commit((BigInt(last.offset) + 1n).toString());
          }
          if (!last || BigInt(last.offset) + 1n >= end) pending.delete(partition);
          if (pending.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        }, 1)
        .catch(fail);
    });
  } finally {
    await consumer.stop().catch(() => {});
    await consumer.disconnect().catch(() => {});
  }
  return result;
}

const atLeastZero = (n: bigint): bigint => (n > 0n ? n : 0n);
