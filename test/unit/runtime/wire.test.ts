// The Confluent wire format and the decode-failure guard.
import { describe, expect, it } from 'vitest';
import { KafkagenRuntimeError } from '../../../runtime/errors.js';
import { DecodeError, frame, isDecodeError, MAGIC_BYTE, unframe } from '../../../runtime/serde/index.js';

describe('wire format', () => {
  it('is magic byte 0, a 4-byte big-endian schema id, then the payload', () => {
    expect(MAGIC_BYTE).toBe(0);
    expect([...frame(0x01020304, Buffer.from([9, 8]))]).toEqual([0, 1, 2, 3, 4, 9, 8]);
    expect([...frame(0xffffffff, Buffer.alloc(0))]).toEqual([0, 255, 255, 255, 255]);
  });

  it('round-trips, the payload a view of the record bytes', () => {
    const buf = frame(42, Buffer.from('hello'));
    const { schemaId, payload } = unframe(buf);
    expect(schemaId).toBe(42);
    expect(payload.toString()).toBe('hello');
    expect(payload.buffer).toBe(buf.buffer);
  });

  it('refuses ids that do not fit 4 unsigned bytes', () => {
    expect(() => frame(-1, Buffer.alloc(0))).toThrow();
    expect(() => frame(2 ** 32, Buffer.alloc(0))).toThrow();
  });

  it.each([
    ['no value', null, /empty/],
    ['too short', Buffer.from([0, 0, 0, 1]), /4 bytes: too short/],
    ['another magic byte', Buffer.from([1, 0, 0, 0, 1, 5]), /starts with byte 1, not the Confluent magic byte 0/],
    ['plain JSON', Buffer.from('{"a":1}'), /starts with byte 123/],
  ])('refuses %s with DESERIALIZE_FAILED', (_name, buf, message) => {
    let error: unknown;
    try {
      unframe(buf);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'DESERIALIZE_FAILED', retriable: false });
    expect((error as Error).message).toMatch(message);
  });
});

describe('decode errors', () => {
  it('keep the stage and the code of their cause, and are recognised by shape', () => {
    const e = new DecodeError('validate', new KafkagenRuntimeError('VALIDATION_FAILED', 'bad', { issues: [{ path: '/a', message: 'x' }] }));
    expect(e).toMatchObject({ stage: 'validate', code: 'VALIDATION_FAILED', issues: [{ path: '/a', message: 'x' }] });
    expect(isDecodeError(e)).toBe(true);
    expect(isDecodeError({ name: 'KafkagenRuntimeError', code: 'DESERIALIZE_FAILED', stage: 'deserialize' })).toBe(true);
    expect(isDecodeError(new KafkagenRuntimeError('DESERIALIZE_FAILED', 'x'))).toBe(false);
    expect(isDecodeError(new Error('x'))).toBe(false);
  });

  it('wrap plain errors and strings as DESERIALIZE_FAILED', () => {
    expect(new DecodeError('deserialize', new TypeError('truncated buffer'))).toMatchObject({ code: 'DESERIALIZE_FAILED', message: 'truncated buffer' });
    expect(new DecodeError('deserialize', 'no such type', 'UNKNOWN_EVENT_TYPE')).toMatchObject({ code: 'UNKNOWN_EVENT_TYPE', message: 'no such type' });
  });
});
