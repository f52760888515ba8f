// Dead-letter topics: a record that cannot be processed is written there with its original
// key, value bytes and headers, plus headers saying where it came from and why; replay
// brings such records back to their original topic.
import type { KafkaClient } from './client.js';
import { isKafkagenRuntimeError } from './errors.js';
import { DLQ_HEADERS } from './headers.js';
import type { IncomingRecord } from './transport/types.js';

export type DeadLetterStage = 'deserialize' | 'validate' | 'handle';

const STACK_LIMIT = 2000;

export interface DeadLetterInput {
  record: IncomingRecord;
  deadLetterTopic: string;
  groupId: string;
  error: unknown;
  stage: DeadLetterStage;
  attempts: number;
}

export function deadLetterHeaders(input: DeadLetterInput): Record<string, string> {
  const e = input.error as { name?: string; message?: string; stack?: string; code?: string };
  return {
    ...input.record.headers,
    [DLQ_HEADERS.topic]: input.record.topic,
    [DLQ_HEADERS.partition]: String(input.record.partition),
    [DLQ_HEADERS.offset]: input.record.offset,
    [DLQ_HEADERS.timestamp]: input.record.timestamp,
    [DLQ_HEADERS.group]: input.groupId,
    [DLQ_HEADERS.errorClass]: e?.name ?? typeof input.error,
    ...(isKafkagenRuntimeError(input.error) ? { [DLQ_HEADERS.errorCode]: input.error.code } : {}),
    [DLQ_HEADERS.errorMessage]: String(e?.message ?? input.error).slice(0, STACK_LIMIT),
    [DLQ_HEADERS.errorStack]: String(e?.stack ?? '').slice(0, STACK_LIMIT),
    [DLQ_HEADERS.attempts]: String(input.attempts),
    [DLQ_HEADERS.stage]: input.stage,
    [DLQ_HEADERS.deadLetteredAt]: new Date().toISOString(),
  };
}

/** Writes the record to its dead-letter topic (through the client's shared producer). */
export async function deadLetter(client: KafkaClient, input: DeadLetterInput): Promise<void> {
  const producer = await client.sharedProducer();
  await producer.send(input.deadLetterTopic, [{ key: input.record.key, value: input.record.value, headers: deadLetterHeaders(input) }]);
  client.logger.warn(`record ${input.record.topic}/${input.record.partition}@${input.record.offset} dead-lettered to ${input.deadLetterTopic} (${input.stage})`, { error: (input.error as Error)?.message });
}

export interface ReplayOptions {
  deadLetterTopic: string;
  /** Only records for which this returns true are replayed (the others stay where they are). */
  filter?: (record: IncomingRecord) => boolean;
  /** Consumer group for the replay; a new one by default, so every dead letter is seen. */
  groupId?: string;
  /** Gives up waiting for the dead-letter topic's end after this long (default 30000). */
  timeoutMs?: number;
}

/**
 * Re-publishes dead-lettered records to their original topic with their key, value and
 * original headers (the dead-letter headers removed, `kafkagen-replayed-from` added). Reads
 * up to the end of the dead-letter topic as it was when called. Returns how many it replayed.
 */
export async function replayDeadLetters(client: KafkaClient, options: ReplayOptions): Promise<{ replayed: number; skipped: number }> {
  const topic = options.deadLetterTopic;
  const admin = await client.admin();
  const ends = new Map((await admin.endOffsets(topic)).map((e) => [e.partition, BigInt(e.offset)]));
  const pending = new Set([...ends.entries()].filter(([, end]) => end > 0n).map(([p]) => p));
  let replayed = 0;
  let skipped = 0;
  if (pending.size === 0) return { replayed, skipped };
  const consumer = await client.transport.consumer({ groupId: options.groupId ?? `kafkagen-replay-${topic}-${Date.now()}` });
  await consumer.subscribe([topic], true);
  const producer = await client.sharedProducer();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`replay of ${topic} did not reach the end within ${options.timeoutMs ?? 30_000} ms`)), options.timeoutMs ?? 30_000);
    consumer
      .run(async (record) => {
        const end = ends.get(record.partition);
        if (end === undefined || BigInt(record.offset) >= end) return;
        const original = record.headers[DLQ_HEADERS.topic];
        if (original && (!options.filter || options.filter(record))) {
          const headers = Object.fromEntries(Object.entries(record.headers).filter(([k]) => !k.startsWith('kafkagen-dlq-')));
          headers[DLQ_HEADERS.replayedFrom] = `${topic}/${record.partition}@${record.offset}`;
          await producer.send(original, [{ key: record.key, value: record.value, headers }]);
          replayed++;
        } else skipped++;
        await consumer.commit(record.topic, record.partition, (BigInt(record.offset) + 1n).toString());
        if (BigInt(record.offset) + 1n >= end) pending.delete(record.partition);
        if (pending.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      }, 1)
      .catch(reject);
  }).finally(async () => {
    await consumer.stop().catch(() => {});
    await consumer.disconnect().catch(() => {});
  });
  return { replayed, skipped };
}
