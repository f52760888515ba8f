// Dead-letter replay when kafkajs delivers a batch again (a failed send or commit) or crashes
// for good. The transport is an in-memory stand-in: its consumer hands the dead-letter topic
// over in scripted batches and, like kafkajs, delivers a batch again when its handler throws.
import { describe, expect, it } from 'vitest';
import { KafkaClient } from '../../../runtime/client.js';
import { replayDeadLetters } from '../../../runtime/dlq.js';
import { DLQ_HEADERS } from '../../../runtime/headers.js';
import { silentLogger } from '../../../runtime/logger.js';
import type { BatchControl, IncomingRecord, Transport, TransportConsumer } from '../../../runtime/transport/types.js';

const DLQ = 'orders.dlq';

const dead = (offset: number, key: string, original = 'orders'): IncomingRecord => ({
  topic: DLQ,
  partition: 0,
  offset: String(offset),
  timestamp: '0',
  key: Buffer.from(key),
  value: Buffer.from(`v${offset}`),
  headers: original ? { [DLQ_HEADERS.topic]: original, [DLQ_HEADERS.partition]: '0', [DLQ_HEADERS.stage]: 'handle' } : {},
});

interface Script {
  records: IncomingRecord[];
  /** Batches as offsets ranges [from, to) over `records`, delivered in turn. */
  batches: Array<[number, number]>;
  /** Throws for the nth send request (0-based), once. */
  failSend?: (n: number) => unknown;
  /** Throws for the nth commit (0-based), once. */
  failCommit?: (n: number) => unknown;
  /** Instead of delivering batch i, crash (restarting or not). */
  crashAt?: { batch: number; restarting: boolean; error: Error };
}

function fake(script: Script) {
  const sent: Array<{ topic: string; value: string; replayedFrom: string | undefined }> = [];
  const commits: string[] = [];
  let sends = 0;
  let commitCalls = 0;
  let crash: ((e: Error, restarting: boolean) => void) | undefined;
  let running = true;
  const consumer: TransportConsumer = {
    subscribe: async () => {},
    async run(handle) {
      const control = (): BatchControl => ({
        heartbeat: async () => {},
        resolveOffset: () => {},
        isRunning: () => running,
        isStale: () => false,
        async commit(offset) {
          const n = commitCalls++;
          const e = script.failCommit?.(n);
          if (e) throw e;
          commits.push(offset);
        },
      });
      void (async () => {
        for (const [i, [from, to]] of script.batches.entries()) {
          if (script.crashAt?.batch === i) {
            crash?.(script.crashAt.error, script.crashAt.restarting);
            if (!script.crashAt.restarting) return;
          }
          // kafkajs: a batch whose handler failed comes again (after a restart, from the last commit).
          for (let attempt = 0; running; attempt++) {
            try {
              await handle({ topic: DLQ, partition: 0, records: script.records.slice(from, to), highWatermark: String(script.records.length) }, control());
              break;
            } catch (e) {
              if (attempt > 5) throw e;
            }
          }
        }
      })();
    },
    pause: () => {},
    resume: () => {},
    isPaused: () => false,
    stop: async () => void (running = false),
    disconnect: async () => {},
    isConnected: () => true,
    assignments: () => [],
    onCrash: (listener) => void (crash = listener),
  };
  const transport: Transport = {
    consumer: async () => consumer,
    producer: async () => ({
      async send(batches) {
        const n = sends++;
        const e = script.failSend?.(n);
        if (e) throw e;
        for (const b of batches) for (const r of b.records) sent.push({ topic: b.topic, value: String(r.value), replayedFrom: r.headers[DLQ_HEADERS.replayedFrom] });
        return batches.map((b) => b.records.map(() => ({ topic: b.topic, partition: 0 })));
      },
      disconnect: async () => {},
    }),
    admin: async () => ({
      createTopics: async () => {},
      listTopics: async () => [DLQ],
      partitionCounts: async () => new Map(),
      endOffsets: async () => [{ partition: 0, offset: String(script.records.length) }],
      committedOffsets: async () => [{ partition: 0, offset: '-1' }],
      disconnect: async () => {},
    }),
  };
  // One record per send request, and no send retries: a failure reaches replay as it is.
  const client = new KafkaClient({ brokers: ['fake:9092'], registry: { url: 'http://fake:8081' }, logger: silentLogger }, { transport, producer: { maxBatchRecords: 1 }, sendRetry: { attempts: 1 } });
  return { client, sent, commits };
}

const once = (at: number, make: () => unknown) => (n: number) => (n === at ? make() : undefined);

describe('replayDeadLetters', () => {
  it('sends each record once and counts it once when a failed commit brings its batch back', async () => {
    const records = [dead(0, 'a'), dead(1, 'b', ''), dead(2, 'c')];
    const { client, sent, commits } = fake({ records, batches: [[0, 3]], failCommit: once(0, () => Object.assign(new Error('coordinator loading'), { retriable: true })) });
    expect(await replayDeadLetters(client, { deadLetterTopic: DLQ })).toEqual({ replayed: 2, skipped: 1 });
    expect(sent.map((s) => s.value)).toEqual(['v0', 'v2']);
    expect(sent.map((s) => s.replayedFrom)).toEqual([`${DLQ}/0@0`, `${DLQ}/0@2`]);
    expect(commits).toEqual(['3']);
    await client.close();
  });

  it('counts a record only once its send succeeded, and sends again only what failed', async () => {
    const records = [dead(0, 'a'), dead(1, 'b'), dead(2, 'c')];
    // The second request (record 1) fails; records 0 and 2 went out and are not sent again.
    const { client, sent } = fake({ records, batches: [[0, 3]], failSend: once(1, () => new Error('broker went away')) });
    expect(await replayDeadLetters(client, { deadLetterTopic: DLQ })).toEqual({ replayed: 3, skipped: 0 });
    expect(sent.map((s) => s.value).sort()).toEqual(['v0', 'v1', 'v2']);
    await client.close();
  });

  it('replays each record once when a restarted consumer reads from the beginning again (all: nothing committed)', async () => {
    const records = [dead(0, 'a'), dead(1, 'b'), dead(2, 'c'), dead(3, 'd')];
    const { client, sent, commits } = fake({ records, batches: [[0, 2], [0, 4]], crashAt: { batch: 1, restarting: true, error: new Error('connection reset') } });
    expect(await replayDeadLetters(client, { deadLetterTopic: DLQ, all: true, filter: (r) => r.key?.toString() !== 'b' })).toEqual({ replayed: 3, skipped: 1 });
    expect(sent.map((s) => s.value)).toEqual(['v0', 'v2', 'v3']);
    expect(commits).toEqual([]);
    await client.close();
  });

  it('fails at once with the error when the consumer crashed and will not restart', async () => {
    const records = [dead(0, 'a'), dead(1, 'b')];
    const error = new Error('group authorization failed');
    const { client } = fake({ records, batches: [[0, 1], [1, 2]], crashAt: { batch: 1, restarting: false, error } });
    const started = Date.now();
    await expect(replayDeadLetters(client, { deadLetterTopic: DLQ, timeoutMs: 30_000 })).rejects.toBe(error);
    expect(Date.now() - started).toBeLessThan(10_000);
    await client.close();
  });
});
