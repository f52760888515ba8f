// The client against the real broker and registry: clear errors for bad settings, producer
// settings (compression, idempotence off), batches with per-record results, one shared
// connection for concurrent sends, keys with a schema, topic prefixes, per-key order across
// partitions handled concurrently, and health.
import { afterAll, describe, expect, it } from 'vitest';
import { createAvroType } from '../../../runtime/avro.js';
import { KafkaClient } from '../../../runtime/client.js';
import { configFromEnv } from '../../../runtime/config.js';
import { isKafkagenRuntimeError } from '../../../runtime/errors.js';
import { silentLogger } from '../../../runtime/logger.js';
import { avroTopic, orderSchema, trackedClients, waitFor } from '../../support/runtime.js';
import { storedBatches } from '../../support/record-batches.js';
import { kafka, kafkaBrokers, registryUrl, uniqueTopic } from '../../support/services.js';

const { client, track, closeAll } = trackedClients();
afterAll(closeAll);

const order = (id: string, n: number) => ({ id, n, at: new Date(1_700_000_000_000 + n), total: `${n}.25` });

async function failure(p: Promise<unknown> | (() => unknown)): Promise<{ code?: string; message: string }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(isKafkagenRuntimeError(e)).toBe(true);
    return e as { code: string; message: string };
  }
  throw new Error('expected a failure');
}

describe('bad configuration gives a clear error', () => {
  it('unreachable brokers: BROKER_UNREACHABLE, naming the brokers and what to check', async () => {
    const c = new KafkaClient({ brokers: ['127.0.0.1:1'], registry: { url: registryUrl(), autoRegister: true }, logger: silentLogger, connectionTimeoutMs: 300, retries: 0 });
    track(c);
    const d = avroTopic(uniqueTopic('rt.nobroker'), orderSchema);
    const sent = await failure(c.producerFor(d).send(order('a', 1)));
    expect(sent.code).toBe('BROKER_UNREACHABLE');
    expect(sent.message).toContain('cannot reach the Kafka brokers 127.0.0.1:1');
    expect(sent.message).toContain('Fix: check KAFKA_BROKERS');
    const started = await failure(c.consume(d, () => {}, { groupId: uniqueTopic('nobroker') }).start());
    expect(started.code).toBe('BROKER_UNREACHABLE');
  });

  it('unreachable registry: REGISTRY_UNAVAILABLE naming SCHEMA_REGISTRY_URL; nothing is sent', async () => {
    const c = new KafkaClient({ brokers: kafkaBrokers(), registry: { url: 'http://127.0.0.1:1/apis/ccompat/v7', timeoutMs: 500, retry: { attempts: 1 } }, logger: silentLogger });
    track(c);
    const e = await failure(c.producerFor(avroTopic(uniqueTopic('rt.noregistry'), orderSchema)).send(order('a', 1)));
    expect(e.code).toBe('REGISTRY_UNAVAILABLE');
    expect(e.message).toContain('schema registry http://127.0.0.1:1/apis/ccompat/v7 did not answer');
    expect(e.message).toContain('Fix: check SCHEMA_REGISTRY_URL');
  });

  it('a schema nobody registered: SCHEMA_NOT_REGISTERED, pointing at kafkagen register', async () => {
    const c = new KafkaClient({ brokers: kafkaBrokers(), registry: { url: registryUrl() }, logger: silentLogger });
    track(c);
    const e = await failure(c.producerFor(avroTopic(uniqueTopic('rt.unregistered'), orderSchema)).send(order('a', 1)));
    expect(e.code).toBe('SCHEMA_NOT_REGISTERED');
    expect(e.message).toContain('run `kafkagen register`');
  });

  it('settings that cannot work: CONFIG_INVALID listing each problem with its fix, before connecting', async () => {
    const e = await failure(() => new KafkaClient(configFromEnv({ KAFKA_BROKERS: kafkaBrokers().join(','), SCHEMA_REGISTRY_URL: registryUrl(), KAFKA_SASL_MECHANISM: 'scram-sha-512' })));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toContain('Fix: set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
    const env = await failure(() => new KafkaClient({ brokers: ['kafka'], registry: { url: 'registry:8081' }, producer: { acks: 1 } }));
    expect(env.message).toContain('brokers: "kafka" is not host:port');
    expect(env.message).toContain('registry.url: registry:8081 is not http(s)');
    expect(env.message).toContain('producer.acks: 1 with an idempotent producer');
    const consumer = await failure(() => client().consume(avroTopic('t', orderSchema), () => {}, { sessionTimeoutMs: 6000, heartbeatIntervalMs: 5000 }));
    expect(consumer.message).toContain('heartbeatIntervalMs: 5000 is more than a third of sessionTimeoutMs 6000');
  });
});

describe('producer', () => {
  // The stored batches' headers (read with a raw Fetch) show what the producer wrote: the codec
  // in the attributes, and a producer id only from an idempotent producer.
  it.each([
    ['gzip', { compression: 'gzip' as const }, 'gzip', true],
    ['snappy', { compression: 'snappy' as const }, 'snappy', true],
    ['idempotence off, acks 1', { idempotent: false, acks: 1 as const }, 'none', false],
  ])('round-trips with %s', async (_name, producer, codec, idempotent) => {
    const c = client({ producer });
    const d = avroTopic(uniqueTopic('rt.settings'), orderSchema);
    await c.ensureTopics([d]);
    await c.producerFor(d).sendBatch([order('a', 1), order('b', 2), order('c', 3)]);
    const batches = await storedBatches(d.topic);
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.reduce((n, b) => n + b.records, 0)).toBe(3);
    for (const b of batches) {
      expect(b.codec).toBe(codec);
      if (idempotent) expect(b.producerId).toBeGreaterThanOrEqual(0n);
      else expect(b.producerId).toBe(-1n);
    }
    const got: unknown[] = [];
    const group = c.consume(d, (e) => void got.push(e), { groupId: uniqueTopic('settings'), fromBeginning: true });
    await group.start();
    await waitFor(() => got.length === 3, 'three records');
    await group.stop();
    expect(got).toEqual([order('a', 1), order('b', 2), order('c', 3)]);
  });

  it('sendBatch gives each record its own partition and offset; one key always lands on one partition', async () => {
    const c = client();
    const d = avroTopic(uniqueTopic('rt.batch'), orderSchema, { partitions: 3 });
    await c.ensureTopics([d]);
    const events = Array.from({ length: 30 }, (_, i) => order(`k${i % 5}`, i));
    const results = await c.producerFor(d).sendBatch(events);
    expect(results).toHaveLength(30);
    const byPartition = new Map<number, string[]>();
    for (const r of results) byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r.offset!]);
    for (const offsets of byPartition.values()) expect(offsets).toEqual(offsets.map((_, i) => String(i)));
    for (let k = 0; k < 5; k++) expect(new Set(results.filter((_, i) => i % 5 === k).map((r) => r.partition)).size).toBe(1);
    expect(results[0]).toMatchObject({ topic: d.topic, eventType: 'Order' });
    expect(results[0]!.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('concurrent sends to several topics share one connection and all arrive, in order per key', async () => {
    const c = client();
    const a = avroTopic(uniqueTopic('rt.shared-a'), orderSchema);
    const b = avroTopic(uniqueTopic('rt.shared-b'), orderSchema);
    await c.ensureTopics([a, b]);
    const pa = c.producerFor(a);
    const pb = c.producerFor(b);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? pa : pb).send(order('same-key', i))));
    const offsetsOf = (topic: string) => results.filter((r) => r.topic === topic).map((r) => Number(r.offset));
    expect(offsetsOf(a.topic)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(offsetsOf(b.topic)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('topics with a key schema: the key is validated, framed, and decoded for the handler', async () => {
    const keySchema = { type: 'record', name: 'com.test.ChipKey', fields: [{ name: 'wafer', type: 'string' }, { name: 'x', type: 'int' }] };
    const topic = uniqueTopic('rt.keyed');
    const d = avroTopic(topic, orderSchema, { key: { kind: 'schema', subject: `${topic}-key`, schema: JSON.stringify(keySchema), references: [], codec: createAvroType(keySchema) } });
    const c = client();
    await c.ensureTopics([d]);
    const p = c.producerFor(d);
    expect((await failure(p.sendKeyed({ wafer: 'W1', x: 'nine' }, order('a', 1)))).code).toBe('VALIDATION_FAILED');
    expect((await failure(p.send(order('a', 1)))).code).toBe('KEY_MISSING');
    await p.sendKeyed({ wafer: 'W1', x: 9 }, order('a', 1));
    let keyValue: unknown;
    const group = c.consume(d, (_e, ctx) => void (keyValue = ctx.keyValue), { groupId: uniqueTopic('keyed'), fromBeginning: true });
    await group.start();
    await waitFor(() => keyValue !== undefined, 'the keyed record');
    await group.stop();
    expect(keyValue).toEqual({ wafer: 'W1', x: 9 });
  });

  it('writes to prefixed topics when the client has a topic prefix', async () => {
    const prefix = `${uniqueTopic('env')}.`;
    const c = client({ topicPrefix: prefix });
    const d = avroTopic(uniqueTopic('rt.prefixed'), orderSchema);
    await c.ensureTopics([d]);
    expect((await c.producerFor(d).send(order('a', 1))).topic).toBe(`${prefix}${d.topic}`);
    const got: string[] = [];
    const group = c.consume(d, (_e, ctx) => void got.push(ctx.topic), { groupId: uniqueTopic('prefixed'), fromBeginning: true });
    await group.start();
    await waitFor(() => got.length === 1, 'the record');
    await group.stop();
    expect(got).toEqual([d.topic]);
  });
});

describe('consumer', () => {
  it('keeps per-key order while handling partitions concurrently, and reports health', async () => {
    const c = client();
    const d = avroTopic(uniqueTopic('rt.order'), orderSchema, { partitions: 3 });
    await c.ensureTopics([d]);
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];
    const sent = await c.producerFor(d).sendBatch(Array.from({ length: 120 }, (_, n) => order(keys[n % keys.length]!, n)));
    const used = [...new Set(sent.map((r) => r.partition))].sort((a, b) => a - b);
    const seen = new Map<string, number[]>();
    let inFlight = 0;
    let maxInFlight = 0;
    const group = c.consume<{ id: string; n: number }>(d, async (e) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 2));
      seen.set(e.id, [...(seen.get(e.id) ?? []), e.n]);
      inFlight--;
    }, { groupId: uniqueTopic('order'), fromBeginning: true, partitionsConsumedConcurrently: 3, maxWaitTimeMs: 200 });
    expect((await group.health())).toMatchObject({ state: 'idle', running: false, connected: false });
    await group.start();
    await waitFor(() => [...seen.values()].reduce((s, v) => s + v.length, 0) === 120, 'every record');
    for (const [, ns] of seen) expect(ns).toEqual([...ns].sort((a, b) => a - b));
    expect(maxInFlight).toBeGreaterThan(1);
    const health = await group.health();
    expect(health).toMatchObject({ state: 'running', running: true, connected: true, processed: 120, deadLettered: 0, paused: false });
    expect(health.assignments).toEqual([{ topic: d.topic, partitions: [0, 1, 2] }]);
    // One lag entry per partition that got records (the six keys spread over all three), each caught up.
    expect(used).toEqual([0, 1, 2]);
    expect([...health.lag].sort((x, y) => x.partition - y.partition)).toEqual(used.map((partition) => ({ topic: d.topic, partition, lag: 0 })));
    await group.stop();
    expect((await group.health())).toMatchObject({ state: 'stopped', running: false });
    // Everything handled was committed.
    const committed = await (await c.admin()).committedOffsets(group.groupId, d.topic);
    const ends = await (await c.admin()).endOffsets(d.topic);
    expect(committed.sort((x, y) => x.partition - y.partition)).toEqual(ends.sort((x, y) => x.partition - y.partition));
  });

  it('client.health() checks the broker, the registry and its consumers, and says which is down', async () => {
    const c = client();
    const d = avroTopic(uniqueTopic('rt.health'), orderSchema);
    await c.ensureTopics([d]);
    const group = c.consume(d, async () => {}, { groupId: uniqueTopic('health'), fromBeginning: true });
    await group.start();
    const up = await c.health();
    expect(up).toMatchObject({ ok: true, broker: { ok: true }, registry: { ok: true } });
    expect(up.consumers).toEqual([expect.objectContaining({ groupId: group.groupId, state: 'running' })]);
    await group.stop();

    // Neither answers on port 1: each reported down with its error, the answer bounded by the timeout.
    const down = new KafkaClient({ brokers: ['127.0.0.1:1'], registry: { url: 'http://127.0.0.1:1', retry: { attempts: 1 } }, logger: silentLogger, connectionTimeoutMs: 300, retries: 0 });
    track(down);
    // A consumer that could not start counts as crashed, not as stopped on purpose.
    const failed = down.consume(d, async () => {}, { groupId: uniqueTopic('health-down') });
    await expect(failed.start()).rejects.toMatchObject({ code: 'BROKER_UNREACHABLE' });
    const health = await down.health(2_000);
    expect(health).toMatchObject({ ok: false, broker: { ok: false, error: expect.stringMatching(/BROKER_UNREACHABLE|cannot reach the Kafka brokers 127\.0\.0\.1:1|no answer within/) }, registry: { ok: false, error: expect.any(String) }, consumers: [{ state: 'crashed', running: false }] });
  });

  it('a raw kafkajs producer (no kafkagen headers) is read too', async () => {
    const c = client();
    const d = avroTopic(uniqueTopic('rt.foreign'), orderSchema);
    await c.ensureTopics([d]);
    const framed = (await c.producerFor(d).send(order('x', 1))) && (await readOne(d.topic));
    const raw = kafka().producer();
    await raw.connect();
    await raw.send({ topic: d.topic, messages: [{ key: 'y', value: framed }] });
    await raw.disconnect();
    const got: Array<{ id: string; eventType: string }> = [];
    const group = c.consume<{ id: string }>(d, (e, ctx) => void got.push({ id: e.id, eventType: ctx.eventType }), { groupId: uniqueTopic('foreign'), fromBeginning: true });
    await group.start();
    await waitFor(() => got.length === 2, 'both records');
    await group.stop();
    expect(got).toEqual([{ id: 'x', eventType: 'Order' }, { id: 'x', eventType: 'Order' }]);
  });
});

/** The value bytes of the first record of a topic. */
async function readOne(topic: string): Promise<Buffer> {
  const consumer = kafka().consumer({ groupId: uniqueTopic('peek') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let value: Buffer | undefined;
  await consumer.run({ eachMessage: async ({ message }) => void (value ??= message.value ?? undefined) });
  await waitFor(() => value !== undefined, `a record on ${topic}`);
  await consumer.disconnect();
  return value!;
}

describe('topic creation from the catalog', () => {
  it("creates a topic and its dead-letter topic with the catalog's partitions, replication factor and topic configs", async () => {
    const c = client();
    const d = avroTopic(uniqueTopic('rt.configs'), orderSchema, { partitions: 3, replicationFactor: 1, config: { 'retention.ms': '3600000', 'cleanup.policy': 'compact' } });
    await c.ensureTopics([d]);
    const admin = kafka().admin();
    await admin.connect();
    try {
      for (const topic of [d.topic, d.deadLetterTopic]) {
        const meta = await admin.fetchTopicMetadata({ topics: [topic] });
        expect(meta.topics[0]!.partitions).toHaveLength(3);
        expect(meta.topics[0]!.partitions.every((p) => p.replicas.length === 1)).toBe(true);
        const described = await admin.describeConfigs({ resources: [{ type: 2, name: topic, configNames: ['retention.ms', 'cleanup.policy'] }], includeSynonyms: false });
        const entries = Object.fromEntries(described.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
        expect(entries).toEqual({ 'retention.ms': '3600000', 'cleanup.policy': 'compact' });
      }
    } finally {
      await admin.disconnect();
    }
  });
});
