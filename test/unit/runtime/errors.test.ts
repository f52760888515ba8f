// Error codes and guards that work without instanceof, and connection failures that name the setting to check.
import { describe, expect, it } from 'vitest';
import { hasErrorCode, isKafkagenRuntimeError, isRetriable, isValidationError, KafkagenRuntimeError, messageOf, validationError } from '../../../runtime/errors.js';
import { connectionError } from '../../../runtime/transport/kafkajs.js';

describe('runtime errors', () => {
  it('carry a stable code, retriable and cause', () => {
    const cause = new Error('socket hang up');
    const e = new KafkagenRuntimeError('SEND_FAILED', 'sending failed', { retriable: true, cause });
    expect(e).toMatchObject({ name: 'KafkagenRuntimeError', code: 'SEND_FAILED', retriable: true, cause, issues: [] });
    expect(new KafkagenRuntimeError('KEY_MISSING', 'x').retriable).toBe(false);
  });

  it('are recognised by shape, so a copy from another package version counts', () => {
    const foreign = { name: 'KafkagenRuntimeError', code: 'VALIDATION_FAILED', retriable: false, message: 'x' };
    expect(isKafkagenRuntimeError(foreign)).toBe(true);
    expect(isValidationError(foreign)).toBe(true);
    expect(hasErrorCode(foreign, 'VALIDATION_FAILED')).toBe(true);
    expect(hasErrorCode(foreign, 'SEND_FAILED')).toBe(false);
    for (const other of [new Error('x'), null, undefined, 'KafkagenRuntimeError', { name: 'KafkagenRuntimeError' }]) expect(isKafkagenRuntimeError(other)).toBe(false);
  });

  it('treat kafkajs retriable errors as retriable too', () => {
    expect(isRetriable(Object.assign(new Error('NOT_LEADER_FOR_PARTITION'), { name: 'KafkaJSProtocolError', retriable: true }))).toBe(true);
    expect(isRetriable(new Error('x'))).toBe(false);
    expect(isRetriable(undefined)).toBe(false);
  });

  it('list every invalid path in a validation error', () => {
    const e = validationError('Order for orders', [{ path: '/n', message: 'must be int' }, { path: '', message: 'is not an object' }]);
    expect(e).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: '/n', message: 'must be int' }, { path: '', message: 'is not an object' }] });
    expect(e.message).toBe('Order for orders is invalid: /n: must be int; /: is not an object');
  });

  it('give the message of anything thrown', () => {
    expect(messageOf(new Error('boom'))).toBe('boom');
    expect(messageOf('text')).toBe('text');
    expect(messageOf({ message: 'obj' })).toBe('obj');
    expect(messageOf(42)).toBe('42');
  });
});

describe('connection failures', () => {
  const config = { brokers: ['kafka-1:9092', 'kafka-2:9092'], registry: { url: 'http://r' }, sasl: { mechanism: 'scram-sha-512' as const, username: 'svc', password: 'p' } };
  const wrapped = (name: string) => Object.assign(new Error('Connection retries exhausted'), { name: 'KafkaJSNumberOfRetriesExceeded', cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { name }) });

  it('name the brokers and what to check when none can be reached', () => {
    const e = connectionError(wrapped('KafkaJSConnectionError'), config, 'connecting the producer');
    expect(e).toMatchObject({ code: 'BROKER_UNREACHABLE', retriable: true });
    expect((e as Error).message).toContain('cannot reach the Kafka brokers kafka-1:9092,kafka-2:9092 (connect ECONNREFUSED 127.0.0.1:1). Fix: check KAFKA_BROKERS');
  });

  it('point at the SASL settings when authentication fails', () => {
    const e = connectionError(Object.assign(new Error('SASL SCRAM SHA512 authentication failed'), { name: 'KafkaJSSASLAuthenticationError' }), config, 'connecting the producer');
    expect(e).toMatchObject({ code: 'BROKER_AUTH_FAILED', retriable: false });
    expect((e as Error).message).toContain('KAFKA_SASL_USERNAME');
  });

  it('leave other errors as they are', () => {
    const other = new RangeError('x');
    expect(connectionError(other, config, 'x')).toBe(other);
  });
});
