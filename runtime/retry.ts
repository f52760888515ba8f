// Exponential backoff with jitter. The defaults live here, once; tests pass fast policies.

export interface RetryPolicy {
  /** The first included. */
  attempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  multiplier: number;
  /** 0.2 = ±20%, so failing clients do not retry in lockstep. */
  jitter: number;
}

/** Handler retries (a topic's catalog policy overrides it). */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialBackoffMs: 200, maxBackoffMs: 10_000, multiplier: 2, jitter: 0.2 };
/** Whole sends, on top of the Kafka client's own request retries. */
export const DEFAULT_SEND_RETRY: RetryPolicy = { attempts: 3, initialBackoffMs: 100, maxBackoffMs: 2_000, multiplier: 2, jitter: 0.2 };
/** Registry requests: bridges a restart, not an outage. */
export const DEFAULT_REGISTRY_RETRY: RetryPolicy = { attempts: 3, initialBackoffMs: 100, maxBackoffMs: 1_000, multiplier: 2, jitter: 0.2 };

/** Delay after `attempt` failures. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.multiplier ** (attempt - 1));
  const spread = base * policy.jitter;
  return Math.max(0, Math.round(base - spread + random() * 2 * spread));
}

/** Waits `ms`; resolves false at once when `signal` aborts (shutdown never waits out a backoff). */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy, opts: { retriable?: (e: unknown) => boolean; onRetry?: (e: unknown, attempt: number, delayMs: number) => void; signal?: AbortSignal } = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= policy.attempts || (opts.retriable && !opts.retriable(e))) throw e;
      const delay = backoffDelay(attempt, policy);
      opts.onRetry?.(e, attempt, delay);
      if (!(await sleep(delay, opts.signal))) throw e;
    }
  }
}
