// The kafkajs log bridge: kafkajs's levels pass through, except two known-benign messages the
// runtime causes on purpose (demoted to debug, so the default logger stays quiet).
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkajsLogLevel } from '../../../runtime/transport/kafkajs.js';

const { logLevel } = kafkajs;

describe('kafkajs log bridge', () => {
  it('demotes the idempotent-producer retries warning to debug', () => {
    expect(kafkajsLogLevel(logLevel.WARN, 'Limiting retries for the idempotent producer may invalidate EoS guarantees', {})).toBe('debug');
  });

  it('demotes a Metadata response naming an unknown topic-partition (a topic being created) to debug', () => {
    expect(kafkajsLogLevel(logLevel.ERROR, 'Response Metadata(key: 3, version: 6)', { error: 'This server does not host this topic-partition', correlationId: 3, size: 90 })).toBe('debug');
  });

  it('keeps every other warning and error, including other Metadata errors and other responses with that error', () => {
    expect(kafkajsLogLevel(logLevel.ERROR, 'Response Metadata(key: 3, version: 6)', { error: 'Not authorized to access topics: [Topic authorization failed]' })).toBe('error');
    expect(kafkajsLogLevel(logLevel.ERROR, 'Response Produce(key: 0, version: 7)', { error: 'This server does not host this topic-partition' })).toBe('error');
    expect(kafkajsLogLevel(logLevel.ERROR, 'Connection timeout', {})).toBe('error');
    expect(kafkajsLogLevel(logLevel.WARN, 'Could not create topics', {})).toBe('warn');
    expect(kafkajsLogLevel(logLevel.ERROR, 'Limiting retries for the idempotent producer may invalidate EoS guarantees', {})).toBe('error');
  });

  it('maps info and debug to debug', () => {
    expect(kafkajsLogLevel(logLevel.INFO, 'Starting', {})).toBe('debug');
    expect(kafkajsLogLevel(logLevel.DEBUG, 'Request Metadata', {})).toBe('debug');
  });
});
