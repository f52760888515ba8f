// Serde speed (no network): per record, Avro validate + encode + Confluent framing, and
// unframing + decode with schema resolution (writer schema != reader object, as after a
// registry lookup), through the runtime's codecs, beside plain avsc doing the same work in
// the same run. Figures are ratios to that baseline because these machines are noisy, and
// are CPU time of this process (process.cpuUsage), not wall time: other processes on a shared
// machine then slow neither side.
// Target (issue #4): the runtime costs at most 1.25x raw avsc.
//   node --import tsx bench/serde.ts [rounds] [opsPerRound]
import { randomUUID } from 'node:crypto';
import avro from 'avsc';
import { DefectDetectedCodec, type DefectDetectedInput } from '../generated/chipquality/inspection.js';
import { chipqualityInspectionEventsTopic } from '../generated/topics/chipquality-inspection-events.js';
import { type AvroCodec, createAvroType } from '../runtime/avro.js';
import type { TopicDescriptor } from '../runtime/descriptor.js';
import { RegistryClient } from '../runtime/registry.js';
import { frame, TopicSerde, unframe } from '../runtime/serde.js';

const ROUNDS = Number(process.argv[2] ?? 7);
const OPS = Number(process.argv[3] ?? 50_000);
const POOL = 256; // distinct records, cycled, so no single object stays hot
const SCHEMA_ID = 42;
const TARGET = 1.25;

// ---------------------------------------------------------------- records

function defect(i: number): DefectDetectedInput {
  return {
    metadata: {
      event_id: randomUUID(),
      occurred_at: new Date(1_735_000_000_000 + i * 137),
      correlation_id: `req-${(i * 7919).toString(16)}`,
      causation_id: i % 3 === 0 ? randomUUID() : null,
      source: 'inspection-svc',
      schema_version: 1,
      headers: { traceparent: `00-${randomUUID().replace(/-/g, '')}-00f067aa0ba902b7-01` },
    },
    inspection_id: `INS-${String(i).padStart(6, '0')}`,
    defect_id: randomUUID(),
    chip: { chip_id: `CHIP-${i % 977}`, wafer_id: `W-2024-0042-${String(i % 25).padStart(2, '0')}`, lot_id: 'LOT-2024-0042', die_x: i % 41, die_y: (i * 3) % 37 },
    defect_class: (['SCRATCH', 'PARTICLE', 'VOID', 'CRACK', 'BRIDGING'] as const)[i % 5]!,
    severity: (['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const)[i % 4]!,
    confidence: 0.5 + (i % 50) / 100,
    bounding_box: { x_um: 10 + (i % 90), y_um: 20 + (i % 80), width_um: 3.5, height_um: 2.25 },
    area_um2: 7.875 + i,
    detected_by: 'MODEL',
    model_version: i % 2 === 0 ? 'defect-cls-3.2.1' : null,
    image_uri: `s3://fab-images/inspections/INS-${i}/defect.png`,
    thumbnail: Buffer.alloc(48 + (i % 32), i & 0xff),
  };
}

// A small flat record: every primitive once, one long, no unions or logical types.
const flatSchema = {
  type: 'record',
  name: 'com.bench.Reading',
  fields: [
    { name: 'sensor_id', type: 'string' },
    { name: 'seq', type: 'long' },
    { name: 'value', type: 'double' },
    { name: 'channel', type: 'int' },
    { name: 'ok', type: 'boolean' },
  ],
};
const flatCodec = createAvroType<Record<string, unknown>>(flatSchema);
const flat = (i: number) => ({ sensor_id: `sensor-${i % 64}`, seq: BigInt(1_000_000 + i), value: 20 + i / 100, channel: i % 8, ok: i % 10 !== 0 });

// ---------------------------------------------------------------- the two sides

interface Side {
  encode(i: number): Buffer;
  decode(buf: Buffer): unknown;
}

interface Case {
  name: string;
  bytes: number;
  kafkagen: Side;
  raw: Side;
  /** Informational: the runtime's whole per-record path (TopicSerde, registry cached). */
  serde?: { encode(i: number): unknown; decode(buf: Buffer): unknown };
}

function kafkagenSide(codec: AvroCodec<unknown, unknown>, values: unknown[]): Side {
  // The writer codec is a second object built from the same schema, as the runtime builds
  // one per schema id read off the wire: decoding goes through a resolver.
  const writer = createAvroType(codec.schema, { long: codec.long });
  return {
    // encode validates: its write checks every value, and an invalid one throws with every
    // path (codec.validate), as TopicSerde.encode relies on.
    encode: (i) => frame(SCHEMA_ID, codec.encode(values[i % POOL])),
    decode(buf) {
      const { payload } = unframe(buf);
      return codec.decode(payload, writer);
    },
  };
}

function rawSide(schema: unknown, values: unknown[]): Side {
  const type = avro.Type.forSchema(schema as avro.Schema);
  const writer = avro.Type.forSchema(schema as avro.Schema);
  const resolver = type.createResolver(writer);
  return {
    encode(i) {
      const value = values[i % POOL];
      if (!type.isValid(value)) throw new Error('invalid bench record');
      const payload = type.toBuffer(value);
      const out = Buffer.allocUnsafe(5 + payload.length);
      out[0] = 0;
      out.writeUInt32BE(SCHEMA_ID, 1);
      payload.copy(out, 5);
      return out;
    },
    decode(buf) {
      if (buf.length < 5 || buf[0] !== 0) throw new Error('not Confluent wire format');
      buf.readUInt32BE(1);
      return type.fromBuffer(buf.subarray(5), resolver);
    },
  };
}

/** A registry that answers from memory: the runtime's caches are warm after the first record. */
function memoryRegistry(schema: unknown): RegistryClient {
  const fakeFetch = (async (url: string | URL) => {
    const u = String(url);
    const body = u.includes('/schemas/ids/') ? { schema: JSON.stringify(schema) } : { id: SCHEMA_ID };
    return new Response(JSON.stringify(body), { status: 200 });
  }) as typeof fetch;
  return new RegistryClient({ url: 'http://registry.invalid' }, fakeFetch);
}

function makeCase(name: string, codec: AvroCodec<unknown, unknown>, kafkagenValues: unknown[], descriptor?: TopicDescriptor): Case {
  const schema = codec.schema;
  const rawType = avro.Type.forSchema(schema as avro.Schema);
  // Raw avsc gets the equivalent plain values (numbers for longs and timestamps): the same
  // bytes decoded by plain avsc.
  const rawValues = kafkagenValues.map((v) => rawType.fromBuffer(codec.encode(v)));
  const kafkagen = kafkagenSide(codec, kafkagenValues);
  const raw = rawSide(schema, rawValues);
  for (let i = 0; i < POOL; i++) {
    const a = kafkagen.encode(i);
    const b = raw.encode(i);
    if (!a.equals(b)) throw new Error(`${name}: kafkagen and raw avsc bytes differ for record ${i}`);
  }
  let serde: Case['serde'];
  if (descriptor) {
    const s = new TopicSerde(descriptor, memoryRegistry(schema));
    // Synchronous once the schema id and writer schema are cached, as the producer and consumer use it.
    serde = { encode: (i) => s.encode(kafkagenValues[i % POOL]), decode: (buf) => s.decode(buf) };
  }
  return { name, bytes: kafkagen.encode(0).length, kafkagen, raw, serde };
}

// ---------------------------------------------------------------- timing

let sink = 0; // keeps results alive so nothing is optimised away

/** Records per CPU second of this process. */
function opsPerSec(fn: (i: number) => unknown): number {
  const start = process.cpuUsage();
  for (let i = 0; i < OPS; i++) {
    const r = fn(i);
    if (r !== undefined) sink++;
  }
  const { user, system } = process.cpuUsage(start);
  return (OPS / (user + system)) * 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Row {
  case: string;
  op: string;
  kafkagen: number;
  raw: number;
  /** kafkagen time per record / raw avsc time per record. */
  cost: number;
  costRange: [number, number];
}

async function run(c: Case): Promise<Row[]> {
  const encodedK = Array.from({ length: POOL }, (_, i) => c.kafkagen.encode(i));
  const encodedR = Array.from({ length: POOL }, (_, i) => c.raw.encode(i));
  const ops = {
    encode: { k: (i: number) => c.kafkagen.encode(i), r: (i: number) => c.raw.encode(i) },
    decode: { k: (i: number) => c.kafkagen.decode(encodedK[i % POOL]!), r: (i: number) => c.raw.decode(encodedR[i % POOL]!) },
  };
  const rows: Row[] = [];
  for (const [op, { k, r }] of Object.entries(ops)) {
    // Warm-up: let both sides reach optimised code before anything is timed.
    opsPerSec(k);
    opsPerSec(r);
    const ks: number[] = [];
    const rs: number[] = [];
    const costs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order so drift (thermal, neighbours) hits both sides alike.
      const [a, b] = round % 2 === 0 ? [opsPerSec(k), opsPerSec(r)] : [opsPerSec(r), opsPerSec(k)].reverse();
      ks.push(a!);
      rs.push(b!);
      costs.push(b! / a!);
    }
    rows.push({ case: c.name, op, kafkagen: median(ks), raw: median(rs), cost: median(costs), costRange: [Math.min(...costs), Math.max(...costs)] });
  }
  if (c.serde) {
    const s = c.serde;
    const encodedS = await Promise.all(Array.from({ length: POOL }, async (_, i) => ((await s.encode(i)) as { value: Buffer }).value));
    await s.decode(encodedS[0]!); // the writer's schema, fetched once
    for (const [op, fn, rawFn] of [
      ['encode (TopicSerde)', (i: number) => s.encode(i), ops.encode.r],
      ['decode (TopicSerde)', (i: number) => s.decode(encodedS[i % POOL]!), ops.decode.r],
    ] as const) {
      opsPerSec(fn);
      const ks: number[] = [];
      const rs: number[] = [];
      const costs: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const [a, b] = round % 2 === 0 ? [opsPerSec(fn), opsPerSec(rawFn)] : [opsPerSec(rawFn), opsPerSec(fn)].reverse();
        ks.push(a);
        rs.push(b);
        costs.push(b / a);
      }
      rows.push({ case: c.name, op, kafkagen: median(ks), raw: median(rs), cost: median(costs), costRange: [Math.min(...costs), Math.max(...costs)] });
    }
  }
  return rows;
}

// ---------------------------------------------------------------- main

const defectValues = Array.from({ length: POOL }, (_, i) => defect(i));
const defectDescriptor: TopicDescriptor = {
  ...chipqualityInspectionEventsTopic,
  // One event type under its own subject (RecordNameStrategy-like): no union, no references.
  events: chipqualityInspectionEventsTopic.events.filter((e) => e.name === 'DefectDetected').map((e) => ({ ...e, schema: JSON.stringify(DefectDetectedCodec.schema), references: [] })),
  union: undefined,
};
const flatDescriptor: TopicDescriptor = {
  ...defectDescriptor,
  events: [{ name: 'Reading', recordName: 'com.bench.Reading', subject: 'bench-reading-value', schema: JSON.stringify(flatSchema), references: [], codec: flatCodec as AvroCodec<unknown, unknown> }],
};
const cases = [
  makeCase('DefectDetected', DefectDetectedCodec as AvroCodec<unknown, unknown>, defectValues, defectDescriptor),
  makeCase('flat Reading', flatCodec as AvroCodec<unknown, unknown>, Array.from({ length: POOL }, (_, i) => flat(i)), flatDescriptor),
];

console.log(`kafkagen serde bench: node ${process.version}, ${ROUNDS} rounds x ${OPS} records per side, median (min-max cost over rounds)`);
const rows: Row[] = [];
for (const c of cases) rows.push(...(await run(c)));

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const header = ['record', 'bytes', 'operation', 'kafkagen ops/s', 'raw avsc ops/s', 'cost kafkagen/raw', 'range'];
const table = rows.map((r) => [r.case, String(cases.find((c) => c.name === r.case)!.bytes), r.op, fmt(r.kafkagen), fmt(r.raw), `${r.cost.toFixed(2)}x`, `${r.costRange[0].toFixed(2)}-${r.costRange[1].toFixed(2)}`]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const t of table) console.log(line(t));
console.log('');
for (const r of rows) {
  const informational = r.op.includes('TopicSerde');
  const ok = r.cost <= TARGET;
  console.log(`${informational ? 'info' : ok ? 'PASS' : 'FAIL'}  ${r.case} ${r.op}: kafkagen costs ${r.cost.toFixed(2)}x raw avsc (target <= ${TARGET}x${informational ? ', whole per-record path, for information' : ''})`);
}
if (sink < 0) console.log(sink);
