// Header names (stable: other consumers and dashboards key on them; docs/runtime.md).
import { randomUUID } from 'node:crypto';
import { textOf } from './text.js';

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

/** Added to a dead-lettered record's own headers; all start with `kafkagen-dlq-`, which replay removes. */
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

/** The Confluent REST proxy's names for the two wire formats; bare JSON (`wire: plain`) is plain application/json. */
export const CONTENT_TYPES = { AVRO: 'application/vnd.kafka.avro.v2+binary', JSON: 'application/vnd.kafka.jsonschema.v2+json', PLAIN: 'application/json' } as const;

export type Headers = Record<string, string>;

export interface RecordHeaderInput {
  format: keyof typeof CONTENT_TYPES;
  /** 0 for bare JSON (no schema id, no header). */
  schemaId: number;
  eventType: string;
  producer: string;
  correlationId?: string;
  causationId?: string;
  /** W3C trace context, passed through. */
  traceparent?: string;
  tracestate?: string;
  /** They add names, never replace kafkagen's. */
  extra?: Headers;
  now?: Date;
}

// The last produced-at text: records sent in the same millisecond (a batch) share it, and
// Date#toISOString was a visible part of a record's cost.
let isoMs = NaN;
let iso = '';
function producedAt(now: Date | undefined): string {
  const ms = now ? now.getTime() : Date.now();
  if (ms !== isoMs) {
    iso = new Date(ms).toISOString();
    isoMs = ms;
  }
  return iso;
}

/** A produced record's headers, and its correlation id (given, or a new UUID). */
export function buildRecordHeaders(h: RecordHeaderInput): { headers: Headers; correlationId: string } {
  const correlationId = h.correlationId || randomUUID();
  // One object literal with fixed names: cheap to build and to walk (this runs per record).
  const headers: Headers = {
    'content-type': CONTENT_TYPES[h.format],
    'kafkagen-event-type': h.eventType,
    'kafkagen-produced-at': producedAt(h.now),
    'kafkagen-producer': h.producer,
    'correlation-id': correlationId,
  };
  if (h.schemaId !== 0) headers['kafkagen-schema-id'] = String(h.schemaId);
  if (h.causationId) headers['causation-id'] = h.causationId;
  if (h.traceparent) headers.traceparent = h.traceparent;
  if (h.tracestate) headers.tracestate = h.tracestate;
  return { headers: h.extra ? { ...h.extra, ...headers } : headers, correlationId };
}

type RawHeader = Buffer | string | Array<Buffer | string> | undefined;

/** Kafka headers (bytes, maybe repeated) as text; a repeated header keeps its last value. */
export function decodeHeaders(raw: Record<string, RawHeader> | undefined): Headers {
  const out: Headers = {};
  for (const k in raw) {
    let v = raw[k];
    if (Array.isArray(v)) v = v[v.length - 1];
    if (v !== undefined && v !== null) out[k] = typeof v === 'string' ? v : textOf(v);
  }
  return out;
}
