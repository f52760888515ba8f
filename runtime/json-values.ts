// Plain JSON <-> kafkagen's values, guided by the Avro type: for tools that read events from
// files and print them (kafkagen produce / consume). Dates are ISO strings, longs numbers or
// strings, bytes base64.
import type avro from 'avsc';
import { TYPE_TAG, type AvroCodec } from './avro.js';

/** A JSON value (as a user writes it in a file) -> the value the codec expects. */
export function fromJson(codec: AvroCodec<unknown, unknown>, json: unknown): unknown {
  return walk(codec.type, json, 'in', codec.long);
}

/** A decoded value -> plain JSON (for printing). */
export function toJson(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  return value;
}

function walk(type: avro.Type, v: unknown, dir: 'in', long: 'bigint' | 'number'): unknown {
  const name = type.typeName;
  if (v === null || v === undefined) return v;
  if (name === 'logical:timestamp-millis' || name === 'logical:local-timestamp-millis') return typeof v === 'string' || typeof v === 'number' ? new Date(v) : v;
  if (name === 'abstract:long' || name === 'long' || name === 'logical:timestamp-micros' || name === 'logical:time-micros') {
    if (long === 'bigint' && (typeof v === 'number' || typeof v === 'string')) return BigInt(v);
    return typeof v === 'string' ? Number(v) : v;
  }
  if ((name === 'bytes' || name === 'fixed') && typeof v === 'string') return Buffer.from(v, 'base64');
  if (name === 'array' && Array.isArray(v)) return v.map((x) => walk((type as avro.types.ArrayType).itemsType as avro.Type, x, dir, long));
  if (name === 'map' && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk((type as avro.types.MapType).valuesType as avro.Type, x, dir, long)]));
  if ((name === 'record' || name === 'error') && typeof v === 'object') {
    const out: Record<string, unknown> = { ...(v as object) };
    for (const f of (type as avro.types.RecordType).fields as Array<{ name: string; type: avro.Type }>) {
      if (f.name in out) out[f.name] = walk(f.type, out[f.name], dir, long);
    }
    return out;
  }
  if (name.startsWith('union')) {
    const branches = (type as avro.types.WrappedUnionType).types as avro.Type[];
    const tag = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[TYPE_TAG] : undefined;
    const candidates = branches.filter((b) => b.typeName !== 'null');
    const pick = typeof tag === 'string' ? candidates.find((b) => b.name === tag || b.name?.endsWith(`.${tag}`)) : candidates.length === 1 ? candidates[0] : candidates.find((b) => jsonKinds(b).includes(jsonKindOf(v)));
    return pick ? walk(pick, v, dir, long) : v;
  }
  return v;
}

/** The JSON kinds a user may write for a branch (timestamps as ISO strings or epoch ms). */
function jsonKinds(t: avro.Type): string[] {
  const n = t.typeName;
  if (n === 'record' || n === 'error' || n === 'map') return ['object'];
  if (n === 'array') return ['array'];
  if (n === 'boolean') return ['boolean'];
  if (n === 'int' || n === 'float' || n === 'double' || n === 'logical:time-millis') return ['number'];
  if (n === 'abstract:long' || n === 'long' || n.startsWith('logical:timestamp') || n.startsWith('logical:local-timestamp') || n === 'logical:time-micros') return ['number', 'string'];
  return ['string'];
}

function jsonKindOf(v: unknown): string {
  return Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v;
}
