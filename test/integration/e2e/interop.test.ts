// Interop with Confluent's own serializers (the Python confluent-kafka client): records it
// writes with AvroSerializer / JSONSerializer are read by kafkagen-generated consumers, and
// records kafkagen-generated producers write are read by its AvroDeserializer / JSONDeserializer.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveContext } from '../../../generator/context.js';
import { generate } from '../../../generator/generate.js';
import { KafkaClient, applyRegistration, silentLogger, type EventContext, type RegistrationManifestData, type TopicDescriptor } from '../../../runtime/index.js';
import { waitFor } from '../../support/runtime.js';
import { kafkaBrokers, registryUrl, runPython, uniqueTopic } from '../../support/services.js';

const repo = path.resolve(import.meta.dirname, '../../..');
const pyClient = path.join(repo, 'test/support/confluent_client.py');

const reading = {
  type: 'record',
  name: 'Reading',
  namespace: 'com.interop',
  fields: [
    { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'n', type: 'long' },
    { name: 'temp', type: 'double' },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'attrs', type: { type: 'map', values: 'int' } },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['RAW', 'CALIBRATED'] } },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};
const note = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Note',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'text', 'at'],
  properties: { id: { type: 'string' }, text: { type: 'string', minLength: 1 }, at: { type: 'string', format: 'date-time' }, tags: { type: 'array', items: { type: 'string' } } },
};

describe('interop with Confluent serializers (Python confluent-kafka)', () => {
  const run = uniqueTopic('interop');
  const dir = path.join(repo, '.cache', run);
  const prefix = `${run}.`;
  let client: KafkaClient;
  let topics: { readings: TopicDescriptor; notes: TopicDescriptor; mod: Record<string, unknown> };

  beforeAll(async () => {
    mkdirSync(path.join(dir, 'schemas'), { recursive: true });
    writeFileSync(path.join(dir, 'schemas/reading.avsc'), JSON.stringify(reading, null, 2));
    writeFileSync(path.join(dir, 'schemas/note.schema.json'), JSON.stringify(note, null, 2));
    writeFileSync(path.join(dir, 'kafkagen.yaml'), `runtime: ../../../runtime/index.js\ntopics:\n  interop.readings: { value: com.interop.Reading, key: { field: id } }\n  interop.notes: { value: note.schema.json, key: { field: id } }\n`);
    generate(resolveContext({ cwd: dir }), { check: false });
    const mod = (await import(path.join(dir, 'generated/index.ts'))) as Record<string, unknown>;
    topics = { readings: mod.interopReadingsTopic as TopicDescriptor, notes: mod.interopNotesTopic as TopicDescriptor, mod };
    client = new KafkaClient({ brokers: kafkaBrokers(), registry: { url: registryUrl() }, topicPrefix: prefix, logger: silentLogger });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'generated/registry.json'), 'utf8')) as RegistrationManifestData;
    await applyRegistration(manifest, { url: registryUrl() });
    await client.ensureTopics([topics.readings, topics.notes]);
  });

  afterAll(async () => {
    await client?.close();
  });

  async function consumeWithGenerated(name: 'InteropReadingsConsumer' | 'InteropNotesConsumer', count: number): Promise<Array<{ event: unknown; ctx: EventContext }>> {
    const got: Array<{ event: unknown; ctx: EventContext }> = [];
    const Consumer = topics.mod[name] as new (c: KafkaClient, h: unknown, o: unknown) => { start(): Promise<void>; stop(): Promise<void> };
    const consumer = new Consumer(client, async (event: unknown, ctx: EventContext) => void got.push({ event, ctx }), { groupId: uniqueTopic('interop-g'), fromBeginning: true });
    await consumer.start();
    await waitFor(() => got.length >= count, `${count} record(s)`);
    await consumer.stop();
    return got;
  }

  it('reads what Confluent AvroSerializer wrote', async () => {
    const value = { id: '6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b', at: 1_700_000_000_123, n: 0, temp: 21.5, tags: ['a', 'b'], attrs: { x: 1 }, kind: 'CALIBRATED', note: null };
    // 2^53 + 1: exact in Python, not representable as a JS number; must arrive as that bigint.
    const json = JSON.stringify(value).replace('"n":0', '"n":9007199254740993');
    const schemaFile = path.join(dir, 'schemas/reading.avsc');
    const r = await runPython(pyClient, ['produce', '--topic', `${prefix}interop.readings`, '--format', 'avro', '--schema', schemaFile, '--value-json', json, '--key', value.id]);
    expect(r.code, r.stderr).toBe(0);
    const [got] = await consumeWithGenerated('InteropReadingsConsumer', 1);
    expect(got!.event).toEqual({ ...value, at: new Date(1_700_000_000_123), n: 9_007_199_254_740_993n });
    expect(got!.ctx.key).toBe(value.id);
  });

  it('writes what Confluent AvroDeserializer reads', async () => {
    const Producer = topics.mod.InteropReadingsProducer as new (c: KafkaClient) => { send(e: unknown): Promise<unknown> };
    await new Producer(client).send({ id: '0b1c2d3e-4f50-4a6b-8c7d-8e9f0a1b2c3d', at: new Date(Date.UTC(2024, 0, 15, 10, 30, 0, 250)), n: 42n, temp: -3.25, tags: [], attrs: { y: 2 }, kind: 'RAW' });
    const r = await runPython(pyClient, ['consume', '--topic', `${prefix}interop.readings`, '--format', 'avro', '--max', '2', '--timeout', '60']);
    expect(r.code, r.stderr).toBe(0);
    const values = r.stdout.trim().split('\n').map((l) => JSON.parse(l).value);
    expect(values).toContainEqual({ id: '0b1c2d3e-4f50-4a6b-8c7d-8e9f0a1b2c3d', at: '2024-01-15T10:30:00.250000+00:00', n: 42, temp: -3.25, tags: [], attrs: { y: 2 }, kind: 'RAW', note: null });
  });

  it('reads what Confluent JSONSerializer wrote, and writes what JSONDeserializer reads', async () => {
    const schemaFile = path.join(dir, 'schemas/note.schema.json');
    const fromPython = { id: 'n1', text: 'from python', at: '2024-01-15T10:30:00Z', tags: ['py'] };
    const r = await runPython(pyClient, ['produce', '--topic', `${prefix}interop.notes`, '--format', 'json', '--schema', schemaFile, '--value-json', JSON.stringify(fromPython), '--key', 'n1']);
    expect(r.code, r.stderr).toBe(0);
    const [got] = await consumeWithGenerated('InteropNotesConsumer', 1);
    expect(got!.event).toEqual(fromPython);

    const Producer = topics.mod.InteropNotesProducer as new (c: KafkaClient) => { send(e: unknown): Promise<unknown> };
    const fromNode = { id: 'n2', text: 'from kafkagen', at: '2024-01-16T08:00:00Z' };
    await new Producer(client).send(fromNode);
    const read = await runPython(pyClient, ['consume', '--topic', `${prefix}interop.notes`, '--format', 'json', '--schema', schemaFile, '--max', '2', '--timeout', '60']);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout.trim().split('\n').map((l) => JSON.parse(l).value)).toContainEqual(fromNode);
  });
});
