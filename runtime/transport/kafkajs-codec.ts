// A faster record codec for kafkajs 2.2.4, installed into kafkajs's own modules.
//
// Why: kafkajs encodes each record, and each of its headers, through a new Encoder that
// zero-fills a 512-byte buffer and writes every varint through a temporary array, and it
// decodes headers by copying the header object once per header. With the headers every
// kafkagen record carries (content type, schema id, event type, produced-at, producer,
// correlation id), that doubled the CPU cost of producing a record (bench/clients.ts: raw kafkajs
// with the same six headers ran at ~0.5x of raw kafkajs without them).
//
// What: the encoder writes a record in one exactly sized buffer, byte for byte what kafkajs
// writes (test/unit/runtime/kafkajs-codec.test.ts compares them on generated records). It is
// used for kafkagen's own records only (marked with KAFKAGEN_RECORD): other kafkajs producers in
// the same process keep kafkajs's encoder. The decoder cannot tell whose records it reads, so it
// replaces kafkajs's for every consumer in the process; it returns what kafkajs's returns
// (compared the same way), except that a header named like an Object.prototype member
// ("constructor", "toString") is read as its own value, where kafkajs returned [function, value].
//
// How: kafkajs is unmaintained (2.2.4 is its last release, pinned in package.json), so its
// internals no longer move. kafkajs binds these two modules when it first encodes a Produce
// request and first decodes a Fetch response; the exports are swapped before that, when the
// transport module loads. Any other kafkajs version, or kafkajs already past that point, keeps
// kafkajs's own codec (slower, same bytes).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Marks a message object as kafkagen's: its record takes the fast encoder. */
export const KAFKAGEN_RECORD = Symbol.for('kafkagen.record');
/** Marks the installed functions: a second copy of this module (test isolation, two bundles) sees them. */
const INSTALLED = Symbol.for('kafkagen.kafkajs-codec');

const SUPPORTED_VERSION = '2.2.4';
const RECORD = 'kafkajs/src/protocol/recordBatch/record/v0/index.js';
const RECORD_DECODER = 'kafkajs/src/protocol/recordBatch/record/v0/decoder.js';
/** The modules that bind RECORD and RECORD_DECODER when they load (every Produce and Fetch version kafkajs speaks uses these). */
const PRODUCE_REQUEST = 'kafkajs/src/protocol/requests/produce/v3/request.js';
const BATCH_DECODER = 'kafkajs/src/protocol/recordBatch/v0/decoder.js';
const ENCODER = 'kafkajs/src/protocol/encoder.js';
const LONG = 'kafkajs/src/utils/long.js';
const LOG_APPEND_TIME = 1; // kafkajs/src/protocol/timestampTypes.js

// ------------------------------------------------------------------ encoding

export interface RecordArgs {
  offsetDelta?: number;
  timestampDelta?: number;
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  headers?: Record<string, unknown>;
  [KAFKAGEN_RECORD]?: true;
}

/** Bytes of an unsigned varint (LEB128) for 0 <= n < 2^53. */
function uvarintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function writeUVarint(buf: Buffer, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
}

/** Zigzag, in doubles: exact for |n| < 2^52, which the callers check. */
const zigzag = (n: number): number => (n >= 0 ? n * 2 : -n * 2 - 1);

const byteLength = (v: Buffer | string): number => (typeof v === 'string' ? Buffer.byteLength(v) : v.length);

/** key/value as kafkajs's writeVarIntBytes takes them: null/undefined, a Buffer, or text. */
function bytesSize(v: Buffer | string | null | undefined): number {
  if (v === null || v === undefined) return 1; // varint -1
  const n = byteLength(v);
  return uvarintSize(n * 2) + n;
}

function writeBytes(buf: Buffer, pos: number, v: Buffer | string | null | undefined): number {
  if (v === null || v === undefined) {
    buf[pos] = 1; // zigzag(-1)
    return pos + 1;
  }
  if (typeof v === 'string') {
    const n = Buffer.byteLength(v);
    pos = writeUVarint(buf, pos, n * 2);
    return pos + buf.write(v, pos, n, 'utf8');
  }
  pos = writeUVarint(buf, pos, v.length * 2);
  return pos + v.copy(buf, pos);
}

/**
 * One record (Kafka record format v2) in one buffer, or undefined for what the fast path does
 * not take (kafkajs's encoder then writes it): header values that are not text, deltas that
 * are not small integers, keys or values that are neither bytes nor text.
 */
export function encodeRecord({ offsetDelta = 0, timestampDelta = 0, key, value, headers = {} }: RecordArgs): Buffer | undefined {
  if (!Number.isSafeInteger(offsetDelta) || offsetDelta < 0 || !Number.isSafeInteger(timestampDelta) || Math.abs(timestampDelta) >= 2 ** 51) return undefined;
  if (!isBytes(key) || !isBytes(value)) return undefined;
  let headerCount = 0;
  let headerSize = 0;
  for (const k in headers) {
    const v = headers[k];
    if (typeof v !== 'string') return undefined;
    const kn = Buffer.byteLength(k);
    const vn = Buffer.byteLength(v);
    headerSize += uvarintSize(kn * 2) + kn + uvarintSize(vn * 2) + vn;
    headerCount++;
  }
  const body = 1 + uvarintSize(zigzag(timestampDelta)) + uvarintSize(offsetDelta * 2) + bytesSize(key) + bytesSize(value) + uvarintSize(headerCount * 2) + headerSize;
  const buf = Buffer.allocUnsafe(uvarintSize(body * 2) + body);
  let pos = writeUVarint(buf, 0, body * 2);
  buf[pos++] = 0; // attributes: none at record level
  pos = writeUVarint(buf, pos, zigzag(timestampDelta));
  pos = writeUVarint(buf, pos, offsetDelta * 2);
  pos = writeBytes(buf, pos, key);
  pos = writeBytes(buf, pos, value);
  pos = writeUVarint(buf, pos, headerCount * 2);
  for (const k in headers) {
    pos = writeBytes(buf, pos, k);
    pos = writeBytes(buf, pos, headers[k] as string);
  }
  return buf;
}

function isBytes(v: unknown): v is Buffer | string | null | undefined {
  return v === null || v === undefined || typeof v === 'string' || Buffer.isBuffer(v);
}

// ------------------------------------------------------------------ decoding

export interface KafkajsDecoder {
  buffer: Buffer;
  offset: number;
}

export interface BatchContext {
  firstOffset: string;
  firstTimestamp: string;
  magicByte?: number;
  isControlBatch?: boolean;
  timestampType?: number;
  maxTimestamp?: string;
}

interface LongLike {
  add(n: unknown): { toString(): string };
}
export interface LongStatic {
  fromValue(v: unknown): LongLike;
}

/** kafkajs's record decoder, with numbers where they are exact and one pass over the headers. */
export function recordDecoder(Long: LongStatic) {
  // The base offset and timestamp of the batch in hand, parsed once (they are int64 text).
  let context: BatchContext | undefined;
  let firstOffset = 0;
  let firstTimestamp = 0;
  const plus = (baseText: string, base: number, delta: number | bigint): string => {
    if (typeof delta === 'number' && Number.isSafeInteger(base)) {
      const sum = base + delta;
      if (Number.isSafeInteger(sum)) return String(sum);
    }
    return Long.fromValue(baseText).add(Long.fromValue(String(delta))).toString();
  };

  return (decoder: KafkajsDecoder, batchContext: BatchContext = {} as BatchContext) => {
    if (batchContext !== context) {
      context = batchContext;
      firstOffset = Number(batchContext.firstOffset);
      firstTimestamp = Number(batchContext.firstTimestamp);
    }
    const buf = decoder.buffer;
    let pos = decoder.offset;
    // Signed zigzag varints: numbers while they are exact, bigint beyond.
    const varint = (): number | bigint => {
      let result = 0;
      let scale = 1;
      let byte: number;
      let i = 0;
      do {
        byte = buf[pos++]!;
        if (i === 7) {
          // More than 49 bits: finish in bigint.
          let big = BigInt(result);
          let shift = 49n;
          pos--;
          do {
            byte = buf[pos++]!;
            big += BigInt(byte & 0x7f) << shift;
            shift += 7n;
          } while (byte >= 0x80 && shift < 70n);
          return BigInt.asIntN(64, (big >> 1n) ^ -(big & 1n));
        }
        result += (byte & 0x7f) * scale;
        scale *= 128;
        i++;
      } while (byte >= 0x80);
      return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
    };
    const bytes = (): Buffer | null => {
      const n = varint() as number;
      if (n === -1) return null;
      const b = buf.subarray(pos, pos + n);
      pos += n;
      return b;
    };

    const attributes = buf.readInt8(pos++);
    const timestampDelta = varint();
    const { magicByte, isControlBatch = false, timestampType, maxTimestamp } = batchContext;
    const timestamp = timestampType === LOG_APPEND_TIME && maxTimestamp ? maxTimestamp : plus(batchContext.firstTimestamp, firstTimestamp, timestampDelta);
    const offset = plus(batchContext.firstOffset, firstOffset, varint());
    const key = bytes();
    const value = bytes();
    const count = varint() as number;
    const headers: Record<string, Buffer | null | Array<Buffer | null>> = {};
    for (let i = 0; i < count; i++) {
      const k = bytes();
      const name = k === null ? 'null' : k.toString('utf8');
      const v = bytes();
      const prev = headers[name];
      if (prev === undefined || !Object.hasOwn(headers, name)) {
        // '__proto__' as a name must not set the prototype (kafkajs made an own property of it too).
        if (name === '__proto__') Object.defineProperty(headers, name, { value: v, writable: true, enumerable: true, configurable: true });
        else headers[name] = v;
      } else headers[name] = Array.isArray(prev) ? prev.concat([v]) : [prev, v];
    }
    decoder.offset = pos;
    return { magicByte, attributes, timestamp, offset, key, value, headers, isControlRecord: isControlBatch, batchContext };
  };
}

// ------------------------------------------------------------------ installing

/** Which halves took: each needs kafkajs 2.2.4 and kafkajs not yet past binding it. */
export interface CodecState {
  encoder: boolean;
  decoder: boolean;
}

let state: CodecState | undefined;

/** Puts the fast codec into kafkajs's module cache (once). */
export function installKafkajsCodec(): CodecState {
  if (state) return state;
  if ((require('kafkajs/package.json') as { version: string }).version !== SUPPORTED_VERSION) return (state = { encoder: false, decoder: false });
  const unbound = (binder: string) => require.cache[require.resolve(binder)] === undefined;
  const cached = (path: string) => {
    const resolved = require.resolve(path);
    if (!require.cache[resolved]) require(resolved);
    return require.cache[resolved]!;
  };
  const installed = (path: string) => (require.cache[require.resolve(path)]?.exports as { [INSTALLED]?: true } | undefined)?.[INSTALLED] === true;
  state = { encoder: installed(RECORD) || unbound(PRODUCE_REQUEST), decoder: installed(RECORD_DECODER) || unbound(BATCH_DECODER) };
  if (state.encoder && !installed(RECORD)) {
    const Encoder = require(ENCODER) as { prototype: object };
    const record = cached(RECORD);
    const kafkajsRecord = record.exports as (args: RecordArgs) => unknown;
    record.exports = Object.assign(
      (args: RecordArgs) => {
        const buf = args[KAFKAGEN_RECORD] ? encodeRecord(args) : undefined;
        if (buf === undefined) return kafkajsRecord(args);
        // kafkajs takes an Encoder (it reads .buf and .buffer): one over the finished bytes.
        return Object.assign(Object.create(Encoder.prototype), { buf, offset: buf.length });
      },
      { [INSTALLED]: true },
    );
  }
  if (state.decoder && !installed(RECORD_DECODER)) cached(RECORD_DECODER).exports = Object.assign(recordDecoder(require(LONG) as LongStatic), { [INSTALLED]: true });
  return state;
}
