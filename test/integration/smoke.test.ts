// Smoke test of the integration environment: a real broker, a real Confluent-compatible
// registry, the Node clients and the Python Confluent client all talk to each other.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createTopic, kafka, registryUrl, runPython, uniqueTopic } from '../support/services.js';

const clientScript = path.resolve(import.meta.dirname, '../support/confluent_client.py');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'kafkagen-smoke-'));

const pingAvro = {
  type: 'record',
  name: 'Ping',
  namespace: 'kafkagen.smoke',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'count', type: 'int' },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
} as const;

const pingJson = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Ping',
  type: 'object',
  properties: {
    id: { type: 'string' },
    count: { type: 'integer' },
  },
  required: ['id', 'count'],
  additionalProperties: false,
};

const REGISTRY_JSON = 'application/vnd.schemaregistry.v1+json';

async function registryRequest(method: string, route: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${registryUrl()}${route}`, {
    method,
    headers: { 'content-type': REGISTRY_JSON, accept: REGISTRY_JSON },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** Reads the first message of a topic with a fresh consumer group. */
async function consumeFirst(topic: string, timeoutMs = 30_000): Promise<KafkaMessage> {
  const consumer = kafka('kafkagen-smoke-consumer').consumer({ groupId: uniqueTopic('smoke-group') });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<KafkaMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message on ${topic} within ${timeoutMs} ms`)), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            clearTimeout(timer);
            resolve(message);
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

describe('integration services', () => {
  const registry = new SchemaRegistry({ host: registryUrl() });

  it('produces and consumes a message with kafkajs', async () => {
    const topic = uniqueTopic('smoke-kafkajs');
    await createTopic(topic, 2);

    const producer = kafka('kafkagen-smoke-producer').producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: [{ key: 'k1', value: 'hello kafka' }] });
    } finally {
      await producer.disconnect();
    }

    const message = await consumeFirst(topic);
    expect(message.key?.toString()).toBe('k1');
    expect(message.value?.toString()).toBe('hello kafka');
  });

  it('registers Avro and JSON schemas and reads them back by id', async () => {
    const base = uniqueTopic('smoke-registry');

    const avroSubject = `${base}-avro-value`;
    const { id: avroId } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(pingAvro) },
      { subject: avroSubject },
    );
    expect(avroId).toBeGreaterThan(0);
    const byId = await registryRequest('GET', `/schemas/ids/${avroId}`);
    expect(byId.status).toBe(200);
    expect(JSON.parse(byId.json.schema)).toEqual(pingAvro);

    const value = { id: 'p-1', count: 3, note: 'hi', at: 1_700_000_000_000 };
    const encoded = await registry.encode(avroId, value);
    expect(encoded[0]).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(avroId);
    const fresh = new SchemaRegistry({ host: registryUrl() }); // empty cache: fetches the schema by id
    expect(await fresh.decode(encoded)).toEqual(value);

    // Confluent semantics: ids are per schema content, so the same schema under another
    // subject and a re-registration both give the same id.
    const again = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(pingAvro) },
      { subject: `${base}-avro2-value` },
    );
    expect(again.id).toBe(avroId);

    const jsonSubject = `${base}-json-value`;
    const { id: jsonId } = await registry.register(
      { type: SchemaType.JSON, schema: JSON.stringify(pingJson) },
      { subject: jsonSubject },
    );
    expect(jsonId).not.toBe(avroId);
    const jsonById = await registryRequest('GET', `/schemas/ids/${jsonId}`);
    expect(jsonById.status).toBe(200);
    expect(jsonById.json.schemaType).toBe('JSON');
    expect(JSON.parse(jsonById.json.schema)).toEqual(pingJson);
    const jsonEncoded = await registry.encode(jsonId, { id: 'j-1', count: 1 });
    expect(await fresh.decode(jsonEncoded)).toEqual({ id: 'j-1', count: 1 });

    const latest = await registryRequest('GET', `/subjects/${jsonSubject}/versions/latest`);
    expect(latest.json).toMatchObject({ subject: jsonSubject, version: 1, id: jsonId });
  });

  it('refuses an incompatible change through the compatibility endpoint', async () => {
    const subject = `${uniqueTopic('smoke-compat')}-value`;
    const v1 = await registryRequest('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(pingAvro) });
    expect(v1.status).toBe(200);

    const config = await registryRequest('PUT', `/config/${subject}`, { compatibility: 'BACKWARD' });
    expect(config.status).toBe(200);
    expect((await registryRequest('GET', `/config/${subject}`)).json.compatibilityLevel).toBe('BACKWARD');

    // A new required field without a default cannot read old data: not BACKWARD compatible.
    const incompatible = { ...pingAvro, fields: [...pingAvro.fields, { name: 'source', type: 'string' }] };
    const refused = await registryRequest(
      'POST',
      `/compatibility/subjects/${subject}/versions/latest?verbose=true`,
      { schema: JSON.stringify(incompatible) },
    );
    expect(refused.status).toBe(200);
    expect(refused.json.is_compatible).toBe(false);

    // The same field with a default is fine.
    const compatible = {
      ...pingAvro,
      fields: [...pingAvro.fields, { name: 'source', type: 'string', default: 'unknown' }],
    };
    const accepted = await registryRequest(
      'POST',
      `/compatibility/subjects/${subject}/versions/latest?verbose=true`,
      { schema: JSON.stringify(compatible) },
    );
    expect(accepted.json.is_compatible).toBe(true);

    // Registering the incompatible schema is refused with 409, as Confluent does.
    const register = await registryRequest('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(incompatible) });
    expect(register.status).toBe(409);
  });

  it("reads in Node what the Python client's AvroSerializer produced", async () => {
    const topic = uniqueTopic('smoke-python');
    await createTopic(topic, 1);
    const schemaFile = path.join(tmp, 'ping.avsc');
    writeFileSync(schemaFile, JSON.stringify(pingAvro, null, 2));
    const sent = { id: 'py-1', count: 42, note: 'from python', at: 1_700_000_123_456 };

    const result = await runPython(clientScript, [
      'produce', '--topic', topic, '--format', 'avro', '--schema', schemaFile,
      '--value-json', JSON.stringify(sent), '--key', 'py-key',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const delivery = JSON.parse(result.stdout.trim().split('\n')[0]!);
    expect(delivery).toMatchObject({ topic, partition: 0, offset: 0 });

    const registered = await registryRequest('GET', `/subjects/${topic}-value/versions/latest`);
    expect(registered.status).toBe(200);
    expect(delivery.schema_id).toBe(registered.json.id);

    const message = await consumeFirst(topic);
    expect(message.key?.toString()).toBe('py-key');
    const bytes = message.value!;
    expect(bytes[0]).toBe(0); // magic byte
    expect(bytes.readInt32BE(1)).toBe(registered.json.id); // 4-byte big-endian schema id
    const decoded = avro.Type.forSchema(pingAvro as unknown as avro.Schema).fromBuffer(bytes.subarray(5));
    expect({ ...decoded }).toEqual(sent);
  });
});
