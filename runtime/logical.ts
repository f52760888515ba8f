// Avro logical types as kafkagen represents them in TypeScript. The generator's type
// mapping (generator/emit/avro-types.ts) must stay in step with this file:
//
//   timestamp-millis, local-timestamp-millis  -> Date
//   date                                      -> string 'YYYY-MM-DD'
//   uuid                                      -> string (RFC 4122 text form)
//   decimal (bytes or fixed)                  -> string, e.g. '-12.3400' (exact, never a float)
//   timestamp-micros, time-micros             -> typed like `long` (bigint by default)
//   time-millis                               -> number (int)
//
// Micros and time-millis need no class: avsc reads their underlying long/int as is.
import { randomUUID } from 'node:crypto';
import avro from 'avsc';

type LongMode = 'bigint' | 'number';

const MS_PER_DAY = 86_400_000;
const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DECIMAL_PATTERN = /^(-?)(\d+)(?:\.(\d+))?$/;

/** The logical-type classes for one `long` mode, keyed by Avro logicalType name. */
export function logicalTypes(long: LongMode): Record<string, new (schema: avro.Schema, opts?: unknown) => avro.types.LogicalType> {
  const toLong = long === 'bigint' ? (n: number) => BigInt(n) : (n: number) => n;

  class TimestampMillis extends avro.types.LogicalType {
    // Over kafkagen's long: Date <-> varint directly, no bigint (same bytes, same answers).
    private readonly direct = this.underlyingType.typeName === 'abstract:long';
    _fromValue(v: unknown): Date {
      return new Date(Number(v));
    }
    _toValue(d: unknown): unknown {
      return d instanceof Date && !Number.isNaN(d.getTime()) ? toLong(d.getTime()) : undefined;
    }
    _write(tap: Tap, d: unknown): void {
      const ms = d instanceof Date ? d.getTime() : NaN;
      if (this.direct && Math.abs(ms) <= 2 ** 52) tap.writeLong(ms); // avsc's writeLong is exact to ±2^52
      else (this.underlyingType as Any)._write(tap, this._toValue(d));
    }
    _read(tap: Tap): Date {
      if (this.direct) {
        const p = tap.pos;
        const ms = tap.readLong();
        if (tap.pos - p <= 7) return new Date(ms); // exact up to 7 bytes (49 bits)
        tap.pos = p;
      }
      return this._fromValue((this.underlyingType as Any)._read(tap));
    }
    _resolve(writer: avro.Type): ((v: unknown) => Date) | undefined {
      if (isLongLike(writer) || writer.typeName === this.typeName) return (v) => (v instanceof Date ? v : new Date(Number(v)));
      return undefined;
    }
  }

  class DateType extends avro.types.LogicalType {
    _fromValue(days: unknown): string {
      return new Date(Number(days) * MS_PER_DAY).toISOString().slice(0, 10);
    }
    _toValue(s: unknown): number | undefined {
      if (typeof s !== 'string') return undefined;
      const m = DATE_PATTERN.exec(s);
      if (!m) return undefined;
      const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
      // Reject 2024-02-31 and friends: the round trip must give the same text back.
      if (new Date(ms).toISOString().slice(0, 10) !== s) return undefined;
      return ms / MS_PER_DAY;
    }
    _resolve(writer: avro.Type): ((v: unknown) => string) | undefined {
      if (writer.typeName === 'int') return (v) => this._fromValue(v);
      if (writer.typeName === this.typeName) return (v) => v as string;
      return undefined;
    }
  }

  class Uuid extends avro.types.LogicalType {
    _fromValue(v: unknown): string {
      return v as string;
    }
    _toValue(v: unknown): string | undefined {
      return typeof v === 'string' && UUID_PATTERN.test(v) ? v : undefined;
    }
    _resolve(writer: avro.Type): ((v: unknown) => string) | undefined {
      if (writer.typeName === 'string' || writer.typeName === this.typeName) return (v) => v as string;
      return undefined;
    }
    // avsc's default would be a random string; tests rely on random() being valid.
    random(): never {
      return randomUUID() as never;
    }
  }

  class Decimal extends avro.types.LogicalType {
    readonly precision: number;
    readonly scale: number;
    readonly fixedSize: number | undefined;
    constructor(schema: avro.Schema, opts?: unknown) {
      super(schema, opts);
      const attrs = schema as { precision?: unknown; scale?: unknown; size?: unknown };
      const precision = attrs.precision;
      const scale = attrs.scale ?? 0;
      // An invalid decimal falls back to its underlying type, as the Avro spec requires.
      if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 1) {
        throw new Error('decimal: precision must be a positive integer');
      }
      if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision) {
        throw new Error('decimal: scale must be an integer between 0 and precision');
      }
      this.precision = precision;
      this.scale = scale;
      this.fixedSize = typeof attrs.size === 'number' ? attrs.size : undefined;
    }
    _fromValue(buf: unknown): string {
      return formatDecimal(readTwosComplement(buf as Buffer), this.scale);
    }
    _toValue(s: unknown): Buffer | undefined {
      if (typeof s !== 'string') return undefined;
      const unscaled = parseDecimal(s, this.precision, this.scale);
      if (unscaled === undefined) return undefined;
      return writeTwosComplement(unscaled, this.fixedSize);
    }
    _resolve(writer: avro.Type): ((v: unknown) => string) | undefined {
      const w = writer as unknown as Decimal;
      if (writer.typeName === this.typeName && w.scale === this.scale) return (v) => v as string;
      return undefined;
    }
    random(): never {
      const digits = Math.max(1, Math.floor(Math.random() * this.precision) + 1);
      let text = '';
      for (let i = 0; i < digits; i++) text += Math.floor(Math.random() * 10);
      const unscaled = BigInt(text) * (Math.random() < 0.5 ? -1n : 1n);
      return formatDecimal(unscaled, this.scale) as never;
    }
    _export(schema: avro.Schema): void {
      const attrs = schema as Record<string, unknown>;
      attrs.precision = this.precision;
      attrs.scale = this.scale;
    }
  }

  return {
    'timestamp-millis': TimestampMillis,
    'local-timestamp-millis': TimestampMillis,
    date: DateType,
    uuid: Uuid,
    decimal: Decimal,
  };
}

export type Any = avro.Type & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** avsc's encoding tap (not in its typings). */
export type Tap = { buf: Buffer; pos: number; readLong(): number; writeLong(n: number): void };

function isLongLike(t: avro.Type): boolean {
  return t.typeName === 'long' || t.typeName === 'abstract:long' || t.typeName === 'int';
}

/** Parses '12.34' into its unscaled integer at `scale`, or undefined when it does not fit. */
export function parseDecimal(text: string, precision: number, scale: number): bigint | undefined {
  const m = DECIMAL_PATTERN.exec(text);
  if (!m) return undefined;
  const fraction = m[3] ?? '';
  if (fraction.length > scale) return undefined; // would lose digits: refuse rather than round
  const digits = (m[2] + fraction.padEnd(scale, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > precision) return undefined;
  const unscaled = BigInt(digits);
  return m[1] === '-' ? -unscaled : unscaled;
}

export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

function readTwosComplement(buf: Buffer): bigint {
  if (buf.length === 0) return 0n;
  let n = 0n;
  for (const byte of buf) n = (n << 8n) | BigInt(byte);
  return buf[0]! & 0x80 ? n - (1n << BigInt(buf.length * 8)) : n;
}

function writeTwosComplement(n: bigint, size: number | undefined): Buffer | undefined {
  // Minimal big-endian two's complement for bytes; sign-extended to `size` for fixed.
  let length = 1;
  while (n < -(1n << BigInt(length * 8 - 1)) || n >= 1n << BigInt(length * 8 - 1)) length++;
  if (size !== undefined) {
    if (length > size) return undefined;
    length = size;
  }
  const buf = Buffer.alloc(length);
  let v = n < 0n ? (1n << BigInt(length * 8)) + n : n;
  for (let i = length - 1; i >= 0; i--) {
    buf[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return buf;
}
