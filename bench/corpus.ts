// Synthetic schema corpora for the generator benchmark.
//
// writeCorpus(dir, count): a domain shaped like a real one. Half Avro (avro/), half JSON Schema
// (json/). In each half about 10% of the files are shared "common" types, each a file of its
// own: envelopes (event metadata), money, addresses, geo points, enums (country, currency,
// channel, priority). A few commons use another common (an address its country and geo point,
// money its currency, the envelope its channel), so commons are at most two levels deep.
// Every other file is an event that uses 1-3 commons, and one event in four also embeds the
// event before it (a "parent" snapshot, itself not embedding one), so the longest chain of
// files is event -> event -> common -> common: depth 3. Events have nested records/objects
// (lines with an inner record), enums, unions (nullable fields; a union of two records /
// oneOf two objects), arrays, maps, and logical types (uuid, timestamp-millis, date,
// decimal) / formats (uuid, date-time, date, email, uri) and patterns.
// Output therefore grows about linearly with the count, as in a real domain.
//
// writeChainCorpus(dir, depth): the pathological case kept visible on purpose, every schema
// embedding the previous one (a `depth`-long chain per format). Each Avro module embeds its
// self-contained schema (the registry's wire format needs it), so output grows with the
// square of the depth. The bench reports it as information, not against a target.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Deterministic pseudo-random integers (a linear congruential generator): same corpus every run. */
function random(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

/** `k` distinct picks out of `n`, in ascending order. */
function pick(rand: (n: number) => number, n: number, k: number): number[] {
  const out = new Set<number>();
  while (out.size < Math.min(k, n)) out.add(rand(n));
  return [...out].sort((a, b) => a - b);
}

function write(file: string, value: unknown): string {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

const decimal = { type: 'bytes', logicalType: 'decimal', precision: 14, scale: 2 };
const uuid = { type: 'string', logicalType: 'uuid' };
const timestamp = { type: 'long', logicalType: 'timestamp-millis' };

/** Avro commons, by kind; `j` makes names unique. `uses` names the commons it refers to, by kind. */
const AVRO_COMMONS: Array<{ kind: string; uses: string[]; schema: (j: number, ref: (kind: string) => string) => object }> = [
  { kind: 'Country', uses: [], schema: (j) => ({ type: 'enum', name: `Country${j}`, symbols: ['UNKNOWN', 'DE', 'FR', 'GB', 'NL', 'US', 'JP'], default: 'UNKNOWN' }) },
  { kind: 'Currency', uses: [], schema: (j) => ({ type: 'enum', name: `Currency${j}`, symbols: ['EUR', 'USD', 'GBP', 'JPY'] }) },
  { kind: 'Channel', uses: [], schema: (j) => ({ type: 'enum', name: `Channel${j}`, symbols: ['WEB', 'APP', 'STORE', 'PARTNER'] }) },
  { kind: 'GeoPoint', uses: [], schema: (j) => ({ type: 'record', name: `GeoPoint${j}`, fields: [{ name: 'lat', type: 'double' }, { name: 'lon', type: 'double' }] }) },
  {
    kind: 'Money',
    uses: ['Currency'],
    schema: (j, ref) => ({ type: 'record', name: `Money${j}`, doc: 'An amount in a currency.', fields: [{ name: 'amount', type: decimal }, { name: 'currency', type: ref('Currency') }] }),
  },
  {
    kind: 'Address',
    uses: ['Country', 'GeoPoint'],
    schema: (j, ref) => ({
      type: 'record',
      name: `Address${j}`,
      fields: [
        { name: 'lines', type: { type: 'array', items: 'string' } },
        { name: 'city', type: 'string' },
        { name: 'postcode', type: ['null', 'string'], default: null },
        { name: 'country', type: ref('Country') },
        { name: 'geo', type: ['null', ref('GeoPoint')], default: null },
      ],
    }),
  },
  {
    kind: 'Envelope',
    uses: ['Channel'],
    schema: (j, ref) => ({
      type: 'record',
      name: `Envelope${j}`,
      doc: 'Metadata every event carries.',
      fields: [
        { name: 'event_id', type: uuid },
        { name: 'occurred_at', type: timestamp },
        { name: 'correlation_id', type: ['null', 'string'], default: null },
        { name: 'channel', type: ref('Channel') },
        { name: 'headers', type: { type: 'map', values: 'string' }, default: {} },
      ],
    }),
  },
];

const JSON_COMMONS: Array<{ kind: string; uses: string[]; schema: (j: number, ref: (kind: string) => string) => object }> = [
  { kind: 'Country', uses: [], schema: (j) => ({ title: `Country${j}`, type: 'string', enum: ['DE', 'FR', 'GB', 'NL', 'US', 'JP'] }) },
  { kind: 'Currency', uses: [], schema: (j) => ({ title: `Currency${j}`, type: 'string', enum: ['EUR', 'USD', 'GBP', 'JPY'] }) },
  { kind: 'Channel', uses: [], schema: (j) => ({ title: `Channel${j}`, type: 'string', enum: ['web', 'app', 'store', 'partner'] }) },
  { kind: 'GeoPoint', uses: [], schema: (j) => ({ title: `GeoPoint${j}`, type: 'object', required: ['lat', 'lon'], additionalProperties: false, properties: { lat: { type: 'number', minimum: -90, maximum: 90 }, lon: { type: 'number', minimum: -180, maximum: 180 } } }) },
  {
    kind: 'Money',
    uses: ['Currency'],
    schema: (j, ref) => ({ title: `Money${j}`, description: 'An amount in a currency.', type: 'object', required: ['amount', 'currency'], additionalProperties: false, properties: { amount: { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]{1,2})?$' }, currency: { $ref: ref('Currency') } } }),
  },
  {
    kind: 'Address',
    uses: ['Country', 'GeoPoint'],
    schema: (j, ref) => ({
      title: `Address${j}`,
      type: 'object',
      required: ['lines', 'city', 'country'],
      additionalProperties: false,
      properties: {
        lines: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, maxItems: 4 },
        city: { type: 'string' },
        postcode: { type: ['string', 'null'] },
        country: { $ref: ref('Country') },
        geo: { oneOf: [{ $ref: ref('GeoPoint') }, { type: 'null' }] },
      },
    }),
  },
  {
    kind: 'Envelope',
    uses: ['Channel'],
    schema: (j, ref) => ({
      title: `Envelope${j}`,
      description: 'Metadata every event carries.',
      type: 'object',
      required: ['event_id', 'occurred_at', 'channel'],
      additionalProperties: false,
      properties: {
        event_id: { type: 'string', format: 'uuid' },
        occurred_at: { type: 'string', format: 'date-time' },
        correlation_id: { type: ['string', 'null'] },
        channel: { $ref: ref('Channel') },
        headers: { type: 'object', additionalProperties: { type: 'string' } },
      },
    }),
  },
];

/** Common types: `n` of them, cycling through the kinds; a common uses the nearest earlier common of each kind it needs. */
function commons<T extends { kind: string; uses: string[] }>(kinds: T[], n: number): Array<{ index: number; def: T; uses: Map<string, number> }> {
  const out: Array<{ index: number; def: T; uses: Map<string, number> }> = [];
  const latest = new Map<string, number>();
  for (let c = 0; c < n; c++) {
    const def = kinds[c % kinds.length]!;
    out.push({ index: c, def, uses: new Map(def.uses.map((k) => [k, latest.get(k)!])) });
    latest.set(def.kind, c);
  }
  return out;
}

export function writeCorpus(dir: string, count: number): { avro: string[]; json: string[] } {
  rmSync(dir, { recursive: true, force: true });
  for (const sub of ['avro/common', 'avro/events', 'json/common', 'json/events']) mkdirSync(path.join(dir, sub), { recursive: true });
  const avroCount = Math.ceil(count / 2);
  return { avro: writeAvro(dir, avroCount), json: writeJson(dir, count - avroCount) };
}

function commonCount(total: number, kinds: number): number {
  return Math.min(total, Math.max(kinds, Math.round(total / 10)));
}

function writeAvro(dir: string, total: number): string[] {
  const files: string[] = [];
  const shared = commons(AVRO_COMMONS, commonCount(total, AVRO_COMMONS.length));
  const fullName = (c: number): string => `bench.common.${shared[c]!.def.kind}${c}`;
  for (const c of shared) {
    const schema = { namespace: 'bench.common', ...c.def.schema(c.index, (kind) => fullName(c.uses.get(kind)!)) };
    files.push(write(path.join(dir, 'avro/common', `${c.def.kind.toLowerCase()}${c.index}.avsc`), schema));
  }
  const rand = random(0xa5a5);
  const events = total - shared.length;
  for (let i = 0; i < events; i++) {
    const uses = pick(rand, shared.length, 1 + rand(3)).map(fullName);
    const parent = i % 4 === 1 ? [{ name: 'parent', type: ['null', `bench.e${i - 1}.Event${i - 1}`], default: null, doc: 'The event this one follows.' }] : [];
    files.push(write(path.join(dir, 'avro/events', `event${i}.avsc`), {
      type: 'record',
      name: `Event${i}`,
      namespace: `bench.e${i}`,
      doc: `Synthetic event ${i}.`,
      fields: [
        { name: 'id', type: uuid },
        { name: 'at', type: timestamp },
        { name: 'business_date', type: { type: 'int', logicalType: 'date' } },
        { name: 'count', type: 'long', default: 0 },
        { name: 'amount', type: decimal },
        { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'ACTIVE', 'DONE', 'FAILED'], default: 'NEW' } },
        { name: 'tags', type: { type: 'map', values: 'string' }, default: {} },
        { name: 'note', type: ['null', 'string'], default: null },
        { name: 'outcome', type: [{ type: 'record', name: 'Ok', fields: [{ name: 'score', type: 'double' }] }, { type: 'record', name: 'Err', fields: [{ name: 'reason', type: 'string' }, { name: 'retriable', type: 'boolean' }] }] },
        {
          name: 'lines',
          type: {
            type: 'array',
            items: {
              type: 'record',
              name: 'Line',
              fields: [
                { name: 'sku', type: 'string' },
                { name: 'qty', type: 'int' },
                { name: 'attributes', type: { type: 'map', values: ['null', 'string', 'long'] }, default: {} },
                { name: 'dimensions', type: ['null', { type: 'record', name: 'Dimensions', fields: [{ name: 'width_mm', type: 'int' }, { name: 'height_mm', type: 'int' }] }], default: null },
              ],
            },
          },
        },
        ...uses.map((name, k) => ({ name: `${name.slice(name.lastIndexOf('.') + 1).replace(/\d+$/, '').toLowerCase()}_${k}`, type: name })),
        ...parent,
      ],
    }));
  }
  return files;
}

function writeJson(dir: string, total: number): string[] {
  const files: string[] = [];
  const shared = commons(JSON_COMMONS, commonCount(total, JSON_COMMONS.length));
  const file = (c: number): string => `${shared[c]!.def.kind.toLowerCase()}${c}.schema.json`;
  const base = 'https://bench.local/json';
  for (const c of shared) {
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: `${base}/common/${file(c.index)}`, ...c.def.schema(c.index, (kind) => file(c.uses.get(kind)!)) };
    files.push(write(path.join(dir, 'json/common', file(c.index)), schema));
  }
  const rand = random(0x5a5a);
  const events = total - shared.length;
  for (let i = 0; i < events; i++) {
    const uses = pick(rand, shared.length, 1 + rand(3));
    const refs = Object.fromEntries(uses.map((c, k) => [`${shared[c]!.def.kind.toLowerCase()}_${k}`, { $ref: `../common/${file(c)}` }]));
    files.push(write(path.join(dir, 'json/events', `doc${i}.schema.json`), {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `${base}/events/doc${i}.schema.json`,
      title: `Doc${i}`,
      description: `Synthetic document ${i}.`,
      type: 'object',
      additionalProperties: false,
      required: ['id', 'kind', 'created_at', 'lines'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        kind: { enum: ['created', 'updated', 'deleted'] },
        created_at: { type: 'string', format: 'date-time' },
        business_date: { type: 'string', format: 'date' },
        email: { type: ['string', 'null'], format: 'email' },
        link: { type: 'string', format: 'uri' },
        code: { type: 'string', pattern: '^[A-Z]{2}-[0-9]{4,8}$' },
        count: { type: 'integer', minimum: 0 },
        lines: { type: 'array', items: { $ref: '#/$defs/Line' } },
        meta: { type: 'object', additionalProperties: { type: 'string' } },
        outcome: { oneOf: [{ $ref: '#/$defs/Ok' }, { $ref: '#/$defs/Err' }] },
        ...refs,
        ...(i % 4 === 1 ? { parent: { $ref: `doc${i - 1}.schema.json` } } : {}),
      },
      $defs: {
        Line: {
          type: 'object',
          required: ['sku', 'qty'],
          additionalProperties: false,
          properties: {
            sku: { type: 'string', minLength: 1 },
            qty: { type: 'integer', minimum: 0 },
            attributes: { type: 'object', additionalProperties: { type: ['string', 'integer', 'null'] } },
            dimensions: { type: ['object', 'null'], properties: { width_mm: { type: 'integer' }, height_mm: { type: 'integer' } } },
          },
        },
        Ok: { type: 'object', required: ['score'], properties: { score: { type: 'number' } } },
        Err: { type: 'object', required: ['reason'], properties: { reason: { type: 'string' }, retriable: { type: 'boolean' } } },
      },
    }));
  }
  return files;
}

/** `depth` schemas per format, each embedding the previous one (see the top of the file). */
export function writeChainCorpus(dir: string, depth: number): { avro: string[]; json: string[] } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'avro'), { recursive: true });
  mkdirSync(path.join(dir, 'json'), { recursive: true });
  const avro: string[] = [];
  const json: string[] = [];
  for (let i = 0; i < depth; i++) {
    avro.push(write(path.join(dir, 'avro', `link${i}.avsc`), {
      type: 'record',
      name: `Link${i}`,
      namespace: `chain.l${i}`,
      fields: [
        { name: 'id', type: uuid },
        { name: 'at', type: timestamp },
        { name: 'status', type: { type: 'enum', name: `Status${i}`, symbols: ['NEW', 'DONE'] } },
        ...(i > 0 ? [{ name: 'previous', type: ['null', `chain.l${i - 1}.Link${i - 1}`], default: null }] : []),
      ],
    }));
    json.push(write(path.join(dir, 'json', `link${i}.schema.json`), {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `https://chain.local/json/link${i}.schema.json`,
      title: `JsonLink${i}`,
      type: 'object',
      required: ['id'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        kind: { enum: ['a', 'b'] },
        ...(i > 0 ? { previous: { $ref: `link${i - 1}.schema.json` } } : {}),
      },
    }));
  }
  return { avro, json };
}
