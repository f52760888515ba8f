// Backoff maths and the retry loop (fast policies: nothing here waits long).
import { describe, expect, it } from 'vitest';
import { isRetriable } from '../../../runtime/errors.js';
import { backoffDelay, DEFAULT_REGISTRY_RETRY, DEFAULT_RETRY, DEFAULT_SEND_RETRY, type RetryPolicy, sleep, withRetry } from '../../../runtime/retry.js';

const policy: RetryPolicy = { attempts: 6, initialBackoffMs: 100, maxBackoffMs: 1000, multiplier: 2, jitter: 0.2 };
const fast: RetryPolicy = { attempts: 4, initialBackoffMs: 1, maxBackoffMs: 2, multiplier: 2, jitter: 0 };
const transient = () => Object.assign(new Error('leader moved'), { retriable: true });

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap (no jitter at the midpoint)', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, policy, () => 0.5))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('keeps jitter within ±jitter of the base delay', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(80);
    expect(backoffDelay(1, policy, () => 1)).toBe(120);
    expect(backoffDelay(9, policy, () => 1)).toBe(1200);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(3, policy);
      expect(d).toBeGreaterThanOrEqual(320);
      expect(d).toBeLessThanOrEqual(480);
    }
  });

  it('honours other multipliers and never goes negative', () => {
    expect(backoffDelay(3, { ...policy, multiplier: 3, jitter: 0 })).toBe(900);
    expect(backoffDelay(1, { ...policy, initialBackoffMs: 0 })).toBe(0);
  });

  it('has its defaults in one place', () => {
    for (const p of [DEFAULT_RETRY, DEFAULT_SEND_RETRY, DEFAULT_REGISTRY_RETRY]) {
      expect(p.attempts).toBeGreaterThan(1);
      expect(p.maxBackoffMs).toBeGreaterThanOrEqual(p.initialBackoffMs);
      expect(p.jitter).toBeGreaterThan(0);
    }
  });
});

describe('withRetry', () => {
  it('retries retriable errors until the attempts run out, reporting each retry', async () => {
    const seen: number[] = [];
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw transient(); }, fast, { retriable: isRetriable, onRetry: (_e, attempt) => seen.push(attempt) })).rejects.toThrow('leader moved');
    expect(calls).toBe(4);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('stops at the first error that is not retriable', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw new Error('fatal'); }, fast, { retriable: isRetriable })).rejects.toThrow('fatal');
    expect(calls).toBe(1);
  });

  it('returns the first success and passes the attempt number', async () => {
    const result = await withRetry(async (attempt) => {
      if (attempt < 3) throw transient();
      return attempt;
    }, fast);
    expect(result).toBe(3);
  });

  it('gives up when aborted instead of waiting out the backoff', async () => {
    const abort = new AbortController();
    let calls = 0;
    const slow = { ...fast, initialBackoffMs: 60_000, maxBackoffMs: 60_000 };
    const run = withRetry(async () => { calls++; throw transient(); }, slow, { signal: abort.signal });
    setTimeout(() => abort.abort(), 10);
    await expect(run).rejects.toThrow('leader moved');
    expect(calls).toBe(1);
  });
});

describe('sleep', () => {
  it('resolves true when the time is up and false when aborted first', async () => {
    expect(await sleep(1)).toBe(true);
    const abort = new AbortController();
    abort.abort();
    expect(await sleep(60_000, abort.signal)).toBe(false);
    const later = new AbortController();
    const p = sleep(60_000, later.signal);
    later.abort();
    expect(await p).toBe(false);
  });
});
