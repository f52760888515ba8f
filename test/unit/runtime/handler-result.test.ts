// A handler's return value does not matter unless it is a promise: `(e) => seen.push(e)` returns
// a number, and must count as handled once (it once made every record fail and retry).
// In-memory transport; the records are bare JSON, so no registry is needed.
import { describe, expect, it } from 'vitest';
import { jsonTopic } from '../../support/descriptors.js';
import { memoryClient } from '../../support/memory-transport.js';

describe('handler results', () => {
  it('a handler returning a plain value (or nothing, or a promise) is handled once and committed', async () => {
    const { client, handle } = memoryClient();
    const seen: unknown[] = [];
    const handlers = [(e: unknown) => seen.push(e), (e: unknown) => void seen.push(e), async (e: unknown) => void seen.push(e)];
    const commits: string[] = [];
    for (const [i, handler] of handlers.entries()) {
      const group = client.group({ groupId: `g${i}` }).route(jsonTopic(`t${i}`, { type: 'object' }, { retry: { attempts: 3, initialBackoffMs: 1, maxBackoffMs: 1, multiplier: 1, jitter: 0 } }), handler as never);
      await group.start();
      const record = { topic: `t${i}`, partition: 0, offset: '0', timestamp: '0', key: null, value: Buffer.from(`{"n":${i}}`), headers: {} };
      await handle()({ topic: `t${i}`, partition: 0, records: [record], highWatermark: '1' }, { heartbeat: async () => {}, resolveOffset: () => {}, isRunning: () => true, isStale: () => false, commit: async (o) => void commits.push(`t${i}@${o}`) });
      expect((await group.health())).toMatchObject({ processed: 1, retries: 0, deadLettered: 0 });
    }
    expect(seen).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    expect(commits).toEqual(['t0@1', 't1@1', 't2@1']);
    await client.close();
  });
});
