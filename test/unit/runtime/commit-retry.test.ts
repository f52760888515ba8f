// Commits retried in place: a coordinator hiccup must not fail the batch (its handlers would run
// again), a group change must (the client rejoins). The transport is an in-memory stand-in
// whose batches the test hands over itself; nothing crosses a network.
import { describe, expect, it } from 'vitest';
import { isRetriableCommitError } from '../../../runtime/consumer.js';
import type { BatchControl, IncomingRecord } from '../../../runtime/transport/types.js';
import { jsonTopic } from '../../support/descriptors.js';
import { memoryClient } from '../../support/memory-transport.js';

/** Shaped like kafkajs's KafkaJSProtocolError. */
const brokerError = (type: string, retriable: boolean) => Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type, retriable });

describe('isRetriableCommitError', () => {
  it('retries coordinator moves, loads and timeouts', () => {
    for (const type of ['GROUP_LOAD_IN_PROGRESS', 'COORDINATOR_LOAD_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'NOT_COORDINATOR', 'REQUEST_TIMED_OUT']) expect(isRetriableCommitError(brokerError(type, true)), type).toBe(true);
    expect(isRetriableCommitError(Object.assign(new Error('Request OffsetCommit timed out'), { name: 'KafkaJSRequestTimeoutError', retriable: true }))).toBe(true);
  });

  it('lets group changes through even when marked retriable: only a rejoin helps', () => {
    for (const type of ['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']) {
      expect(isRetriableCommitError(brokerError(type, true)), type).toBe(false);
      expect(isRetriableCommitError(brokerError(type, false)), type).toBe(false);
    }
  });

  it('does not retry what is not marked retriable', () => {
    expect(isRetriableCommitError(brokerError('GROUP_AUTHORIZATION_FAILED', false))).toBe(false);
    expect(isRetriableCommitError(new Error('boom'))).toBe(false);
    expect(isRetriableCommitError(Object.assign(new Error('x'), { retriable: 'yes' }))).toBe(false);
    expect(isRetriableCommitError(null)).toBe(false);
    expect(isRetriableCommitError(undefined)).toBe(false);
  });
});

/** A consumer on the in-memory transport; every record is "unprocessable", so no registry is needed. */
async function started() {
  const { client, handle } = memoryClient();
  const processed: string[] = [];
  const group = client.group({ groupId: 'g', onUnprocessable: (r) => void processed.push(r.offset) }).route(jsonTopic('t', { type: 'object' }), () => {});
  await group.start();
  return { client, group, processed, handle: handle() };
}

const record = (offset: string): IncomingRecord => ({ topic: 't', partition: 0, offset, timestamp: '0', key: null, value: null, headers: {} });

/** Fails the first commits with `errors`, then succeeds; records each offset asked for. */
function control(errors: unknown[]): BatchControl & { commits: string[] } {
  const commits: string[] = [];
  return {
    commits,
    heartbeat: async () => {},
    resolveOffset: () => {},
    isRunning: () => true,
    isStale: () => false,
    async commit(offset) {
      commits.push(offset);
      if (errors.length > 0) throw errors.shift();
    },
  };
}

describe('GroupConsumer commits', () => {
  it('retries a commit the coordinator refused for now, without failing the batch', async () => {
    const { client, group, processed, handle } = await started();
    const c = control([brokerError('GROUP_LOAD_IN_PROGRESS', true), brokerError('REQUEST_TIMED_OUT', true)]);
    await handle({ topic: 't', partition: 0, records: [record('0'), record('1')], highWatermark: '2' }, c);
    expect(processed).toEqual(['0', '1']);
    expect(c.commits).toEqual(['2', '2', '2']);
    expect((await group.health()).lastError).toBeUndefined();
    await client.close();
  });

  it('fails the batch at once on a group change, so the client rejoins', async () => {
    const { client, processed, handle } = await started();
    const rebalance = brokerError('REBALANCE_IN_PROGRESS', false);
    const c = control([rebalance]);
    await expect(handle({ topic: 't', partition: 0, records: [record('0')], highWatermark: '1' }, c)).rejects.toBe(rebalance);
    expect(processed).toEqual(['0']);
    expect(c.commits).toEqual(['1']);
    await client.close();
  });

  it('marks the last handled record resolved once, before the commit', async () => {
    const { client, group, processed, handle } = await started();
    const resolved: string[] = [];
    const c = { ...control([]), resolveOffset: (o: string) => void resolved.push(o) };
    await handle({ topic: 't', partition: 0, records: [record('0'), record('1'), record('2')], highWatermark: '5' }, c);
    expect(processed).toEqual(['0', '1', '2']);
    expect(resolved).toEqual(['2']);
    expect(c.commits).toEqual(['3']);
    await client.close();
  });

  it('still commits what was handled when marking it resolved fails, and fails the batch', async () => {
    const { client, handle } = await started();
    const gone = new TypeError('partition no longer assigned');
    let calls = 0;
    const c = {
      ...control([]),
      resolveOffset: () => {
        if (calls++ === 0) throw gone;
      },
    };
    await expect(handle({ topic: 't', partition: 0, records: [record('0'), record('1')], highWatermark: '2' }, c)).rejects.toBe(gone);
    expect(c.commits).toEqual(['2']);
    await client.close();
  });

  it('gives up after a few attempts: the batch fails and is read again', async () => {
    const { client, handle } = await started();
    const c = control(Array.from({ length: 10 }, () => brokerError('NOT_COORDINATOR_FOR_GROUP', true)));
    await expect(handle({ topic: 't', partition: 0, records: [record('0')], highWatermark: '1' }, c)).rejects.toMatchObject({ type: 'NOT_COORDINATOR_FOR_GROUP' });
    expect(c.commits).toEqual(['1', '1', '1', '1', '1']);
    await client.close();
  });
});
