// The metrics hooks against the real broker and registry, with the values they report: what
// was produced where, sends that failed (a registry that cannot be reached) and caller errors
// that are not failed sends, handler and end-to-end durations, dead letters with their stage,
// pause and resume, and the registry outage a consumer waits out (onError).
import { afterAll, describe, expect, it } from 'vitest';
import { KafkaClient } from '../../../runtime/client.js';
import { hasErrorCode } from '../../../runtime/errors.js';
import type { RuntimeHooks } from '../../../runtime/hooks.js';
import { silentLogger } from '../../../runtime/logger.js';
import { avroTopic, FAST_RETRY, jsonTopic, orderSchema, trackedClients, waitFor } from '../../support/runtime.js';
import { kafka, kafkaBrokers, uniqueTopic } from '../../support/services.js';

const { client, track, closeAll } = trackedClients();
/** Nothing listens on port 1: every registry request is refused at once (one attempt, no backoff). */
function unreachableRegistryClient(hooks: RuntimeHooks): KafkaClient {
  return track(new KafkaClient({ brokers: kafkaBrokers(), registry: { url: 'http://127.0.0.1:1', autoRegister: true, retry: { attempts: 1 } }, logger: silentLogger, hooks, clientId: 'runtime-test' }));
}
afterAll(closeAll);

const order = (id: string, n: number) => ({ id, n, at: new Date(1_700_000_000_000 + n), total: `${n}.50` });
const note = { title: 'Note', type: 'object', required: ['id', 'text'], properties: { id: { type: 'string' }, text: { type: 'string' } }, additionalProperties: false };
const duration = () => expect.toSatisfy((ms: unknown) => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0);

describe('runtime hooks (real broker and registry)', () => {
  it('onProduced: one call per record with its topic, event type, partition and a duration', async () => {
    const produced: Array<Parameters<NonNullable<RuntimeHooks['onProduced']>>[0]> = [];
    const c = client({ hooks: { onProduced: (e) => void produced.push(e) } });
    const avro = avroTopic(uniqueTopic('hk.produced'), orderSchema, { partitions: 2 });
    const json = jsonTopic(uniqueTopic('hk.produced-json'), note);
    await c.ensureTopics([avro, json]);
    const batch = await c.producerFor(avro).sendBatch([{ event: order('a', 1), options: { partition: 1 } }, { event: order('b', 2), options: { partition: 0 } }, order('c', 3)]);
    const single = await c.producerFor(json).send({ id: 'j', text: 'hi' });
    expect(batch.map((r) => r.partition).slice(0, 2)).toEqual([1, 0]);
    expect(produced).toEqual([
      ...batch.map((r) => ({ topic: avro.topic, eventType: 'Order', partition: r.partition, durationMs: duration() })),
      { topic: json.topic, eventType: 'Note', partition: 0, durationMs: duration() },
    ]);
    expect(single.partition).toBe(0);
    // The records a batch sends together share one request, so one duration.
    expect(new Set(produced.slice(0, 3).map((p) => p.durationMs)).size).toBe(1);
  });

  it('a hook that throws does not fail the send', async () => {
    const c = client({ hooks: { onProduced: () => { throw new Error('metrics broke'); } } });
    const d = avroTopic(uniqueTopic('hk.throwing'), orderSchema);
    await c.ensureTopics([d]);
    expect(await c.producerFor(d).send(order('t', 1))).toMatchObject({ topic: d.topic, partition: 0, offset: '0', eventType: 'Order' });
  });

  it('onSendFailed: a registry that cannot be reached fails the send, with the records, the error thrown and a duration', async () => {
    const failed: Array<Parameters<NonNullable<RuntimeHooks['onSendFailed']>>[0]> = [];
    const produced: unknown[] = [];
    const c = unreachableRegistryClient({ onSendFailed: (e) => void failed.push(e), onProduced: (e) => void produced.push(e) });
    const d = avroTopic(uniqueTopic('hk.unreachable'), orderSchema);
    const producer = c.producerFor(d);

    const one = await producer.send(order('u', 1)).catch((e: unknown) => e);
    expect(hasErrorCode(one, 'REGISTRY_UNAVAILABLE')).toBe(true);
    expect((one as Error).message).toContain('http://127.0.0.1:1');
    const two = await producer.sendBatch([order('v', 2), order('w', 3)]).catch((e: unknown) => e);
    expect(hasErrorCode(two, 'REGISTRY_UNAVAILABLE')).toBe(true);

    expect(failed).toEqual([
      { topic: d.topic, records: 1, error: one, durationMs: duration() },
      { topic: d.topic, records: 2, error: two, durationMs: duration() },
    ]);
    // The hook sees the very error the caller gets.
    expect(failed[0]!.error).toBe(one);
    expect(produced).toEqual([]);
  });

  it('onSendFailed does not fire for the caller\'s own invalid event (nothing was attempted)', async () => {
    const failed: unknown[] = [];
    const c = unreachableRegistryClient({ onSendFailed: (e) => void failed.push(e) });
    const d = avroTopic(uniqueTopic('hk.invalid'), orderSchema);
    const byCaller = avroTopic(uniqueTopic('hk.caller-key'), orderSchema, { key: { kind: 'string' } });

    const invalid = await c.producerFor(d).send({ ...order('x', 1), n: 'five' } as never).catch((e: unknown) => e);
    expect(hasErrorCode(invalid, 'VALIDATION_FAILED')).toBe(true);
    const invalidInBatch = await c.producerFor(d).sendBatch([{ ...order('y', 1), total: '1.234' } as never]).catch((e: unknown) => e);
    expect(hasErrorCode(invalidInBatch, 'VALIDATION_FAILED')).toBe(true);
    expect(failed).toEqual([]);

    // The key comes after the schema id, so the registry must answer for KEY_MISSING to be reached.
    const withRegistry = client({ hooks: { onSendFailed: (e) => void failed.push(e) } });
    const noKey = await withRegistry.producerFor(byCaller).send(order('z', 1)).catch((e: unknown) => e);
    expect(hasErrorCode(noKey, 'KEY_MISSING')).toBe(true);
    expect(failed).toEqual([]);
  });

  it('onConsumed: event type, offset, attempts, handler duration and end-to-end latency', async () => {
    const consumed: Array<Parameters<NonNullable<RuntimeHooks['onConsumed']>>[0]> = [];
    const c = client({ hooks: { onConsumed: (e) => void consumed.push(e) } });
    const d = avroTopic(uniqueTopic('hk.consumed'), orderSchema, { retry: { ...FAST_RETRY, attempts: 3 } });
    await c.ensureTopics([d]);
    await c.producerFor(d).sendBatch([order('first', 1), order('flaky', 2)]);
    const group = c.consume<{ id: string }>(d, async (e, ctx) => {
      if (e.id === 'flaky' && ctx.attempt === 1) throw new Error('once');
    }, { groupId: uniqueTopic('hk-consumed'), fromBeginning: true });
    await group.start();
    await waitFor(() => consumed.length === 2, 'two records handled', 60_000);
    await group.stop();
    expect(consumed).toEqual([
      { topic: d.topic, partition: 0, offset: '0', eventType: 'Order', attempts: 1, durationMs: duration(), endToEndMs: duration() },
      { topic: d.topic, partition: 0, offset: '1', eventType: 'Order', attempts: 2, durationMs: duration(), endToEndMs: duration() },
    ]);
  });

  it('onDeadLettered: a poison record with its stage, and a handler that gives up', async () => {
    const dead: Array<Parameters<NonNullable<RuntimeHooks['onDeadLettered']>>[0]> = [];
    const c = client({ hooks: { onDeadLettered: (e) => void dead.push(e) } });
    const d = avroTopic(uniqueTopic('hk.poison'), orderSchema, { retry: { ...FAST_RETRY, attempts: 1 } });
    await c.ensureTopics([d]);
    const raw = kafka().producer();
    await raw.connect();
    await raw.send({ topic: d.topic, messages: [{ key: 'bad-magic', value: Buffer.from('hello') }] });
    await raw.disconnect();
    await c.producerFor(d).send(order('refused', 1));
    const group = c.consume(d, async () => {
      throw new TypeError('no');
    }, { groupId: uniqueTopic('hk-poison'), fromBeginning: true });
    await group.start();
    await waitFor(() => dead.length === 2, 'two dead letters', 60_000);
    await group.stop();
    expect(dead).toEqual([
      { topic: d.topic, partition: 0, offset: '0', stage: 'deserialize', error: expect.objectContaining({ code: 'DESERIALIZE_FAILED' }), deadLetterTopic: d.deadLetterTopic, durationMs: duration() },
      { topic: d.topic, partition: 0, offset: '1', stage: 'handle', error: expect.objectContaining({ name: 'TypeError', message: 'no' }), deadLetterTopic: d.deadLetterTopic, durationMs: duration() },
    ]);
    expect((dead[0]!.error as Error).message).toMatch(/not the Confluent magic byte 0/);
  });

  it('onPaused and onResumed around pause() and resume()', async () => {
    const events: Array<{ hook: string; groupId: string; reason?: string }> = [];
    const c = client({ hooks: { onPaused: (e) => void events.push({ hook: 'paused', ...e }), onResumed: (e) => void events.push({ hook: 'resumed', ...e }) } });
    const d = avroTopic(uniqueTopic('hk.pause'), orderSchema);
    await c.ensureTopics([d]);
    await c.producerFor(d).send(order('p0', 0));
    const got: number[] = [];
    const groupId = uniqueTopic('hk-pause');
    const group = c.consume<{ n: number }>(d, async (e) => void got.push(e.n), { groupId, fromBeginning: true });
    await group.start();
    await waitFor(() => got.length === 1, 'the first record', 60_000);
    expect(events).toEqual([]);
    group.pause(d.topic);
    expect(events).toEqual([{ hook: 'paused', groupId, reason: 'pause()' }]);
    expect((await group.health()).paused).toBe(true);
    group.resume(d.topic);
    expect(events).toEqual([{ hook: 'paused', groupId, reason: 'pause()' }, { hook: 'resumed', groupId }]);
    await c.producerFor(d).send(order('p1', 1));
    await waitFor(() => got.length === 2, 'the record sent after resume', 60_000);
    await group.stop();
  });

  it('onError: a consumer whose registry cannot be reached waits the outage out and reports it, without dead-lettering', async () => {
    const writer = client();
    const d = avroTopic(uniqueTopic('hk.outage'), orderSchema);
    await writer.ensureTopics([d]);
    await writer.producerFor(d).send(order('o', 1));

    const errors: Array<Parameters<NonNullable<RuntimeHooks['onError']>>[0]> = [];
    const dead: unknown[] = [];
    const handled: unknown[] = [];
    const c = unreachableRegistryClient({ onError: (e) => void errors.push(e), onDeadLettered: (e) => void dead.push(e) });
    const groupId = uniqueTopic('hk-outage');
    const group = c.consume(d, async (e) => void handled.push(e), { groupId, fromBeginning: true });
    await group.start();
    await waitFor(() => errors.length >= 1, 'the registry outage reported', 60_000);
    await group.stop();
    expect(errors[0]).toEqual({ groupId, error: expect.objectContaining({ code: 'REGISTRY_UNAVAILABLE', retriable: true }), context: `cannot decode ${d.topic}/0@0 yet` });
    expect(handled).toEqual([]);
    expect(dead).toEqual([]);
    // Not committed: read again once the registry answers.
    expect(await (await writer.admin()).committedOffsets(groupId, d.topic)).toEqual([{ partition: 0, offset: '-1' }]);
  });
});
