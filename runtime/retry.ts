// Exponential backoff with jitter. Defaults live here, once; tests pass fast policies.

export interface RetryPolicy {
  /** Total attempts, the first one included (1 = no retry). */
  attempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  multiplier: number;
  /** Fraction of each delay that is randomised: 0.2 means ±20%. */
  jitter: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialBackoffMs: 200, maxBackoffMs: 10_000, multiplier: 2, jitter: 0.2 };

/** Delay before attempt `attempt + 1`, after `attempt` failures (attempt >= 1). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.multiplier ** (attempt - 1));
  const spread = base * policy.jitter;
  return Math.max(0, Math.round(base - spread + random() * 2 * spread));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` until it succeeds, `policy.attempts` run out, or an error is not retriable. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy, opts: { retriable?: (e: unknown) => boolean; onRetry?: (e: unknown, attempt: number, delayMs: number) => void } = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= policy.attempts || (opts.retriable && !opts.retriable(e))) throw e;
      const delay = backoffDelay(attempt, policy);
      opts.onRetry?.(e, attempt, delay);
      await sleep(delay);
    }
  }
}
