// Request coalescing over the one shared producer: sends arriving while a request is in flight
// go out together in the next one, in order, across topics. The transport here is an
// in-memory stand-in that records requests (nothing crosses a network).
import { describe, expect, it } from 'vitest';
import { SendQueue } from '../../../runtime/send-queue.js';
import type { OutgoingRecord, SentRecord, TransportProducer } from '../../../runtime/transport/types.js';

type Request = Array<{ topic: string; values: string[] }>;

function recorder(opts: { fail?: (n: number) => unknown; delayMs?: number } = {}) {
  const requests: Request[] = [];
  const transport: TransportProducer = {
    async send(batches) {
      const n = requests.length;
      requests.push(batches.map((b) => ({ topic: b.topic, values: b.records.map((r) => String(r.value)) })));
      await new Promise((r) => setTimeout(r, opts.delayMs ?? 5));
      const failure = opts.fail?.(n);
      if (failure) throw failure;
      return batches.map((b) => b.records.map((_r, i): SentRecord => ({ topic: b.topic, partition: 0, offset: String(n * 1000 + i) })));
    },
    disconnect: async () => {},
  };
  return { requests, transport };
}

const rec = (v: string): OutgoingRecord => ({ key: null, value: Buffer.from(v), headers: {} });
const queue = (transport: TransportProducer, o: Partial<ConstructorParameters<typeof SendQueue>[1]> = {}) =>
  new SendQueue(transport, { lingerMs: 0, maxBatchRecords: 100, retry: { attempts: 3, initialBackoffMs: 1, maxBackoffMs: 1, multiplier: 1, jitter: 0 }, ...o });

describe('SendQueue', () => {
  it('sends a lone send at once, and gathers what arrives meanwhile into the next request, across topics', async () => {
    const { requests, transport } = recorder();
    const q = queue(transport);
    const first = q.send('a', [rec('1')]);
    await new Promise((r) => setTimeout(r, 1)); // the first request is in flight
    const rest = [q.send('a', [rec('2')]), q.send('b', [rec('x')]), q.send('a', [rec('3'), rec('4')])];
    await Promise.all([first, ...rest]);
    expect(requests).toEqual([
      [{ topic: 'a', values: ['1'] }],
      [{ topic: 'a', values: ['2', '3', '4'] }, { topic: 'b', values: ['x'] }],
    ]);
  });

  it('answers each send with its own records, in order', async () => {
    const { transport } = recorder();
    const q = queue(transport);
    const [one, two, three] = await Promise.all([q.send('a', [rec('1'), rec('2')]), q.send('b', [rec('x')]), q.send('a', [rec('3')])]);
    expect(one!.map((s) => s.offset)).toEqual(['0', '1']);
    expect(two).toEqual([{ topic: 'b', partition: 0, offset: '0' }]);
    expect(three!.map((s) => s.offset)).toEqual(['2']);
  });

  it('never splits a send, and caps requests at maxBatchRecords', async () => {
    const { requests, transport } = recorder();
    const q = queue(transport, { maxBatchRecords: 3 });
    await Promise.all([q.send('a', [rec('1'), rec('2')]), q.send('a', [rec('3'), rec('4')]), q.send('a', [rec('5'), rec('6'), rec('7'), rec('8')])]);
    expect(requests.map((r) => r[0]!.values)).toEqual([['1', '2'], ['3', '4'], ['5', '6', '7', '8']]);
  });

  it('waits lingerMs to gather sends made a little apart', async () => {
    const { requests, transport } = recorder();
    const q = queue(transport, { lingerMs: 30 });
    const a = q.send('a', [rec('1')]);
    await new Promise((r) => setTimeout(r, 5));
    const b = q.send('a', [rec('2')]);
    await Promise.all([a, b]);
    expect(requests).toEqual([[{ topic: 'a', values: ['1', '2'] }]]);
  });

  it('retries retriable failures of a whole request, and fails every send of a request that fails for good', async () => {
    const transient = Object.assign(new Error('leader moved'), { retriable: true });
    const flaky = recorder({ fail: (n) => (n === 0 ? transient : undefined) });
    const retries: number[] = [];
    expect(await queue(flaky.transport, { onRetry: (_e, attempt) => retries.push(attempt) }).send('a', [rec('1')])).toHaveLength(1);
    expect(flaky.requests).toHaveLength(2);
    expect(retries).toEqual([1]);

    const broken = recorder({ fail: () => new Error('MESSAGE_TOO_LARGE') });
    const q = queue(broken.transport);
    const results = await Promise.allSettled([q.send('a', [rec('1')]), q.send('b', [rec('2')])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(broken.requests).toHaveLength(1); // not retriable: tried once
    // The queue carries on after a failure.
    const ok = recorder();
    expect(await queue(ok.transport).send('a', [rec('3')])).toHaveLength(1);
  });

  it('sends what is queued before disconnecting', async () => {
    const { requests, transport } = recorder();
    const q = queue(transport, { lingerMs: 10_000 });
    const pending = q.send('a', [rec('1')]);
    await q.close();
    await pending;
    expect(requests).toHaveLength(1);
  });
});
