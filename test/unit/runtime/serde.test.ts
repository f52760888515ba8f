// TopicSerde over real generated-style codecs and validators. The schema source is an
// in-memory map standing in for the registry (registry behaviour is tested against a real
// one in test/integration/runtime).
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { createAvroType } from '../../../runtime/avro.js';
import type { TopicDescriptor } from '../../../runtime/descriptor.js';
import type { RegisteredSchema } from '../../../runtime/registry.js';
import { DEFAULT_RETRY } from '../../../runtime/retry.js';
import { frame, inlineReferences, isDecodeError, type SchemaSource, TopicSerde, unframe } from '../../../runtime/serde/index.js';
import { jsonValidator } from '../../../runtime/validation.js';

const orderV1 = { type: 'record', name: 'com.t.Order', fields: [{ name: 'id', type: 'string' }, { name: 'n', type: 'int' }, { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } }] };
const orderV2 = { ...orderV1, fields: [...orderV1.fields, { name: 'note', type: 'string', default: '-' }] };
const refund = { type: 'record', name: 'com.t.Refund', fields: [{ name: 'id', type: 'string' }, { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 } }] };

/** Subjects and ids in memory; counts lookups so tests can assert none happened. */
function memorySource(schemas: Record<number, RegisteredSchema>, ids: Record<string, number>) {
  const calls = { idFor: 0, schemaById: 0 };
  const source: SchemaSource = {
    async idFor(subject) {
      calls.idFor++;
      return ids[subject] ?? Promise.reject(new Error(`no ${subject}`));
    },
    async schemaById(id) {
      calls.schemaById++;
      const s = schemas[id];
      if (!s) throw Object.assign(new Error(`schema id ${id} is not in the registry`), { name: 'KafkagenRuntimeError', code: 'UNKNOWN_SCHEMA_ID' });
      return s;
    },
    async schemaByVersion() {
      throw new Error('no references here');
    },
  };
  return { source, calls };
}

const avro = (id: number, schema: unknown): RegisteredSchema => ({ id, schema: JSON.stringify(schema), schemaType: 'AVRO', references: [] });

function avroTopic(events: Array<Record<string, unknown>>, union = false): TopicDescriptor {
  return {
    topic: 'orders',
    format: 'AVRO',
    events: events.map((s) => ({ name: String(s.name).split('.').pop()!, recordName: String(s.name), subject: String(s.name), schema: JSON.stringify(s), references: [], codec: createAvroType(s) })),
    union: union ? { subject: 'orders-value', schema: JSON.stringify(events.map((e) => e.name)), references: [], codec: createAvroType(events) } : undefined,
    key: { kind: 'field', field: 'id' },
    consumerGroup: 'g',
    retry: DEFAULT_RETRY,
    deadLetterTopic: 'orders.dlq',
  };
}

const order = { id: 'o1', n: 3, at: new Date(1_700_000_000_000) };

describe('TopicSerde (Avro)', () => {
  it('validates before any registry call, naming every invalid path', async () => {
    const { source, calls } = memorySource({}, { 'com.t.Order': 1 });
    const serde = new TopicSerde(avroTopic([orderV1]), source);
    const error = await Promise.resolve().then(() => serde.encode({ id: 1, n: 'x', at: new Date() })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((error as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual(['/id', '/n']);
    expect(calls.idFor).toBe(0);
  });

  it('frames the payload with the subject id, and reads it back', async () => {
    const { source, calls } = memorySource({ 1: avro(1, orderV1) }, { 'com.t.Order': 1 });
    const serde = new TopicSerde(avroTopic([orderV1]), source);
    const encoded = await serde.encode(order);
    expect(encoded).toMatchObject({ schemaId: 1, eventType: 'Order' });
    expect(unframe(encoded.value).schemaId).toBe(1);
    expect(await serde.decode(encoded.value)).toEqual({ value: order, schemaId: 1, eventType: 'Order' });
    // Writer known: later records decode synchronously, with no more lookups.
    expect(serde.decode(encoded.value)).toEqual({ value: order, schemaId: 1, eventType: 'Order' });
    await serde.encode(order);
    expect(calls).toEqual({ idFor: 1, schemaById: 1 });
  });

  it('resolves an older writer schema to the reader (v2 reads v1)', async () => {
    const { source } = memorySource({ 1: avro(1, orderV1) }, { 'com.t.Order': 1 });
    const v1Bytes = (await new TopicSerde(avroTopic([orderV1]), source).encode(order)).value;
    const v2 = new TopicSerde(avroTopic([orderV2]), source);
    expect((await v2.decode(v1Bytes)).value).toEqual({ ...order, note: '-' });
  });

  it('tags multi-event values with $type and writes them through the union subject', async () => {
    const { source } = memorySource({ 5: avro(5, [orderV1, refund]) }, { 'orders-value': 5 });
    const serde = new TopicSerde(avroTopic([orderV1, refund], true), source);
    const encoded = await serde.encode({ $type: 'Refund', id: 'r1', amount: '12.50' });
    expect(encoded).toMatchObject({ schemaId: 5, eventType: 'Refund' });
    expect(await serde.decode(encoded.value)).toMatchObject({ eventType: 'Refund', value: { $type: 'Refund', id: 'r1', amount: '12.50' } });
    await expect(Promise.resolve().then(() => serde.encode({ $type: 'Nope', id: 'x' }))).rejects.toMatchObject({ code: 'UNKNOWN_EVENT_TYPE' });
    await expect(Promise.resolve().then(() => serde.encode({ id: 'x' }))).rejects.toMatchObject({ code: 'UNKNOWN_EVENT_TYPE' });
  });

  it('fails decoding at the deserialize stage for bad bytes, unknown ids and foreign record names', async () => {
    const { source } = memorySource({ 1: avro(1, orderV1), 2: avro(2, refund) }, {});
    const serde = new TopicSerde(avroTopic([orderV1]), source);
    const failures = await Promise.all([
      Promise.resolve().then(() => serde.decode(Buffer.from('hello'))),
      Promise.resolve().then(() => serde.decode(frame(99, Buffer.from([2])))),
      Promise.resolve().then(() => serde.decode(frame(1, Buffer.from([200])))),
    ].map((p) => p.catch((e: unknown) => e)));
    expect(failures.map((e) => isDecodeError(e) && [e.stage, e.code])).toEqual([
      ['deserialize', 'DESERIALIZE_FAILED'],
      ['deserialize', 'UNKNOWN_SCHEMA_ID'],
      ['deserialize', 'DESERIALIZE_FAILED'],
    ]);
    const other = { type: 'record', name: 'com.t.Other', fields: [{ name: 'id', type: 'string' }] };
    const multi = new TopicSerde(avroTopic([orderV1, refund]), memorySource({ 7: avro(7, other) }, {}).source);
    const foreign = await Promise.resolve().then(() => multi.decode(frame(7, Buffer.from([2, 0x61])))).catch((e: unknown) => e);
    expect(isDecodeError(foreign) && [foreign.stage, foreign.code]).toEqual(['deserialize', 'UNKNOWN_EVENT_TYPE']);
    expect((foreign as Error).message).toContain('record written as com.t.Other (schema id 7), which is not an event type of orders');
  });

  it('leaves registry outages retriable (the record is not at fault)', async () => {
    const source: SchemaSource = {
      idFor: async () => 1,
      schemaById: async () => Promise.reject(Object.assign(new Error('registry down'), { retriable: true })),
      schemaByVersion: async () => Promise.reject(new Error('x')),
    };
    const error = await Promise.resolve().then(() => new TopicSerde(avroTopic([orderV1]), source).decode(frame(1, Buffer.from([0])))).catch((e: unknown) => e);
    expect(isDecodeError(error)).toBe(false);
    expect(error).toMatchObject({ retriable: true });
  });
});

describe('TopicSerde (JSON Schema)', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const note = { type: 'object', required: ['id', 'text'], properties: { id: { type: 'string' }, text: { type: 'string', minLength: 1 } }, additionalProperties: false };
  const alarm = { type: 'object', required: ['id', 'level'], properties: { id: { type: 'string' }, level: { enum: ['LOW', 'HIGH'] } }, additionalProperties: false };
  const topic = (schemas: Array<[string, object]>): TopicDescriptor => ({
    topic: 'notes',
    format: 'JSON',
    events: schemas.map(([name, s]) => ({ name, subject: `notes-${name}`, schema: JSON.stringify(s), references: [], validator: jsonValidator(ajv.compile(s)) })),
    key: { kind: 'field', field: 'id' },
    consumerGroup: 'g',
    retry: DEFAULT_RETRY,
    deadLetterTopic: 'notes.dlq',
  });
  const json = (id: number): RegisteredSchema => ({ id, schema: '{}', schemaType: 'JSON', references: [] });

  it('writes UTF-8 JSON after validating, and picks the event type whose schema matches', async () => {
    const { source } = memorySource({ 3: json(3), 4: json(4) }, { 'notes-Note': 3, 'notes-Alarm': 4 });
    const serde = new TopicSerde(topic([['Note', note], ['Alarm', alarm]]), source);
    const encoded = await serde.encode({ id: 'a', level: 'HIGH' });
    expect(encoded).toMatchObject({ schemaId: 4, eventType: 'Alarm' });
    expect(JSON.parse(unframe(encoded.value).payload.toString('utf8'))).toEqual({ id: 'a', level: 'HIGH' });
    expect(await serde.decode(encoded.value)).toEqual({ value: { id: 'a', level: 'HIGH' }, schemaId: 4, eventType: 'Alarm' });
    await expect(Promise.resolve().then(() => serde.encode({ id: 'a', level: 'MEDIUM' }))).rejects.toMatchObject({ code: 'UNKNOWN_EVENT_TYPE' });
  });

  it('refuses invalid values with their paths, and dead-letters invalid records at the validate stage', async () => {
    const { source } = memorySource({ 3: json(3), 9: avro(9, orderV1) }, { 'notes-Note': 3 });
    const serde = new TopicSerde(topic([['Note', note]]), source);
    await expect(Promise.resolve().then(() => serde.encode({ id: 'a', text: '' }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: '/text' }] });
    const invalid = await Promise.resolve().then(() => serde.decode(frame(3, Buffer.from('{"id":42}')))).catch((e: unknown) => e);
    expect(isDecodeError(invalid) && [invalid.stage, invalid.code]).toEqual(['validate', 'VALIDATION_FAILED']);
    expect((invalid as Error).message).toContain('/id: must be string');
    const notJson = await Promise.resolve().then(() => serde.decode(frame(3, Buffer.from('{oops')))).catch((e: unknown) => e);
    expect(isDecodeError(notJson) && notJson.stage).toBe('deserialize');
    const avroId = await Promise.resolve().then(() => serde.decode(frame(9, Buffer.from('{}')))).catch((e: unknown) => e);
    expect((avroId as Error).message).toContain('is a AVRO schema, but notes carries JSON');
  });
});

describe('TopicSerde (bare JSON)', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const note = { type: 'object', required: ['id', 'text'], properties: { id: { type: 'string' }, text: { type: 'string', minLength: 1 } }, additionalProperties: false };
  const topic = (wire?: 'plain'): TopicDescriptor => ({
    topic: 'notes',
    format: 'JSON',
    events: [{ name: 'Note', subject: 'notes-value', schema: JSON.stringify(note), references: [], validator: jsonValidator(ajv.compile(note)) }],
    key: { kind: 'field', field: 'id' },
    consumerGroup: 'g',
    retry: DEFAULT_RETRY,
    deadLetterTopic: 'notes.dlq',
    ...(wire && { wire }),
  });

  it('wire: plain writes the JSON text alone, validated, with no registry call', async () => {
    const { source, calls } = memorySource({}, {});
    const serde = new TopicSerde(topic('plain'), source);
    const encoded = await serde.encode({ id: 'a', text: 'hi' });
    expect(encoded).toEqual({ value: Buffer.from('{"id":"a","text":"hi"}'), schemaId: 0, eventType: 'Note' });
    await expect(Promise.resolve().then(() => serde.encode({ id: 'a', text: '' }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(calls).toEqual({ idFor: 0, schemaById: 0 });
  });

  it('reads bare JSON and framed JSON on the same topic (a topic moving to or from the wire format)', async () => {
    const { source, calls } = memorySource({ 3: { id: 3, schema: '{}', schemaType: 'JSON', references: [] } }, {});
    const serde = new TopicSerde(topic(), source);
    expect(await serde.decode(Buffer.from('{"id":"a","text":"bare"}'))).toEqual({ value: { id: 'a', text: 'bare' }, schemaId: 0, eventType: 'Note' });
    expect(calls.schemaById).toBe(0);
    expect(await serde.decode(frame(3, Buffer.from('{"id":"b","text":"framed"}')))).toEqual({ value: { id: 'b', text: 'framed' }, schemaId: 3, eventType: 'Note' });
    const invalid = await Promise.resolve().then(() => serde.decode(Buffer.from('{"id":"a"}'))).catch((e: unknown) => e);
    expect(isDecodeError(invalid) && [invalid.stage, invalid.message]).toEqual(['validate', expect.stringContaining('notes record (plain JSON) is invalid: /text: is required')]);
    const garbage = await Promise.resolve().then(() => serde.decode(Buffer.from('not json'))).catch((e: unknown) => e);
    expect(isDecodeError(garbage) && garbage.stage).toBe('deserialize');
  });

  it('an Avro topic still refuses unframed bytes', async () => {
    const { source } = memorySource({}, {});
    const serde = new TopicSerde(avroTopic([orderV1]), source);
    const e = await Promise.resolve().then(() => serde.decode(Buffer.from('{"id":"a"}'))).catch((x: unknown) => x);
    expect(isDecodeError(e) && [e.stage, e.message]).toEqual(['deserialize', expect.stringContaining('not the Confluent magic byte 0')]);
  });
});

describe('references', () => {
  it('inline each referenced definition at its first use; later uses stay names', () => {
    const money = { type: 'record', name: 'Money', namespace: 'com.t', fields: [{ name: 'units', type: 'long' }] };
    const root = { type: 'record', name: 'com.t.Invoice', fields: [{ name: 'total', type: 'Money' }, { name: 'tax', type: 'com.t.Money' }, { name: '__proto__', type: 'string' }] };
    const out = inlineReferences(root, new Map([['com.t.Money', money]])) as { fields: Array<{ name: string; type: unknown }> };
    expect(out.fields[0]!.type).toEqual(money);
    expect(out.fields[1]!.type).toBe('com.t.Money');
    expect(Object.prototype.hasOwnProperty.call(out.fields[2], 'name')).toBe(true);
    expect(() => createAvroType(out)).not.toThrow();
    expect(inlineReferences(root, new Map())).toBe(root);
  });
});
