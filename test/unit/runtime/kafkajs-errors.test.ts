// kafkajs's "gave up retrying" error, unwrapped when its cause says a later attempt can succeed,
// so the runtime's own send retry tries again (a new topic's leader still being elected).
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isRetriable } from '../../../runtime/errors.js';
import { retriableCause } from '../../../runtime/transport/kafkajs.js';

const { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSNonRetriableError } = kafkajs;

/** What kafkajs builds from a broker error code (its typings only admit an Error). */
const protocolError = (type: string, code: number, retriable: boolean) => new KafkaJSProtocolError(Object.assign(new Error(type), { type, code, retriable }));

describe('retriableCause', () => {
  it('unwraps a retries-exceeded error whose cause is retriable (NOT_LEADER_FOR_PARTITION)', () => {
    const cause = protocolError('NOT_LEADER_FOR_PARTITION', 6, true);
    const gaveUp = new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 5, retryTime: 1000 });
    expect(isRetriable(gaveUp)).toBe(false);
    expect(retriableCause(gaveUp)).toBe(cause);
    expect(isRetriable(retriableCause(gaveUp))).toBe(true);
  });

  it('keeps a retries-exceeded error whose cause cannot succeed later, and any other error', () => {
    const cause = protocolError('TOPIC_AUTHORIZATION_FAILED', 29, false);
    const gaveUp = new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 5, retryTime: 1000 });
    expect(retriableCause(gaveUp)).toBe(gaveUp);
    const other = new KafkaJSNonRetriableError('nope');
    expect(retriableCause(other)).toBe(other);
  });
});
