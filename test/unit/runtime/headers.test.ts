// Header building and reading: produced records and dead letters.
import { describe, expect, it } from 'vitest';
import { deadLetterHeaders } from '../../../runtime/dlq.js';
import { KafkagenRuntimeError } from '../../../runtime/errors.js';
import { buildRecordHeaders, CONTENT_TYPES, decodeHeaders, DLQ_HEADERS, HEADERS } from '../../../runtime/headers.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const base = { format: 'AVRO' as const, schemaId: 7, eventType: 'Order', producer: 'orders (kafkagen 0.1.0)', now: new Date('2026-01-02T03:04:05.678Z') };

describe('record headers', () => {
  it('carry content type, schema id, event type, produced-at, producer and a new correlation id', () => {
    const { headers, correlationId } = buildRecordHeaders(base);
    expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers).toEqual({
      [HEADERS.contentType]: CONTENT_TYPES.AVRO,
      [HEADERS.schemaId]: '7',
      [HEADERS.eventType]: 'Order',
      [HEADERS.producedAt]: '2026-01-02T03:04:05.678Z',
      [HEADERS.producer]: 'orders (kafkagen 0.1.0)',
      [HEADERS.correlationId]: correlationId,
    });
    expect(buildRecordHeaders(base).correlationId).not.toBe(correlationId);
  });

  it('keep a given correlation id, add causation and pass W3C trace context through', () => {
    const { headers, correlationId } = buildRecordHeaders({ ...base, format: 'JSON', correlationId: 'corr-1', causationId: 'cmd-9', traceparent: TRACEPARENT, tracestate: 'vendor=x' });
    expect(correlationId).toBe('corr-1');
    expect(headers).toMatchObject({ 'content-type': CONTENT_TYPES.JSON, 'correlation-id': 'corr-1', 'causation-id': 'cmd-9', traceparent: TRACEPARENT, tracestate: 'vendor=x' });
  });

  it("let callers add headers but never replace kafkagen's", () => {
    const { headers } = buildRecordHeaders({ ...base, extra: { tenant: 'acme', 'kafkagen-schema-id': '999', 'content-type': 'text/plain' } });
    expect(headers).toMatchObject({ tenant: 'acme', 'kafkagen-schema-id': '7', 'content-type': CONTENT_TYPES.AVRO });
  });

  it('are read back as text, a repeated header keeping its last value', () => {
    expect(decodeHeaders({ a: Buffer.from('x'), b: 'y', c: [Buffer.from('1'), Buffer.from('2')], d: undefined })).toEqual({ a: 'x', b: 'y', c: '2' });
    expect(decodeHeaders(undefined)).toEqual({});
  });
});

describe('dead-letter headers', () => {
  const record = { topic: 'orders', partition: 2, offset: '41', timestamp: '1700000000000', key: Buffer.from('k'), value: Buffer.from('v'), headers: { trace: '1', [DLQ_HEADERS.stage]: 'old' } };

  it('keep the original headers and say where the record came from and why', () => {
    const error = new KafkagenRuntimeError('DESERIALIZE_FAILED', 'bad magic byte');
    const h = deadLetterHeaders({ record, deadLetterTopic: 'orders.dlq', groupId: 'billing', error, stage: 'deserialize', attempts: 0 });
    expect(h).toMatchObject({
      trace: '1',
      'kafkagen-dlq-original-topic': 'orders',
      'kafkagen-dlq-original-partition': '2',
      'kafkagen-dlq-original-offset': '41',
      'kafkagen-dlq-original-timestamp': '1700000000000',
      'kafkagen-dlq-consumer-group': 'billing',
      'kafkagen-dlq-error-class': 'KafkagenRuntimeError',
      'kafkagen-dlq-error-code': 'DESERIALIZE_FAILED',
      'kafkagen-dlq-error-message': 'bad magic byte',
      'kafkagen-dlq-attempts': '0',
      'kafkagen-dlq-stage': 'deserialize',
    });
    expect(h['kafkagen-dlq-error-stack']).toContain('bad magic byte');
    expect(new Date(h['kafkagen-dlq-at']!).getTime()).toBeGreaterThan(0);
  });

  it('truncate message and stack to 2,000 characters and handle non-errors', () => {
    const error = new TypeError('m'.repeat(5000));
    error.stack = 's'.repeat(5000);
    const h = deadLetterHeaders({ record, deadLetterTopic: 'orders.dlq', groupId: 'g', error, stage: 'handle', attempts: 5 });
    expect(h['kafkagen-dlq-error-message']).toHaveLength(2000);
    expect(h['kafkagen-dlq-error-stack']).toHaveLength(2000);
    expect(h['kafkagen-dlq-error-class']).toBe('TypeError');
    expect(h['kafkagen-dlq-error-code']).toBeUndefined();
    const thrownString = deadLetterHeaders({ record, deadLetterTopic: 'd', groupId: 'g', error: 'just a string', stage: 'handle', attempts: 1 });
    expect(thrownString).toMatchObject({ 'kafkagen-dlq-error-class': 'string', 'kafkagen-dlq-error-message': 'just a string', 'kafkagen-dlq-error-stack': '' });
  });

  it('replace the dead-letter headers of a replayed record that failed again', () => {
    const h = deadLetterHeaders({ record, deadLetterTopic: 'd', groupId: 'g', error: new Error('x'), stage: 'handle', attempts: 1 });
    expect(h['kafkagen-dlq-stage']).toBe('handle');
  });

  it('all share the prefix replay strips', () => {
    const names = Object.entries(DLQ_HEADERS).filter(([k]) => k !== 'replayedFrom').map(([, v]) => v);
    expect(names.every((n) => n.startsWith('kafkagen-dlq-'))).toBe(true);
    expect(DLQ_HEADERS.replayedFrom.startsWith('kafkagen-dlq-')).toBe(false);
  });
});
