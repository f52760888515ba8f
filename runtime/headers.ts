// Header names kafkagen writes. Documented in the README; stable across versions.
export const HEADERS = {
  contentType: 'content-type',
  schemaId: 'kafkagen-schema-id',
  eventType: 'kafkagen-event-type',
  producedAt: 'kafkagen-produced-at',
  producer: 'kafkagen-producer',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

/** Dead-letter headers, added to the original record's own headers. */
export const DLQ_HEADERS = {
  topic: 'kafkagen-dlq-original-topic',
  partition: 'kafkagen-dlq-original-partition',
  offset: 'kafkagen-dlq-original-offset',
  timestamp: 'kafkagen-dlq-original-timestamp',
  group: 'kafkagen-dlq-consumer-group',
  errorClass: 'kafkagen-dlq-error-class',
  errorCode: 'kafkagen-dlq-error-code',
  errorMessage: 'kafkagen-dlq-error-message',
  errorStack: 'kafkagen-dlq-error-stack',
  attempts: 'kafkagen-dlq-attempts',
  stage: 'kafkagen-dlq-stage',
  deadLetteredAt: 'kafkagen-dlq-at',
  replayedFrom: 'kafkagen-replayed-from',
} as const;

export type Headers = Record<string, string>;

export function headerText(raw: Buffer | string | Array<Buffer | string> | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const v = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  return v === undefined ? undefined : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

export function decodeHeaders(raw: Record<string, Buffer | string | Array<Buffer | string> | undefined> | undefined): Headers {
  const out: Headers = {};
  for (const [k, v] of Object.entries(raw ?? {})) {
    const text = headerText(v);
    if (text !== undefined) out[k] = text;
  }
  return out;
}
