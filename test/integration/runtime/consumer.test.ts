// The runtime against the real broker and registry: round trips, poison records to the
// dead-letter topic, retries with backoff, at-least-once commits, schema evolution, replay.
import { afterAll, describe, expect, it } from 'vitest';
import type { EventContext } from '../../../runtime/consumer.js';
import { replayDeadLetters } from '../../../runtime/dlq.js';
import { isValidationError } from '../../../runtime/errors.js';
import { DLQ_HEADERS } from '../../../runtime/headers.js';
import { frame } from '../../../runtime/serde.js';
import { avroTopic, FAST_RETRY, jsonTopic, orderSchema, trackedClients, waitFor } from '../../support/runtime.js';
import { kafka, uniqueTopic } from '../../support/services.js';

const { client, closeAll } = trackedClients();
afterAll(closeAll);

const order = (id: string, n: number) => ({ id, n, at: new Date(1_700_000_000_000 + n), total: `${n}.50` });

async function readAll(topic: string, count: number): Promise<Array<{ key: string | null; value: Buffer | null; headers: Record<string, string>; offset: string }>> {
  const consumer = kafka().consumer({ groupId: uniqueTopic('reader') });
  const out: Array<{ key: string | null; value: Buffer | null; headers: Record<string, string>; offset: string }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      out.push({ key: message.key?.toString() ?? null, value: message.value, offset: message.offset, headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])) });
    },
  });
  await waitFor(() => out.length >= count, `${count} records on ${topic}`);
  await consumer.disconnect();
  return out;
}

describe('runtime producer and consumer (real broker and registry)', () => {
  it('round-trips Avro with logical types, and JSON Schema, with tracing headers', async () => {
    const c = client();
    const avro = avroTopic(uniqueTopic('rt.avro'), orderSchema);
    const json = jsonTopic(uniqueTopic('rt.json'), { title: 'Note', type: 'object', required: ['id', 'text'], properties: { id: { type: 'string' }, text: { type: 'string', minLength: 1 } }, additionalProperties: false });
    await c.ensureTopics([avro, json]);
    await c.producerFor(avro).send(order('a', 1), { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', causationId: 'cmd-1', correlationId: 'corr-1' });
    await c.producerFor(json).send({ id: 'j', text: 'hello' });
    const got: Array<{ event: unknown; ctx: EventContext }> = [];
    const group = c.group({ groupId: uniqueTopic('g'), fromBeginning: true });
    group.route(avro, async (event, ctx) => void got.push({ event, ctx })).route(json, async (event, ctx) => void got.push({ event, ctx }));
    await group.start();
    await waitFor(() => got.length === 2, 'two records');
    await group.stop();
    const a = got.find((g) => g.ctx.topic === avro.topic)!;
    expect(a.event).toEqual(order('a', 1));
    expect(a.ctx.key).toBe('a');
    expect(a.ctx.headers).toMatchObject({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'causation-id': 'cmd-1', 'correlation-id': 'corr-1', 'kafkagen-event-type': 'Order', 'content-type': 'application/vnd.kafka.avro.v2+binary' });
    expect(new Date(a.ctx.headers['kafkagen-produced-at']!).getTime()).toBeGreaterThan(0);
    expect(got.find((g) => g.ctx.topic === json.topic)!.event).toEqual({ id: 'j', text: 'hello' });
  });

  it('refuses an invalid event with its paths and sends nothing', async () => {
    const c = client();
    const d = avroTopic(uniqueTopic('rt.invalid'), orderSchema);
    await c.ensureTopics([d]);
    const err = await c.producerFor(d).send({ ...order('x', 1), total: '1.234', n: 'five' } as never).catch((e: unknown) => e);
    expect(isValidationError(err)).toBe(true);
    expect((err as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual(['/n', '/total']);
    const ends = await (await c.admin()).endOffsets(d.topic);
    expect(ends.map((e) => e.offset)).toEqual(['0']);
  });

  it('dead-letters poison records (bad magic byte, unknown schema id, invalid payload) with every header and carries on', async () => {
    const c = client();
    const avro = avroTopic(uniqueTopic('rt.poison'), orderSchema);
    const json = jsonTopic(uniqueTopic('rt.poison-json'), { title: 'Note', type: 'object', required: ['id'], properties: { id: { type: 'string' } } });
    await c.ensureTopics([avro, json]);
    const jsonId = await c.registry.idFor(json.events[0]!.subject, json.events[0]!.schema, 'JSON', []);
    const raw = kafka().producer();
    await raw.connect();
    await raw.send({ topic: avro.topic, messages: [
      { key: 'bad-magic', value: Buffer.from('hello'), headers: { mine: 'kept' } },
      { key: 'unknown-id', value: frame(987_654_321, Buffer.from([2, 0])) },
    ] });
    await raw.send({ topic: json.topic, messages: [{ key: 'invalid', value: frame(jsonId, Buffer.from(JSON.stringify({ id: 42 }))) }] });
    await raw.disconnect();
    await c.producerFor(avro).send(order('good', 7));

    const handled: unknown[] = [];
    const groupId = uniqueTopic('poison');
    const group = c.group({ groupId, fromBeginning: true });
    group.route(avro, async (e) => void handled.push(e)).route(json, async (e) => void handled.push(e));
    await group.start();
    await waitFor(() => handled.length === 1, 'the good record after the poison ones');
    await waitFor(async () => (await group.health()).deadLettered === 3, 'three dead letters');
    await group.stop();
    expect(handled).toEqual([order('good', 7)]);

    const dlq = await readAll(avro.deadLetterTopic, 2);
    const badMagic = dlq.find((r) => r.key === 'bad-magic')!;
    expect(badMagic.value).toEqual(Buffer.from('hello'));
    expect(badMagic.headers).toMatchObject({
      mine: 'kept',
      [DLQ_HEADERS.topic]: avro.topic,
      [DLQ_HEADERS.partition]: '0',
      [DLQ_HEADERS.offset]: '0',
      [DLQ_HEADERS.group]: groupId,
      [DLQ_HEADERS.errorClass]: 'KafkagenRuntimeError',
      [DLQ_HEADERS.errorCode]: 'DESERIALIZE_FAILED',
      [DLQ_HEADERS.attempts]: '0',
      [DLQ_HEADERS.stage]: 'deserialize',
    });
    expect(badMagic.headers[DLQ_HEADERS.errorMessage]).toMatch(/not the Confluent magic byte 0/);
    expect(badMagic.headers[DLQ_HEADERS.errorStack]!.length).toBeGreaterThan(0);
    expect(Number(badMagic.headers[DLQ_HEADERS.timestamp])).toBeGreaterThan(0);
    expect(dlq.find((r) => r.key === 'unknown-id')!.headers).toMatchObject({ [DLQ_HEADERS.errorCode]: 'UNKNOWN_SCHEMA_ID', [DLQ_HEADERS.stage]: 'deserialize' });
    const [invalid] = await readAll(json.deadLetterTopic, 1);
    expect(invalid!.headers).toMatchObject({ [DLQ_HEADERS.errorCode]: 'VALIDATION_FAILED', [DLQ_HEADERS.stage]: 'validate' });
    expect(invalid!.headers[DLQ_HEADERS.errorMessage]).toContain('/id: must be string');
  });

  it('retries a handler that fails twice, runs it three times and commits it once', async () => {
    const commits: Array<{ partition: number; offset: string; records: number }> = [];
    const c = client({ hooks: { onCommitted: (e) => void commits.push({ partition: e.partition, offset: e.offset, records: e.records }) } });
    const d = avroTopic(uniqueTopic('rt.retry'), orderSchema, { retry: { ...FAST_RETRY, attempts: 5 } });
    await c.ensureTopics([d]);
    await c.producerFor(d).send(order('r', 1));
    const attempts: number[] = [];
    const groupId = uniqueTopic('retry');
    const group = c.consume(d, async (_e, ctx) => {
      attempts.push(ctx.attempt);
      if (ctx.attempt < 3) throw new Error(`flaky ${ctx.attempt}`);
    }, { groupId, fromBeginning: true });
    await group.start();
    await waitFor(async () => (await group.health()).processed === 1, 'the record handled');
    await group.stop();
    expect(attempts).toEqual([1, 2, 3]);
    const committed = await (await c.admin()).committedOffsets(groupId, d.topic);
    expect(committed).toEqual([{ partition: 0, offset: '1' }]);
    expect(commits).toEqual([{ partition: 0, offset: '1', records: 1 }]);
    expect((await group.health())).toMatchObject({ deadLettered: 0, retries: 2, processed: 1 });
  });

  it('dead-letters after N attempts of an always-failing handler, with the backoff schedule of the policy', async () => {
    const delays: number[] = [];
    const c = client({ hooks: { onRetry: (e) => void delays.push(e.delayMs) } });
    const d = avroTopic(uniqueTopic('rt.fail'), orderSchema, { retry: { attempts: 4, initialBackoffMs: 30, maxBackoffMs: 100, multiplier: 2, jitter: 0 } });
    await c.ensureTopics([d]);
    await c.producerFor(d).send(order('f', 1));
    const tried: number[] = [];
    const group = c.consume(d, async () => {
      tried.push(performance.now());
      throw new TypeError('always');
    }, { groupId: uniqueTopic('fail'), fromBeginning: true });
    await group.start();
    await waitFor(async () => (await group.health()).deadLettered === 1, 'the dead letter');
    await group.stop();
    expect(tried).toHaveLength(4);
    // Backoff observed: each attempt after the previous one, per the policy's schedule (no wall-clock thresholds).
    expect(tried.every((t, i) => i === 0 || t > tried[i - 1]!)).toBe(true);
    expect(delays).toEqual([30, 60, 100]);
    const [dead] = await readAll(d.deadLetterTopic, 1);
    expect(dead!.headers).toMatchObject({ [DLQ_HEADERS.attempts]: '4', [DLQ_HEADERS.stage]: 'handle', [DLQ_HEADERS.errorClass]: 'TypeError', [DLQ_HEADERS.errorMessage]: 'always' });
    expect(dead!.key).toBe('f');
  });

  it('lets a handler dead-letter a record on purpose', async () => {
    const c = client();
    const d = avroTopic(uniqueTopic('rt.purpose'), orderSchema);
    await c.ensureTopics([d]);
    await c.producerFor(d).send(order('p', 1));
    const group = c.consume(d, async (_e, ctx) => ctx.deadLetter('customer unknown'), { groupId: uniqueTopic('purpose'), fromBeginning: true });
    await group.start();
    await waitFor(async () => (await group.health()).deadLettered === 1, 'the dead letter');
    await group.stop();
    const [dead] = await readAll(d.deadLetterTopic, 1);
    expect(dead!.headers).toMatchObject({ [DLQ_HEADERS.errorMessage]: 'customer unknown', [DLQ_HEADERS.stage]: 'handle', [DLQ_HEADERS.attempts]: '1' });
  });

  it('reads v1 records with a consumer built on v2 (added field with a default, int promoted to long)', async () => {
    const c = client();
    const topic = uniqueTopic('rt.evolve');
    const v1 = avroTopic(topic, { type: 'record', name: 'com.test.Reading', fields: [{ name: 'id', type: 'string' }, { name: 'value', type: 'int' }] });
    const v2 = avroTopic(topic, { type: 'record', name: 'com.test.Reading', fields: [{ name: 'id', type: 'string' }, { name: 'value', type: 'long' }, { name: 'unit', type: 'string', default: 'C' }] });
    await c.ensureTopics([v1]);
    await c.producerFor(v1).send({ id: 'r1', value: 21 });
    const got: unknown[] = [];
    const group = c.consume(v2, async (e) => void got.push(e), { groupId: uniqueTopic('evolve'), fromBeginning: true });
    await group.start();
    await waitFor(() => got.length === 1, 'the v1 record');
    await group.stop();
    expect(got).toEqual([{ id: 'r1', value: 21n, unit: 'C' }]);
  });

  it('replays dead-lettered records to their topic with key and headers', async () => {
    const c = client();
    const d = avroTopic(uniqueTopic('rt.replay'), orderSchema, { retry: { ...FAST_RETRY, attempts: 1 } });
    await c.ensureTopics([d]);
    await c.producerFor(d).send(order('keep', 1), { headers: { tenant: 'acme' } });
    await c.producerFor(d).send(order('drop', 2));
    let broken = true;
    const got: Array<{ event: unknown; ctx: EventContext }> = [];
    const group = c.consume(d, async (event, ctx) => {
      if (broken) throw new Error('downstream down');
      got.push({ event, ctx });
    }, { groupId: uniqueTopic('replay'), fromBeginning: true });
    await group.start();
    await waitFor(async () => (await group.health()).deadLettered === 2, 'two dead letters');
    broken = false;
    const result = await replayDeadLetters(c, { deadLetterTopic: d.deadLetterTopic, filter: (r) => r.key?.toString() === 'keep' });
    expect(result).toEqual({ replayed: 1, skipped: 1 });
    await waitFor(() => got.length === 1, 'the replayed record');
    await group.stop();
    expect(got[0]!.event).toEqual(order('keep', 1));
    expect(got[0]!.ctx.key).toBe('keep');
    expect(got[0]!.ctx.headers.tenant).toBe('acme');
    expect(got[0]!.ctx.headers[DLQ_HEADERS.replayedFrom]).toBe(`${d.deadLetterTopic}/0@0`);
    expect(Object.keys(got[0]!.ctx.headers).filter((h) => h.startsWith('kafkagen-dlq-'))).toEqual([]);

    // Replay remembers where it got to: a second run sends nothing again; `all` reads everything.
    expect(await replayDeadLetters(c, { deadLetterTopic: d.deadLetterTopic, filter: (r) => r.key?.toString() === 'keep' })).toEqual({ replayed: 0, skipped: 0 });
    expect(await replayDeadLetters(c, { deadLetterTopic: d.deadLetterTopic, all: true })).toEqual({ replayed: 2, skipped: 0 });
    const ends = await (await c.admin()).endOffsets(d.topic);
    expect(ends).toEqual([{ partition: 0, offset: '5' }]); // 2 sent + 1 replayed + 2 replayed with all
  });

  it('reads with the async iterator and commits what the loop finished', async () => {
    const c = client();
    const d = avroTopic(uniqueTopic('rt.iter'), orderSchema);
    await c.ensureTopics([d]);
    for (let i = 0; i < 5; i++) await c.producerFor(d).send(order(`i${i}`, i));
    const groupId = uniqueTopic('iter');
    const seen: number[] = [];
    for await (const { event } of c.iterate<{ n: number }>(d, { groupId, fromBeginning: true })) {
      seen.push(event.n);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([0, 1, 2]);
    // The third was being handled when the loop broke: not committed, read again next time.
    const committed = await (await c.admin()).committedOffsets(groupId, d.topic);
    expect(committed).toEqual([{ partition: 0, offset: '2' }]);
  });

  it('a group shared by consumers of different topics reads every partition of every topic', async () => {
    // The catalog may give one group to several topics (chipquality-analytics has three); each
    // generated consumer is then its own member with its own subscription. kafkajs's default
    // assigner hands any partition to any member, and a member drops what it did not subscribe
    // to: those partitions were never read.
    const c = client();
    const a = avroTopic(uniqueTopic('rt.shared-a'), orderSchema, { partitions: 3 });
    const b = avroTopic(uniqueTopic('rt.shared-b'), orderSchema, { partitions: 3 });
    await c.ensureTopics([a, b]);
    const groupId = uniqueTopic('shared');
    const got = { a: new Set<string>(), b: new Set<string>() };
    const ca = c.consume(a, async (e: { id: string }) => void got.a.add(e.id), { groupId, fromBeginning: true });
    const cb = c.consume(b, async (e: { id: string }) => void got.b.add(e.id), { groupId, fromBeginning: true });
    await Promise.all([ca.start(), cb.start()]);
    const ids = Array.from({ length: 30 }, (_, i) => `id-${i}`);
    await c.producerFor(a).sendBatch(ids.map((id, n) => order(id, n)));
    await c.producerFor(b).sendBatch(ids.map((id, n) => order(id, n)));
    await waitFor(() => got.a.size === ids.length && got.b.size === ids.length, `${ids.length} records on each topic (a: ${got.a.size}, b: ${got.b.size})`, 20_000).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}; a has ${got.a.size}, b has ${got.b.size}`);
    });
    const assigned = [...(await ca.health()).assignments, ...(await cb.health()).assignments];
    expect(assigned.filter((x) => x.topic === a.topic).flatMap((x) => x.partitions).sort()).toEqual([0, 1, 2]);
    expect(assigned.filter((x) => x.topic === b.topic).flatMap((x) => x.partitions).sort()).toEqual([0, 1, 2]);
    await Promise.all([ca.stop(), cb.stop()]);
  });

  it('bare JSON: wire plain writes what a plain-JSON consumer reads, and a JSON topic reads what a plain-JSON producer wrote', async () => {
    const c = client();
    const schema = { title: 'Note', type: 'object', required: ['id', 'text'], properties: { id: { type: 'string' }, text: { type: 'string', minLength: 1 } }, additionalProperties: false };
    const plain = jsonTopic(uniqueTopic('rt.plain'), schema, { wire: 'plain' });
    const framed = jsonTopic(uniqueTopic('rt.framed'), schema);
    await c.ensureTopics([plain, framed]);
    await c.producerFor(plain).send({ id: 'p1', text: 'to a legacy consumer' });
    // What a consumer without kafkagen reads: the JSON text, and headers without a schema id.
    const [raw] = await readAll(plain.topic, 1);
    expect(JSON.parse(raw!.value!.toString('utf8'))).toEqual({ id: 'p1', text: 'to a legacy consumer' });
    expect(raw!.headers['content-type']).toBe('application/json');
    expect(raw!.headers['kafkagen-schema-id']).toBeUndefined();

    // A legacy producer writes bare JSON into a topic kafkagen also writes framed.
    const legacy = kafka().producer();
    await legacy.connect();
    await legacy.send({ topic: framed.topic, messages: [{ key: 'l1', value: JSON.stringify({ id: 'l1', text: 'from a legacy producer' }) }] });
    await legacy.disconnect();
    await c.producerFor(framed).send({ id: 'k1', text: 'from kafkagen' });

    const got: Array<{ topic: string; event: unknown; schemaId: number }> = [];
    const group = c.group({ groupId: uniqueTopic('g'), fromBeginning: true });
    group.route(plain, async (event, ctx) => void got.push({ topic: ctx.topic, event, schemaId: ctx.schemaId })).route(framed, async (event, ctx) => void got.push({ topic: ctx.topic, event, schemaId: ctx.schemaId }));
    await group.start();
    await waitFor(() => got.length === 3, 'three records');
    await group.stop();
    expect(got.filter((g) => g.topic === plain.topic)).toEqual([{ topic: plain.topic, event: { id: 'p1', text: 'to a legacy consumer' }, schemaId: 0 }]);
    const fromFramed = got.filter((g) => g.topic === framed.topic);
    expect(fromFramed).toContainEqual({ topic: framed.topic, event: { id: 'l1', text: 'from a legacy producer' }, schemaId: 0 });
    expect(fromFramed).toContainEqual({ topic: framed.topic, event: { id: 'k1', text: 'from kafkagen' }, schemaId: expect.any(Number) });
    expect(fromFramed.find((g) => (g.event as { id: string }).id === 'k1')!.schemaId).toBeGreaterThan(0);
    expect((await group.health()).deadLettered).toBe(0);
  });

  it('shares one producer connection across topics', async () => {
    const c = client();
    const a = avroTopic(uniqueTopic('rt.share-a'), orderSchema);
    const b = avroTopic(uniqueTopic('rt.share-b'), orderSchema);
    await c.ensureTopics([a, b]);
    const first = c.sharedProducer();
    await c.producerFor(a).send(order('a', 1));
    await c.producerFor(b).send(order('b', 1));
    expect(c.sharedProducer()).toBe(first);
  });
});

describe('back-pressure', () => {
  it('pause stops delivery of a topic and resume continues where it left off', async () => {
    const c = client();
    const d = avroTopic(uniqueTopic('rt.pause'), orderSchema);
    await c.ensureTopics([d]);
    await c.producerFor(d).send(order('p0', 0));
    const got: number[] = [];
    const group = c.consume<{ n: number }>(d, async (e) => void got.push(e.n), { groupId: uniqueTopic('pause'), fromBeginning: true });
    await group.start();
    await waitFor(() => got.length === 1, 'the first record');
    group.pause(d.topic);
    await c.producerFor(d).send(order('p1', 1));
    // Give a fetch cycle the chance to (wrongly) deliver the record while paused.
    await new Promise((r) => setTimeout(r, 1500));
    const whilePaused = got.length;
    group.resume(d.topic);
    await waitFor(() => got.length === 2, 'the record sent while paused');
    await group.stop();
    expect(whilePaused).toBe(1);
    expect(got).toEqual([0, 1]);
  });
});
