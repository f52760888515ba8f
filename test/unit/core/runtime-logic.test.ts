// Pure runtime logic: wire framing, backoff schedule, configuration errors, error guards.
import { describe, expect, it } from 'vitest';
import { configFromEnv, validateConfig } from '../../../runtime/config.js';
import { deadLetterHeaders } from '../../../runtime/dlq.js';
import { isKafkagenRuntimeError, isRetriable, KafkagenRuntimeError } from '../../../runtime/errors.js';
import { backoffDelay, withRetry } from '../../../runtime/retry.js';
import { frame, unframe } from '../../../runtime/serde.js';

describe('Confluent wire format', () => {
  it('frames as magic byte 0, 4-byte big-endian id, payload', () => {
    const buf = frame(0x01020304, Buffer.from([9, 8]));
    expect([...buf]).toEqual([0, 1, 2, 3, 4, 9, 8]);
    expect(unframe(buf)).toEqual({ schemaId: 0x01020304, payload: Buffer.from([9, 8]) });
  });
  it.each([
    ['empty', null, /empty/],
    ['too short', Buffer.from([0, 1]), /2 bytes: too short/],
    ['bad magic byte', Buffer.from([1, 0, 0, 0, 1, 5]), /starts with byte 1, not the Confluent magic byte 0/],
  ])('refuses %s', (_n, buf, message) => {
    expect(() => unframe(buf)).toThrow(message);
  });
});

describe('backoff', () => {
  const policy = { attempts: 6, initialBackoffMs: 100, maxBackoffMs: 1000, multiplier: 2, jitter: 0.2 };
  it('grows exponentially up to the cap, with jitter within its bounds', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 0.5))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(1, policy, () => 0)).toBe(80);
    expect(backoffDelay(1, policy, () => 1)).toBe(120);
  });
  it('retries retriable errors only, up to the attempts', async () => {
    let calls = 0;
    const fast = { ...policy, initialBackoffMs: 1, maxBackoffMs: 1 };
    await expect(withRetry(async () => { calls++; throw Object.assign(new Error('x'), { retriable: true }); }, fast, { retriable: isRetriable })).rejects.toThrow('x');
    expect(calls).toBe(6);
    calls = 0;
    await expect(withRetry(async () => { calls++; throw new Error('fatal'); }, fast, { retriable: isRetriable })).rejects.toThrow('fatal');
    expect(calls).toBe(1);
  });
});

describe('configuration', () => {
  it('reads the environment', () => {
    const c = configFromEnv({ KAFKA_BROKERS: 'a:9092, b:9093', SCHEMA_REGISTRY_URL: 'http://r:8081', KAFKA_CLIENT_ID: 'svc', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SSL: 'true', KAFKA_TOPIC_PREFIX: 'staging.', SCHEMA_REGISTRY_AUTH: 'k:s' });
    expect(c).toMatchObject({ brokers: ['a:9092', 'b:9093'], clientId: 'svc', registry: { url: 'http://r:8081', basicAuth: 'k:s' }, sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' }, ssl: true, topicPrefix: 'staging.' });
  });
  it('lists every problem with its fix', () => {
    let error: unknown;
    try {
      validateConfig({ brokers: ['kafka'], registry: { url: 'registry:8081' }, sasl: { mechanism: 'gssapi' as never, username: '', password: '' }, topicPrefix: 'a b' });
    } catch (e) {
      error = e;
    }
    expect(isKafkagenRuntimeError(error) && error.code).toBe('CONFIG_INVALID');
    const message = (error as Error).message;
    expect(message).toContain('brokers: "kafka" is not host:port. Fix: write it like "kafka-1.internal:9092"');
    expect(message).toContain('registry.url: registry:8081 is not http(s)');
    expect(message).toContain('sasl.mechanism: "gssapi" is not supported');
    expect(message).toContain('topicPrefix: "a b" has characters');
    expect(() => configFromEnv({})).toThrow(/brokers: none given. Fix: set KAFKA_BROKERS/);
  });
});

describe('errors and dead-letter headers', () => {
  it('guards by code, not instanceof', () => {
    const foreign = { name: 'KafkagenRuntimeError', code: 'SEND_FAILED', retriable: true };
    expect(isKafkagenRuntimeError(foreign)).toBe(true);
    expect(isRetriable(foreign)).toBe(true);
    expect(isKafkagenRuntimeError(new Error('x'))).toBe(false);
  });
  it('keeps the original headers and truncates the stack', () => {
    const error = new KafkagenRuntimeError('HANDLER_FAILED', 'boom');
    error.stack = 'x'.repeat(5000);
    const h = deadLetterHeaders({ record: { topic: 't', partition: 2, offset: '41', timestamp: '1700000000000', key: null, value: null, headers: { trace: '1' } }, deadLetterTopic: 't.dlq', groupId: 'g', error, stage: 'handle', attempts: 3 });
    expect(h).toMatchObject({ trace: '1', 'kafkagen-dlq-original-topic': 't', 'kafkagen-dlq-original-partition': '2', 'kafkagen-dlq-original-offset': '41', 'kafkagen-dlq-original-timestamp': '1700000000000', 'kafkagen-dlq-consumer-group': 'g', 'kafkagen-dlq-error-class': 'KafkagenRuntimeError', 'kafkagen-dlq-error-code': 'HANDLER_FAILED', 'kafkagen-dlq-error-message': 'boom', 'kafkagen-dlq-attempts': '3', 'kafkagen-dlq-stage': 'handle' });
    expect(h['kafkagen-dlq-error-stack']!.length).toBe(2000);
  });
});
