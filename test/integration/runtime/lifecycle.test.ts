// Consumer lifecycle against the real broker (docs/runtime.md "Consuming"): the shutdown
// timeout, ctx.signal on stop(), `await using` disposal of consumers and clients, and commits
// inside long batches (commitEveryRecords).
import { afterAll, describe, expect, it } from 'vitest';
import type { KafkaClient } from '../../../runtime/client.js';
import type { GroupConsumer } from '../../../runtime/consumer.js';
import { avroTopic, FAST_RETRY, orderSchema, testClient, trackedClients, waitFor } from '../../support/runtime.js';
import { uniqueTopic } from '../../support/services.js';

const { client, closeAll } = trackedClients();
// Bounded: a consumer whose stop() hangs must not hang the file.
afterAll(() => settleWithin(closeAll(), 30_000));

const order = (id: string, n: number) => ({ id, n, at: new Date(1_700_000_000_000 + n), total: `${n}.50` });
const orders = (count: number, prefix = 'o') => Array.from({ length: count }, (_, n) => order(`${prefix}${n}`, n));

/** How `p` settled, or 'pending' after `ms` (a hung stop() fails the test with a message, not its timeout). */
async function settleWithin<T>(p: Promise<T>, ms: number): Promise<{ ok: true; value: T } | { ok: false; error: unknown } | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const outcome = p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
  return Promise.race([outcome, new Promise<'pending'>((r) => (timer = setTimeout(r, ms, 'pending')))]).finally(() => clearTimeout(timer));
}

/** Offsets a fresh member of `groupId` reads first (from the group's committed offset), then stops. */
async function readAgain(c: KafkaClient, d: ReturnType<typeof avroTopic>, groupId: string, count: number): Promise<number[]> {
  const got: number[] = [];
  const again = c.consume<{ n: number }>(d, async (e) => void got.push(e.n), { groupId, fromBeginning: true });
  await again.start();
  try {
    await waitFor(() => got.length >= count, `${count} record(s) read again by a new member of ${groupId} (got ${got.join(',')})`, 25_000);
  } finally {
    await again.stop();
  }
  return got;
}

const never = new Promise<never>(() => {});

/** A new client, a new topic holding `count` orders, and a new group id for it. */
async function seeded(name: string, count: number, options: Parameters<typeof avroTopic>[2] = {}) {
  const c = client();
  const d = avroTopic(uniqueTopic(`lc.${name}`), orderSchema, options);
  await c.ensureTopics([d]);
  await c.producerFor(d).sendBatch(orders(count));
  return { c, d, groupId: uniqueTopic(name) };
}

describe('consumer lifecycle (real broker)', () => {
  it('stop() ends with SHUTDOWN_TIMEOUT after shutdownTimeoutMs when a handler never finishes, disconnects anyway, and leaves that record uncommitted', async () => {
    const { c, d, groupId } = await seeded('timeout', 2);
    const seen: number[] = [];
    // The second record's handler ignores ctx.signal and never returns.
    const group = c.consume<{ n: number }>(d, async (e) => {
      seen.push(e.n);
      if (e.n === 1) await never;
    }, { groupId, fromBeginning: true, shutdownTimeoutMs: 2_000 });
    await group.start();
    await waitFor(() => seen.length === 2, 'the second record in the hung handler');

    const stopped = await settleWithin(group.stop(), 20_000);
    expect(stopped, 'stop() must settle after shutdownTimeoutMs, not hang with the handler').not.toBe('pending');
    // SHUTDOWN_TIMEOUT is only thrown once the timeout has run out: it waited for the handler that long.
    expect(stopped).toMatchObject({ ok: false, error: { name: 'KafkagenRuntimeError', code: 'SHUTDOWN_TIMEOUT', message: expect.stringContaining('did not finish within 2000 ms') } });
    expect(await group.health()).toMatchObject({ connected: false, running: false, state: 'stopped', processed: 1 });

    // The finished record was committed, the unfinished one not: the next member reads it again.
    expect(await (await c.admin()).committedOffsets(groupId, d.topic)).toEqual([{ partition: 0, offset: '1' }]);
    expect(await readAgain(c, d, groupId, 1)).toEqual([1]);
  });

  it.each([
    { name: 'with retries left', retry: FAST_RETRY },
    { name: 'on its last attempt (attempts: 1)', retry: { ...FAST_RETRY, attempts: 1 } },
  ])('ctx.signal aborts a waiting handler on stop() ($name): stop() resolves promptly, the record is not committed nor dead-lettered', async ({ retry }) => {
    const { c, d, groupId } = await seeded('signal', 1, { retry });
    let started = 0;
    let aborted = 0;
    // Waits for work that never comes, but gives up when the consumer stops.
    const group = c.consume(d, (_e, ctx) => new Promise<void>((_resolve, reject) => {
      started++;
      ctx.signal.addEventListener('abort', () => {
        aborted++;
        reject(ctx.signal.reason ?? new Error('aborted'));
      }, { once: true });
    }), { groupId, fromBeginning: true, shutdownTimeoutMs: 60_000 });
    await group.start();
    await waitFor(() => started === 1, 'the handler waiting');

    // Promptly: far inside shutdownTimeoutMs (60 s), which would otherwise be waited out.
    const stopped = await settleWithin(group.stop(), 20_000);
    expect(stopped).toMatchObject({ ok: true });
    expect(aborted).toBe(1);
    expect(started).toBe(1); // no retry after the abort
    expect(await group.health()).toMatchObject({ connected: false, state: 'stopped', processed: 0, deadLettered: 0 });

    const admin = await c.admin();
    expect(await admin.committedOffsets(groupId, d.topic)).toEqual([{ partition: 0, offset: '-1' }]); // nothing committed
    expect(await admin.endOffsets(d.deadLetterTopic)).toEqual([{ partition: 0, offset: '0' }]); // nothing dead-lettered
    expect(await readAgain(c, d, groupId, 1)).toEqual([0]);
  });

  it('a GroupConsumer disposed with await using stops and commits what it handled', async () => {
    const { c, d, groupId } = await seeded('dispose', 3);
    const got: number[] = [];
    let disposed: GroupConsumer;
    {
      await using group = c.consume<{ n: number }>(d, async (e) => void got.push(e.n), { groupId, fromBeginning: true, commitIntervalMs: 600_000 });
      disposed = group;
      await group.start();
      await waitFor(() => got.length === 3, 'three records handled');
      expect((await group.health()).running).toBe(true);
    }
    expect(got).toEqual([0, 1, 2]);
    expect(await disposed.health()).toMatchObject({ connected: false, running: false, state: 'stopped', processed: 3 });
    expect(await (await c.admin()).committedOffsets(groupId, d.topic)).toEqual([{ partition: 0, offset: '3' }]);
  });

  it('a KafkaClient disposed with await using closes: its consumers stop and a later send fails with CLIENT_CLOSED', async () => {
    const d = avroTopic(uniqueTopic('lc.client'), orderSchema);
    const groupId = uniqueTopic('client');
    const got: number[] = [];
    let closed: KafkaClient;
    let group: GroupConsumer;
    {
      await using own = testClient();
      closed = own;
      await own.ensureTopics([d]);
      await own.producerFor(d).send(order('c', 0));
      group = own.consume<{ n: number }>(d, async (e) => void got.push(e.n), { groupId, fromBeginning: true });
      await group.start();
      await waitFor(() => got.length === 1, 'the record handled');
    }
    expect(await group.health()).toMatchObject({ connected: false, state: 'stopped' });
    await expect(closed.producerFor(d).send(order('late', 1))).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
    await expect(closed.admin()).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
    expect(() => closed.group({ groupId: uniqueTopic('late') })).toThrow(expect.objectContaining({ code: 'CLIENT_CLOSED' }));
    // What the consumer handled before the close was committed by it.
    expect(await (await client().admin()).committedOffsets(groupId, d.topic)).toEqual([{ partition: 0, offset: '1' }]);
  });

  it('commits every commitEveryRecords records inside a long batch, and everything by its end', async () => {
    const topic = uniqueTopic('lc.midbatch');
    const commits: Array<{ offset: string; records: number; handled: number }> = [];
    let handled = 0;
    const c = client({ hooks: { onCommitted: (e) => void (e.topic === topic && commits.push({ offset: e.offset, records: e.records, handled })) } });
    const d = avroTopic(topic, orderSchema);
    await c.ensureTopics([d]);
    // One send: one record batch on the broker, fetched as one batch of 50.
    await c.producerFor(d).sendBatch(orders(50));
    const groupId = uniqueTopic('midbatch');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let atGate = false;
    const group = c.consume<{ n: number }>(d, async (e) => {
      if (e.n === 25) {
        atGate = true;
        await gate; // held mid-batch while the test looks at the group's committed offset
      }
      await new Promise((r) => setTimeout(r, 10)); // a slow handler
      handled++;
    }, { groupId, fromBeginning: true, commitEveryRecords: 10, commitIntervalMs: 600_000 });
    try {
      await group.start();
      await waitFor(() => atGate, 'the handler of offset 25');
      // Mid-batch: records 0-24 handled, 25-49 still to come; 0-19 are already committed.
      expect(handled).toBe(25);
      expect(await (await c.admin()).committedOffsets(groupId, d.topic)).toEqual([{ partition: 0, offset: '20' }]);
      expect(commits).toEqual([{ offset: '10', records: 10, handled: 10 }, { offset: '20', records: 10, handled: 20 }]);
    } finally {
      release();
    }
    await waitFor(() => commits.at(-1)?.offset === '50', 'the commit of the whole batch');
    await group.stop();
    expect(handled).toBe(50);
    expect(commits).toEqual([10, 20, 30, 40, 50].map((n) => ({ offset: String(n), records: 10, handled: n })));
    expect(await (await c.admin()).committedOffsets(groupId, d.topic)).toEqual([{ partition: 0, offset: '50' }]);
  });
});
