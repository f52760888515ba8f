// The one producer connection, shared by every topic. Sends arriving while a request is in
// flight (or within lingerMs) go out together in the next one: an idempotent producer has
// one request in flight, so otherwise each would wait for its own. Requests are retried
// on retriable errors (safe: idempotent).
import { isRetriable } from './errors.js';
import { type RetryPolicy, withRetry } from './retry.js';
import type { OutgoingRecord, SentRecord, TransportProducer } from './transport/types.js';

interface Pending {
  topic: string;
  records: OutgoingRecord[];
  resolve: (sent: SentRecord[]) => void;
  reject: (e: unknown) => void;
}

export class SendQueue {
  private pending: Pending[] = [];
  private draining: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly transport: TransportProducer,
    private readonly options: { lingerMs: number; maxBatchRecords: number; retry: RetryPolicy; onRetry?: (e: unknown, attempt: number, delayMs: number) => void },
  ) {}

  send(topic: string, records: OutgoingRecord[]): Promise<SentRecord[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ topic, records, resolve, reject });
      if (this.draining || this.timer) return; // the running request picks it up when it ends
      if (this.options.lingerMs > 0) this.timer = setTimeout(() => this.drain(), this.options.lingerMs);
      else this.drain();
    });
  }

  async close(): Promise<void> {
    if (this.timer || this.pending.length > 0) this.drain();
    await this.draining;
    await this.transport.disconnect();
  }

  private drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    return (this.draining ??= (async () => {
      await null; // sends made in the same tick join the first request
      while (this.pending.length > 0) await this.sendSome();
      this.draining = undefined;
    })());
  }

  /** Whole sends (a sendBatch stays one request), up to maxBatchRecords. */
  private async sendSome(): Promise<void> {
    let n = 0;
    let count = 0;
    while (n < this.pending.length && (n === 0 || count + this.pending[n]!.records.length <= this.options.maxBatchRecords)) count += this.pending[n++]!.records.length;
    const entries = this.pending.splice(0, n);
    const topics = new Map<string, OutgoingRecord[]>();
    const starts = entries.map((e) => {
      const list = topics.get(e.topic) ?? topics.set(e.topic, []).get(e.topic)!;
      for (const r of e.records) list.push(r);
      return list.length - e.records.length;
    });
    try {
      const batches = [...topics].map(([topic, records]) => ({ topic, records }));
      const sent = await withRetry(() => this.transport.send(batches), this.options.retry, { retriable: isRetriable, onRetry: this.options.onRetry });
      const order = [...topics.keys()];
      entries.forEach((e, i) => e.resolve(sent[order.indexOf(e.topic)]!.slice(starts[i], starts[i]! + e.records.length)));
    } catch (e) {
      for (const entry of entries) entry.reject(e);
    }
  }
}
