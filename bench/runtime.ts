// Runtime speed against the real broker and registry: the runtime's producer and consumer
// (KafkaClient, producerFor(d).sendBatch, client.consume) beside raw kafkajs encoding the same
// records with plain avsc in its send loop, in the same run, with the same batch sizes,
// partition count and producer guarantees (idempotent, acks all). A third side, raw kafkajs
// writing kafkagen's six headers, shows what the headers alone cost in kafkajs. Figures are ratios to that baseline because these
// machines are noisy; the latency targets are absolute.
//   (a) throughput: N records in batches, producer and consumer running at once; five rounds
//       in rotating order, the median of each side.
//   (b) latency: a fixed rate (default 1,000 records/s) for ~10 s; end-to-end latency is the
//       consumer's receive time minus metadata.occurred_at, stamped when the record is sent.
//   (c) serde: per record, TopicSerde against plain avsc (no network once the schema is cached).
// Targets (issue #4): >= 0.9x raw kafkajs throughput; p99 < 100 ms at 1,000 records/s; serde <= 1.25x raw avsc.
// The seeds also claimed p95 < 100 ms and 10,000 records/s.
//   bash scripts/services up && eval "$(bash scripts/services env)"
//   node --import tsx bench/runtime.ts [records] [batch] [rate] [seconds] [rounds]
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import avro from 'avsc';
import kafkajs from 'kafkajs';
import { DefectDetectedCodec, type DefectDetected, type DefectDetectedInput } from '../generated/chipquality/inspection.js';
import { KafkaClient } from '../runtime/client.js';
import type { TopicDescriptor } from '../runtime/descriptor.js';
import { silentLogger } from '../runtime/logger.js';
import { DEFAULT_RETRY } from '../runtime/retry.js';
import { TopicSerde } from '../runtime/serde/index.js';

const { Kafka, logLevel } = kafkajs;

const RECORDS = Number(process.argv[2] ?? 50_000);
const BATCH = Number(process.argv[3] ?? 500);
const RATE = Number(process.argv[4] ?? 1_000);
const SECONDS = Number(process.argv[5] ?? 10);
const ROUNDS = Number(process.argv[6] ?? 5);
const PARTITIONS = 3;
const WARMUP = 20_000; // per side: JIT tiers and connection pools settled before anything is timed
const TICK_MS = 10;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

// ---------------------------------------------------------------- records

function defect(i: number, at: Date): DefectDetectedInput {
  return {
    metadata: {
      event_id: randomUUID(),
      occurred_at: at,
      correlation_id: `req-${(i * 7919).toString(16)}`,
      causation_id: null,
      source: 'inspection-svc',
      schema_version: 1,
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    },
    inspection_id: `INS-${String(i % 5_000).padStart(6, '0')}`,
    defect_id: randomUUID(),
    chip: { chip_id: `CHIP-${i % 977}`, wafer_id: `W-2024-0042-${String(i % 25).padStart(2, '0')}`, lot_id: 'LOT-2024-0042', die_x: i % 41, die_y: (i * 3) % 37 },
    defect_class: (['SCRATCH', 'PARTICLE', 'VOID', 'CRACK', 'BRIDGING'] as const)[i % 5]!,
    severity: (['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const)[i % 4]!,
    confidence: 0.5 + (i % 50) / 100,
    bounding_box: { x_um: 10 + (i % 90), y_um: 20 + (i % 80), width_um: 3.5, height_um: 2.25 },
    area_um2: 7.875 + i,
    detected_by: 'MODEL',
    model_version: 'defect-cls-3.2.1',
    image_uri: `s3://fab-images/inspections/INS-${i}/defect.png`,
    thumbnail: Buffer.alloc(64, i & 0xff),
  };
}

/** Plain avsc over the same self-contained schema: what raw kafkajs code would use. */
const rawType = avro.Type.forSchema(DefectDetectedCodec.schema as avro.Schema);
const rawResolver = rawType.createResolver(avro.Type.forSchema(DefectDetectedCodec.schema as avro.Schema));

function rawFrame(schemaId: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out[0] = 0;
  out.writeUInt32BE(schemaId, 1);
  payload.copy(out, 5);
  return out;
}

/** The raw side's bytes for a record: the runtime's bytes decoded by plain avsc, re-encoded. */
function rawValueOf(value: DefectDetectedInput): Record<string, unknown> {
  return rawType.fromBuffer(DefectDetectedCodec.encode(value)) as Record<string, unknown>;
}

function rawDecode(buf: Buffer): { metadata: { occurred_at: number } } {
  if (buf.length < 5 || buf[0] !== 0) throw new Error('not Confluent wire format');
  return rawType.fromBuffer(buf.subarray(5), rawResolver) as { metadata: { occurred_at: number } };
}

function descriptor(topic: string): TopicDescriptor {
  return {
    topic,
    format: 'AVRO',
    events: [{ name: 'DefectDetected', recordName: 'com.chipquality.inspection.DefectDetected', subject: `${topic}-value`, schema: JSON.stringify(DefectDetectedCodec.schema), references: [], codec: DefectDetectedCodec as never }],
    key: { kind: 'field', field: 'inspection_id' },
    consumerGroup: `${topic}-group`,
    retry: DEFAULT_RETRY,
    deadLetterTopic: `${topic}.dlq`,
    partitions: PARTITIONS,
  };
}

// ---------------------------------------------------------------- the two sides

interface Side {
  name: string;
  /** Starts a consumer on `topic` (from the beginning) and resolves once it has partitions. */
  consume(topic: string, onRecord: (occurredAtMs: number) => void): Promise<() => Promise<void>>;
  /** Sends `count` records starting at `first`, stamped now, as one batch. */
  sendBatch(topic: string, first: number, count: number): Promise<void>;
  /** Sends pre-built records (throughput phase: nothing is built inside the timed loop). */
  prepare(topic: string, count: number): Promise<(from: number, to: number) => Promise<void>>;
  close(): Promise<void>;
}

const client = new KafkaClient({ brokers, registry: { url: registryUrl, autoRegister: true }, logger: silentLogger, clientId: 'kafkagen-bench' });
const kafka = new Kafka({ clientId: 'raw-bench', brokers, logLevel: logLevel.ERROR });
const admin = kafka.admin();

async function createTopic(topic: string): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
}

async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function kafkagenSide(): Side {
  const producers = new Map<string, ReturnType<typeof client.producerFor<DefectDetectedInput>>>();
  const producer = (topic: string) => {
    let p = producers.get(topic);
    if (!p) producers.set(topic, (p = client.producerFor<DefectDetectedInput>(descriptor(topic))));
    return p;
  };
  return {
    name: 'kafkagen',
    async consume(topic, onRecord) {
      const group = client.consume<DefectDetected>(descriptor(topic), (event) => onRecord(event.metadata.occurred_at.getTime()), {
        groupId: `${topic}-group`,
        fromBeginning: true,
        partitionsConsumedConcurrently: PARTITIONS,
      });
      void group.start();
      await waitFor(async () => (await group.health()).assignments.some((a) => a.partitions.length > 0), `kafkagen consumer on ${topic}`);
      return () => group.stop();
    },
    async sendBatch(topic, first, count) {
      const at = new Date();
      await producer(topic).sendBatch(Array.from({ length: count }, (_, k) => defect(first + k, at)));
    },
    async prepare(topic, count) {
      const at = new Date();
      const events = Array.from({ length: count }, (_, i) => defect(i, at));
      await producer(topic).send(events[0]!); // registry lookup and connection outside the timing
      return async (from, to) => void (await producer(topic).sendBatch(events.slice(from, to)));
    },
    close: () => client.close(),
  };
}

/**
 * Hand-written kafkajs code doing the same job: plain avsc encodes each record and frames it
 * in the wire format inside the timed loop (an application has to), the same idempotent
 * producer settings and batch sizes. With `headers`, it also writes the same six headers
 * kafkagen writes, to show what the headers themselves cost in kafkajs.
 */
function rawSide(schemaIdOf: (topic: string) => Promise<number>, headers = false): Side {
  const producerP = (async () => {
    const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await p.connect();
    return p;
  })();
  const consumers: kafkajs.Consumer[] = [];
  const message = (id: number, v: Record<string, unknown>) => ({
    key: v.inspection_id as string,
    value: rawFrame(id, rawType.toBuffer(v)),
    headers: headers
      ? { 'content-type': 'application/vnd.kafka.avro.v2+binary', 'kafkagen-schema-id': String(id), 'kafkagen-event-type': 'DefectDetected', 'kafkagen-produced-at': new Date().toISOString(), 'kafkagen-producer': 'raw-bench', 'correlation-id': randomUUID() }
      : undefined,
  });
  return {
    name: headers ? 'raw kafkajs + headers' : 'raw kafkajs',
    async consume(topic, onRecord) {
      const consumer = kafka.consumer({ groupId: `${topic}-group` });
      consumers.push(consumer);
      let joined = false;
      consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      // At least once as hand-written kafkajs code does it: kafkajs commits resolved offsets after each batch.
      void consumer.run({
        partitionsConsumedConcurrently: PARTITIONS,
        eachMessage: async ({ message }) => onRecord(rawDecode(message.value!).metadata.occurred_at),
      });
      await waitFor(() => joined, `raw consumer on ${topic}`);
      return () => consumer.disconnect();
    },
    async sendBatch(topic, first, count) {
      const [producer, id] = await Promise.all([producerP, schemaIdOf(topic)]);
      const at = new Date();
      await producer.send({ topic, acks: -1, messages: Array.from({ length: count }, (_, k) => message(id, rawValueOf(defect(first + k, at)))) });
    },
    async prepare(topic, count) {
      const [producer, id] = await Promise.all([producerP, schemaIdOf(topic)]);
      const at = new Date();
      // The same records in plain avsc's representation (numbers for longs and timestamps), built outside the timing.
      const values = Array.from({ length: count }, (_, i) => rawValueOf(defect(i, at)));
      await producer.send({ topic, acks: -1, messages: [message(id, values[0]!)] });
      return async (from, to) => void (await producer.send({ topic, acks: -1, messages: values.slice(from, to).map((v) => message(id, v)) }));
    },
    async close() {
      await Promise.allSettled(consumers.map((c) => c.disconnect()));
      await (await producerP).disconnect();
    },
  };
}

// ---------------------------------------------------------------- phases

interface Throughput {
  produced: number;
  produceRate: number;
  pipelineRate: number;
  /** Records per CPU second of this process (producer and consumer both run here): steadier than wall time on a shared machine. */
  cpuRate: number;
}

/** (a) RECORDS records in batches of BATCH as fast as possible, with the consumer running. */
async function throughput(side: Side, label: string, records: number): Promise<Throughput> {
  const topic = `bench.rt.${label}.${runId}`;
  await createTopic(topic);
  const send = await side.prepare(topic, records + 1); // record 0 warmed the producer
  let received = 0;
  let last = 0;
  const stop = await side.consume(topic, () => {
    received++;
    last = performance.now();
  });
  await waitFor(() => received >= 1, 'the warm-up record');
  received = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (let from = 1; from <= records; from += BATCH) await send(from, Math.min(from + BATCH, records + 1));
  const produced = performance.now();
  await waitFor(() => received >= records, `${records} records on ${topic}`, 300_000);
  const { user, system } = process.cpuUsage(cpu);
  await stop();
  return { produced: records, produceRate: (records / (produced - start)) * 1000, pipelineRate: (records / (last - start)) * 1000, cpuRate: (records / (user + system)) * 1e6 };
}

interface Latency {
  sent: number;
  received: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** (b) RATE records/s for SECONDS s, sent in small batches every TICK_MS, consumer running. */
async function latency(side: Side, label: string): Promise<Latency> {
  const topic = `bench.rt.${label}.${runId}`;
  await createTopic(topic);
  const samples: number[] = [];
  const stop = await side.consume(topic, (occurredAt) => samples.push(Date.now() - occurredAt));
  await side.sendBatch(topic, 0, 1); // connection, registry lookup
  await waitFor(() => samples.length >= 1, 'the warm-up record');
  samples.length = 0;
  const total = RATE * SECONDS;
  let sent = 0;
  const start = performance.now();
  while (sent < total) {
    // Send what is due by now (never more than one request in flight, like an idempotent producer).
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * RATE));
    if (due > sent) {
      const n = due - sent;
      await side.sendBatch(topic, 1 + sent, n);
      sent += n;
    }
    await new Promise((r) => setTimeout(r, TICK_MS));
  }
  await waitFor(() => samples.length >= total, `${total} records on ${topic}`, 120_000).catch(() => {});
  await stop();
  const sorted = [...samples].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  return { sent, received: samples.length, p50: pct(50), p95: pct(95), p99: pct(99), max: sorted[sorted.length - 1] ?? NaN };
}


/**
 * (c) Per record, no network: the runtime's TopicSerde (validate + encode + frame; unframe +
 * decode resolving the writer's schema, fetched once from the registry) beside plain avsc
 * (isValid + toBuffer + frame; fromBuffer through a resolver). Median of rounds, same run,
 * in records per CPU second.
 */
async function serde(rounds = 7, ops = 20_000): Promise<{ encode: number; decode: number; kEnc: number; rEnc: number; kDec: number; rDec: number }> {
  const topic = `bench.rt.serde.${runId}`;
  const serde = new TopicSerde(descriptor(topic), client.registry);
  const at = new Date();
  const values = Array.from({ length: 256 }, (_, i) => defect(i, at));
  const rawValues = values.map(rawValueOf);
  const id = (await serde.encode(values[0])).schemaId;
  const framed = await Promise.all(values.map(async (v) => (await serde.encode(v)).value));
  await serde.decode(framed[0]!); // writer schema fetched and resolved once
  // CPU time of this process, so other processes on the machine (the broker, neighbours) slow neither side.
  const opsPerSec = (fn: (i: number) => unknown) => {
    const t = process.cpuUsage();
    for (let i = 0; i < ops; i++) fn(i & 255);
    const { user, system } = process.cpuUsage(t);
    return (ops / (user + system)) * 1e6;
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const fns = {
    kEnc: (i: number) => serde.encode(values[i]),
    rEnc: (i: number) => rawType.isValid(rawValues[i]) && rawFrame(id, rawType.toBuffer(rawValues[i])),
    kDec: (i: number) => serde.decode(framed[i]!),
    rDec: (i: number) => rawDecode(framed[i]!),
  };
  for (const fn of Object.values(fns)) opsPerSec(fn); // warm-up: optimised code on both sides first
  const runs = { kEnc: [] as number[], rEnc: [] as number[], kDec: [] as number[], rDec: [] as number[] };
  for (let r = 0; r < rounds; r++) for (const [k, fn] of Object.entries(fns)) runs[k as keyof typeof runs].push(opsPerSec(fn));
  const m = { kEnc: median(runs.kEnc), rEnc: median(runs.rEnc), kDec: median(runs.kDec), rDec: median(runs.rDec) };
  return { ...m, encode: m.rEnc / m.kEnc, decode: m.rDec / m.kDec };
}

// ---------------------------------------------------------------- main

await admin.connect();
const kg = kafkagenSide();
const schemaIds = new Map<string, Promise<number>>();
const schemaIdOf = (topic: string) => {
  // The raw side writes under the same subject naming; the id comes from the same registry.
  let p = schemaIds.get(topic);
  if (!p) schemaIds.set(topic, (p = client.registry.idFor(`${topic}-value`, JSON.stringify(DefectDetectedCodec.schema), 'AVRO', [])));
  return p;
};
const raw = rawSide(schemaIdOf);

console.log(`kafkagen runtime bench ${runId}: node ${process.version}, brokers ${brokers.join(',')}, ${PARTITIONS} partitions, idempotent producers (acks all)`);
console.log(`  (a) ${RECORDS} records in batches of ${BATCH}, median of ${ROUNDS} rounds; (b) ${RATE} records/s for ${SECONDS} s in ${TICK_MS} ms ticks; DefectDetected, ${DefectDetectedCodec.encode(defect(0, new Date())).length + 5} bytes a record`);

// Warm-up: JIT, connections and metadata for both sides before anything is timed.
await throughput(kg, 'warm-kg', WARMUP);
await throughput(raw, 'warm-raw', WARMUP);
const rawHeaders = rawSide(schemaIdOf, true);
await throughput(rawHeaders, 'warm-rawh', WARMUP);

// Rounds in rotating order (kafkagen first, then raw first, ...), medians of each side: one
// pass of each measured whatever the machine happened to be doing then (0.6x-0.95x apart).
const rounds: Array<{ k: Throughput; r: Throughput; h: Throughput }> = [];
for (let round = 0; round < ROUNDS; round++) {
  const sides = [
    ['k', kg],
    ['r', raw],
    ['h', rawHeaders],
  ] as const;
  const order = [...sides.slice(round % 3), ...sides.slice(0, round % 3)];
  const result = {} as { k: Throughput; r: Throughput; h: Throughput };
  for (const [key, side] of order) result[key] = await throughput(side, `tput-${key}${round}`, RECORDS);
  rounds.push(result);
}
const medianOf = (pick: (t: { k: Throughput; r: Throughput; h: Throughput }) => number) => [...rounds.map(pick)].sort((a, b) => a - b)[rounds.length >> 1]!;
const medians = (side: 'k' | 'r' | 'h'): Throughput => ({ produced: RECORDS, produceRate: medianOf((t) => t[side].produceRate), pipelineRate: medianOf((t) => t[side].pipelineRate), cpuRate: medianOf((t) => t[side].cpuRate) });
const tk = medians('k');
const tr = medians('r');
const th = medians('h');
const perRound = rounds.map((t) => (t.k.pipelineRate / t.r.pipelineRate).toFixed(2)).join(', ');
const lk = await latency(kg, 'lat-kg');
const lr = await latency(raw, 'lat-raw');
const sd = await serde();

await kg.close();
await raw.close();
await rawHeaders.close();
await admin.disconnect();

const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const rows: string[][] = [
  ['throughput, produce only (records/s)', fmt(tk.produceRate), fmt(tr.produceRate), `${(tk.produceRate / tr.produceRate).toFixed(2)}x`],
  ['throughput, produce+consume (records/s)', fmt(tk.pipelineRate), fmt(tr.pipelineRate), `${(tk.pipelineRate / tr.pipelineRate).toFixed(2)}x`],
  ['  raw kafkajs + the same headers (info)', '', fmt(th.pipelineRate), `${(tk.pipelineRate / th.pipelineRate).toFixed(2)}x`],
  ['throughput per CPU second of this process', fmt(tk.cpuRate), fmt(tr.cpuRate), `${(tk.cpuRate / tr.cpuRate).toFixed(2)}x`],
  [`latency at ${RATE}/s: received / sent`, `${lk.received} / ${lk.sent}`, `${lr.received} / ${lr.sent}`, ''],
  ['latency p50 (ms)', fmt(lk.p50), fmt(lr.p50), `${(lk.p50 / Math.max(1, lr.p50)).toFixed(2)}x`],
  ['latency p95 (ms)', fmt(lk.p95), fmt(lr.p95), `${(lk.p95 / Math.max(1, lr.p95)).toFixed(2)}x`],
  ['latency p99 (ms)', fmt(lk.p99), fmt(lr.p99), `${(lk.p99 / Math.max(1, lr.p99)).toFixed(2)}x`],
  ['latency max (ms)', fmt(lk.max), fmt(lr.max), ''],
  ['serde: validate+encode+frame (records/s)', fmt(sd.kEnc), fmt(sd.rEnc), `${sd.encode.toFixed(2)}x cost`],
  ['serde: unframe+decode+resolve (records/s)', fmt(sd.kDec), fmt(sd.rDec), `${sd.decode.toFixed(2)}x cost`],
];
const header = ['metric', 'kafkagen', 'raw kafkajs/avsc', 'kafkagen/raw'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log('');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
console.log('');
const complete = lk.received >= lk.sent;
const verdict = (ok: boolean, text: string) => console.log(`${ok ? 'PASS' : 'FAIL'}  ${text}`);
const ratio = tk.pipelineRate / tr.pipelineRate;
verdict(ratio >= 0.9, `throughput: kafkagen produce+consume is ${ratio.toFixed(2)}x raw kafkajs, medians of ${ROUNDS} rounds (target >= 0.9x; produce only ${(tk.produceRate / tr.produceRate).toFixed(2)}x; each round: ${perRound})`);
console.log(`info  per CPU second of the client process (producer and consumer both run in it), kafkagen is ${(tk.cpuRate / tr.cpuRate).toFixed(2)}x raw kafkajs; each round: ${rounds.map((t) => (t.k.cpuRate / t.r.cpuRate).toFixed(2)).join(', ')}`);
console.log(`info  raw kafkajs writing kafkagen's six headers runs at ${(th.pipelineRate / tr.pipelineRate).toFixed(2)}x raw kafkajs without them; kafkagen is ${(tk.pipelineRate / th.pipelineRate).toFixed(2)}x that`);
verdict(complete && lk.p99 < 100, `latency: p99 ${fmt(lk.p99)} ms at ${RATE} records/s (target < 100 ms${complete ? '' : `; only ${lk.received} of ${lk.sent} arrived`})`);
verdict(sd.encode <= 1.25, `serde encode: kafkagen costs ${sd.encode.toFixed(2)}x raw avsc per record (target <= 1.25x)`);
verdict(sd.decode <= 1.25, `serde decode: kafkagen costs ${sd.decode.toFixed(2)}x raw avsc per record (target <= 1.25x)`);
verdict(complete && lk.p95 < 100, `seeds' claim: p95 ${fmt(lk.p95)} ms at ${RATE} records/s (claimed < 100 ms)`);
verdict(tk.pipelineRate >= 10_000, `seeds' claim: ${fmt(tk.pipelineRate)} records/s produce+consume, ${fmt(tk.produceRate)} produce only (claimed 10,000 records/s)`);
process.exit(0);
