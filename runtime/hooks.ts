// Counters and latency measurements, exposed as hooks so any metrics library (or none) can
// be plugged in: Prometheus, OpenTelemetry, StatsD.

export interface RecordEvent {
  topic: string;
  eventType?: string;
  partition?: number;
  /** Wall time of the operation (encode+send, or decode+handle), in ms. */
  durationMs: number;
}

export interface RuntimeHooks {
  /** After a record (or each record of a batch) was acknowledged by the broker. */
  onProduced?(e: RecordEvent): void;
  /** After a handler succeeded and the offset may be committed. */
  onConsumed?(e: RecordEvent & { offset: string; attempts: number; endToEndMs?: number }): void;
  /** Before a failed handler is tried again. */
  onRetry?(e: RecordEvent & { offset: string; attempt: number; delayMs: number; error: unknown }): void;
  /** After a record was written to its dead-letter topic. */
  onDeadLettered?(e: RecordEvent & { offset: string; stage: string; error: unknown; deadLetterTopic: string }): void;
}

/** Calls a hook without letting a broken hook break the pipeline. */
export function callHook<K extends keyof RuntimeHooks>(hooks: RuntimeHooks | undefined, name: K, arg: Parameters<NonNullable<RuntimeHooks[K]>>[0]): void {
  const fn = hooks?.[name] as ((a: typeof arg) => void) | undefined;
  if (!fn) return;
  try {
    fn(arg);
  } catch {
    // a metrics hook must never fail a record
  }
}
