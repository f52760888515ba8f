// Counters and latencies as hooks, so any metrics library (or none) plugs in: Prometheus,
// OpenTelemetry, StatsD. A hook that throws is ignored: metrics never fail a record.

export interface RecordEvent {
  topic: string;
  eventType?: string;
  partition?: number;
  /** Wall time of encode+send, or decode+handle (retries included), ms. */
  durationMs: number;
}

export interface RuntimeHooks {
  onProduced?(e: RecordEvent): void;
  onSendFailed?(e: { topic: string; records: number; error: unknown; durationMs: number }): void;
  /** `endToEndMs`: now minus the record's timestamp. */
  onConsumed?(e: RecordEvent & { offset: string; attempts: number; endToEndMs: number }): void;
  onRetry?(e: RecordEvent & { offset: string; attempt: number; delayMs: number; error: unknown }): void;
  onDeadLettered?(e: RecordEvent & { offset: string; stage: string; error: unknown; deadLetterTopic: string }): void;
  /** `offset`: the next to read. */
  onCommitted?(e: { topic: string; partition: number; offset: string; records: number; durationMs: number }): void;
  onPaused?(e: { groupId: string; reason: string }): void;
  onResumed?(e: { groupId: string }): void;
  /** Trouble the runtime handles itself (registry outage, consumer crash). */
  onError?(e: { groupId?: string; error: unknown; context: string }): void;
}

export function callHook<K extends keyof RuntimeHooks>(hooks: RuntimeHooks | undefined, name: K, arg: Parameters<NonNullable<RuntimeHooks[K]>>[0]): void {
  try {
    (hooks?.[name] as ((a: typeof arg) => void) | undefined)?.call(hooks, arg);
  } catch {
    // a metrics hook must never fail a record
  }
}
