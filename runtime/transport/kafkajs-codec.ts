// A faster record codec for kafkajs 2.2.4, installed into kafkajs's own modules.
//
// Why: kafkajs encodes each record, and each of its headers, through a new Encoder that
// zero-fills a 512-byte buffer and writes every varint through a temporary array, then copies
// the records again at each level of the Produce request (batch, partition, topic, request);
// and it decodes headers by copying the header object once per header. With the headers every
// kafkagen record carries (content type, schema id, event type, produced-at, producer,
// correlation id), that doubled the CPU cost of producing a record (bench/clients.ts: raw
// kafkajs with the same six headers ran at ~0.5x of raw kafkajs without them).
//
// What: Produce requests made of kafkagen's records (marked with KAFKAGEN_RECORD) are written
// in one pass, each record in one exactly sized buffer, byte for byte what kafkajs writes
// (test/unit/runtime/kafkajs-codec.test.ts compares whole requests, compressed or not, on
// generated records). Other kafkajs producers in the same process keep kafkajs's encoder. The
// record decoder cannot tell whose records it reads, so it replaces kafkajs's for every
// consumer in the process; it returns what kafkajs's returns (compared the same way), except
// that a header named like an Object.prototype member ("constructor", "toString") is read as its
// own value, where kafkajs returned [function, value].
//
// How: kafkajs is unmaintained (2.2.4 is its last release, pinned in package.json), so its
// internals no longer move. kafkajs binds these modules when it first encodes a Produce request
// and first decodes a Fetch response; the exports are swapped before that, when the transport
// module loads. Any other kafkajs version, or kafkajs already past that point, keeps kafkajs's
// own codec (slower, same bytes).
import { createRequire } from 'node:module';
import { textOf } from '../text.js';

const require = createRequire(import.meta.url);

/** Marks a message object as kafkagen's: its record takes the fast encoder. */
export const KAFKAGEN_RECORD = Symbol.for('kafkagen.record');
/** Marks the installed functions: a second copy of this module (test isolation, two bundles) sees them. */
const INSTALLED = Symbol.for('kafkagen.kafkajs-codec');

/** The kafkajs whose internals this file knows; any other keeps kafkajs's own code throughout. */
const SUPPORTED = (require('kafkajs/package.json') as { version: string }).version === '2.2.4';
const PRODUCE_V3 = 'kafkajs/src/protocol/requests/produce/v3/request.js';
const RECORD_DECODER = 'kafkajs/src/protocol/recordBatch/record/v0/decoder.js';
/** The modules that bind PRODUCE_V3 and RECORD_DECODER when they load (every Produce version from 3 and every Fetch version from 4 goes through these). */
const PRODUCE_BINDERS = [4, 5, 6, 7].map((v) => `kafkajs/src/protocol/requests/produce/v${v}/request.js`);
const BATCH_DECODER = 'kafkajs/src/protocol/recordBatch/v0/decoder.js';
const COMPRESSION = 'kafkajs/src/protocol/message/compression/index.js';
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
    return writeText(buf, pos, v, n);
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
  if (!isBytes(key) || !isBytes(value) || typeof headers !== 'object' || headers === null) return undefined;
  const names = Object.keys(headers); // own names only, as kafkajs takes them
  let headerCount = 0;
  let headerSize = 0;
  for (const k of names) {
    const v = headers[k];
    if (typeof v !== 'string' || headerCount === MAX_HEADERS) return undefined;
    const kn = nameBytes(k).length;
    const vn = (lengths[headerCount] = Buffer.byteLength(v));
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
  let i = 0;
  for (const k of names) {
    const name = nameBytes(k);
    pos = writeUVarint(buf, pos, name.length * 2);
    for (let j = 0; j < name.length; j++) buf[pos++] = name[j]!;
    const n = lengths[i++]!;
    pos = writeUVarint(buf, pos, n * 2);
    pos = writeText(buf, pos, headers[k] as string, n);
  }
  return buf;
}

// Header names repeat on every record: their bytes are kept (a few dozen names in practice;
// bounded, so unusual names cannot grow it without limit).
const NAMES = new Map<string, Buffer>();
function nameBytes(name: string): Buffer {
  let b = NAMES.get(name);
  if (b === undefined) {
    b = Buffer.from(name);
    if (NAMES.size < 1_024) NAMES.set(name, b);
  }
  return b;
}

/** Byte lengths of the record's header values, measured once (reused: encoding is synchronous). */
const MAX_HEADERS = 64;
const lengths = new Int32Array(MAX_HEADERS);

/** `n` UTF-8 bytes of `s`; short ASCII (n equal to the length) byte by byte, cheaper than a native call. */
function writeText(buf: Buffer, pos: number, s: string, n: number): number {
  if (n !== s.length || n > 64) return pos + buf.write(s, pos, n, 'utf8');
  for (let j = 0; j < n; j++) buf[pos + j] = s.charCodeAt(j);
  return pos + n;
}

function isBytes(v: unknown): v is Buffer | string | null | undefined {
  return v === null || v === undefined || typeof v === 'string' || Buffer.isBuffer(v);
}

// ------------------------------------------------------------------ checksums and hashes

/** CRC-32C (Castagnoli) tables for eight bytes at a time: kafkajs's byte-at-a-time loop was 4% of a pipeline's CPU. */
const CRC = (() => {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c;
  }
  for (let k = 1; k < 8; k++) for (let n = 0; n < 256; n++) t[k * 256 + n] = (t[(k - 1) * 256 + n]! >>> 8) ^ t[t[(k - 1) * 256 + n]! & 0xff]!;
  return t;
})();

/** CRC-32C over several buffers in a row, as over their concatenation. */
export function crc32c(parts: Buffer[]): number {
  let crc = -1;
  for (const b of parts) {
    const n = b.length;
    let i = 0;
    for (; i + 8 <= n; i += 8) {
      const a = crc ^ (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
      crc = CRC[1792 + (a & 0xff)]! ^ CRC[1536 + ((a >>> 8) & 0xff)]! ^ CRC[1280 + ((a >>> 16) & 0xff)]! ^ CRC[1024 + (a >>> 24)]! ^ CRC[768 + b[i + 4]!]! ^ CRC[512 + b[i + 5]!]! ^ CRC[256 + b[i + 6]!]! ^ CRC[b[i + 7]!]!;
    }
    for (; i < n; i++) crc = CRC[(crc ^ b[i]!) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ -1) >>> 0;
}

/**
 * Kafka's murmur2 (the Java client's key hash), in 32-bit integer math. kafkajs computes it in
 * BigInt-backed longs that grow with the key; the low 32 bits, all that is used, are the same.
 */
export function murmur2(key: unknown): number {
  const data = Buffer.isBuffer(key) ? key : Buffer.from(String(key)); // as kafkajs converts keys
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    h = Math.imul(h, m) ^ Math.imul(k, m);
  }
  switch (length & 3) {
    case 3:
      h ^= data[whole + 2]! << 16;
    // falls through
    case 2:
      h ^= data[whole + 1]! << 8;
    // falls through
    case 1:
      h ^= data[whole]!;
      h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  return h ^ (h >>> 15);
}

/**
 * kafkajs's default partitioner (the Java client's: murmur2 of the key, else round robin),
 * built by kafkajs's own factory around murmur2 above; undefined on another kafkajs version.
 */
export function javaCompatiblePartitioner<P>(): (() => P) | undefined {
  if (!SUPPORTED) return undefined;
  return (require('kafkajs/src/producer/partitioners/legacy/partitioner.js') as (hash: typeof murmur2) => () => P)(murmur2);
}

// ------------------------------------------------------------------ produce requests

export interface ProduceArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: unknown;
  producerEpoch?: number;
  compression?: number;
  topicData: Array<{ topic: string; partitions: Array<{ partition: number; firstSequence?: number; messages: RecordArgs[] }> }>;
}

interface Compression {
  lookupCodec(type: number): { compress(encoder: { buffer: Buffer }): Promise<Buffer> } | null;
}

/** Only kafkagen's records, without timestamps of their own (kafkajs sorts those as text). */
function isKafkagens(topicData: ProduceArgs['topicData']): boolean {
  for (const t of topicData) for (const p of t.partitions) for (const m of p.messages) if (!m[KAFKAGEN_RECORD] || (m as { timestamp?: unknown }).timestamp != null) return false;
  return true;
}

function int16String(v: string | null | undefined): Buffer {
  if (v === null || v === undefined) return Buffer.from([0xff, 0xff]);
  const out = Buffer.allocUnsafe(2 + Buffer.byteLength(v));
  out.writeInt16BE(out.length - 2, 0);
  out.write(v, 2, 'utf8');
  return out;
}

const int32 = (n: number): Buffer => {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(n, 0);
  return b;
};

/**
 * A Produce request (v3 layout, which v4-v7 share) as kafkajs writes it for the same
 * arguments and clock: one record batch (format v2) per partition. Undefined when a record is
 * one encodeRecord leaves to kafkajs.
 */
export async function encodeProduceRequest(a: ProduceArgs, deps: { compression: Compression; int64(v: unknown): bigint }): Promise<Buffer | undefined> {
  const now = Date.now();
  const parts: Buffer[] = [int16String(a.transactionalId ?? null)];
  const head = Buffer.allocUnsafe(10);
  head.writeInt16BE(a.acks, 0);
  head.writeInt32BE(a.timeout, 2);
  head.writeInt32BE(a.topicData.length, 6);
  parts.push(head);
  const producerId = deps.int64(a.producerId ?? -1);
  for (const { topic, partitions } of a.topicData) {
    parts.push(int16String(topic), int32(partitions.length));
    for (const { partition, firstSequence = 0, messages } of partitions) {
      const records: Buffer[] = [];
      let size = 0;
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i]!;
        const r = encodeRecord({ key: m.key, value: m.value, headers: m.headers, offsetDelta: i, timestampDelta: 0 });
        if (r === undefined) return undefined;
        records.push(r);
        size += r.length;
      }
      let payload = records;
      if (a.compression) {
        const codec = deps.compression.lookupCodec(a.compression);
        if (!codec) return undefined;
        const all = Buffer.concat(records, size);
        const compressed = await codec.compress({ buffer: all, buf: all } as { buffer: Buffer });
        payload = [compressed];
        size = compressed.length;
      }
      // The batch header; the CRC covers everything after it (attributes to the last record).
      const h = Buffer.allocUnsafe(69);
      h.writeInt32BE(partition, 0);
      h.writeInt32BE(61 + size, 4); // the record set's size
      h.writeBigInt64BE(0n, 8); // base offset (the broker assigns it)
      h.writeInt32BE(61 - 12 + size, 16); // the batch's length after this field
      h.writeInt32BE(0, 20); // partition leader epoch
      h.writeInt8(2, 24); // magic
      h.writeInt16BE((a.compression ?? 0) & 0x07 | (a.transactionalId ? 16 : 0), 29);
      h.writeInt32BE(messages.length - 1, 31); // last offset delta
      h.writeBigInt64BE(BigInt(now), 35); // first timestamp
      h.writeBigInt64BE(BigInt(now), 43); // max timestamp
      h.writeBigInt64BE(producerId, 51);
      h.writeInt16BE(a.producerEpoch ?? 0, 59);
      h.writeInt32BE(firstSequence, 61);
      h.writeInt32BE(messages.length, 65); // record count
      h.writeUInt32BE(crc32c([h.subarray(29), ...payload]), 25);
      parts.push(h, ...payload);
    }
  }
  return Buffer.concat(parts);
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

// The record being read: module state rather than closures, as this runs once per record
// (decoding is synchronous, so one record at a time).
const EMPTY = Buffer.alloc(0);
let buf: Buffer = EMPTY;
let pos = 0;

/** A signed zigzag varint: a number while exact (up to 49 bits), a bigint beyond. */
function readVarint(): number | bigint {
  let result = 0;
  let scale = 1;
  let byte: number;
  for (let i = 0; ; i++) {
    byte = buf[pos++]!;
    if (i === 7) return readBigVarint(result);
    result += (byte & 0x7f) * scale;
    if (byte < 0x80) break;
    scale *= 128;
  }
  return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
}

function readBigVarint(low: number): bigint {
  let big = BigInt(low);
  let shift = 49n;
  let byte: number;
  pos--;
  do {
    byte = buf[pos++]!;
    big += BigInt(byte & 0x7f) << shift;
    shift += 7n;
  } while (byte >= 0x80 && shift < 70n);
  return BigInt.asIntN(64, (big >> 1n) ^ -(big & 1n));
}

function readBytes(): Buffer | null {
  const n = readVarint() as number;
  if (n === -1) return null;
  pos += n;
  return buf.subarray(pos - n, pos);
}

/** A header name: the same string each time (../text.ts), so header objects keep one shape. */
function readName(): string {
  const n = readVarint() as number;
  if (n === -1) return 'null'; // a null name: kafkajs keyed it "null" too
  pos += n;
  return textOf(buf, pos - n, pos);
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
    buf = decoder.buffer;
    pos = decoder.offset;
    const attributes = buf.readInt8(pos++);
    const timestampDelta = readVarint();
    const { magicByte, isControlBatch = false, timestampType, maxTimestamp } = batchContext;
    const timestamp = timestampType === LOG_APPEND_TIME && maxTimestamp ? maxTimestamp : plus(batchContext.firstTimestamp, firstTimestamp, timestampDelta);
    const offset = plus(batchContext.firstOffset, firstOffset, readVarint());
    const key = readBytes();
    const value = readBytes();
    const count = readVarint() as number;
    const headers: Record<string, Buffer | null | Array<Buffer | null>> = {};
    for (let i = 0; i < count; i++) {
      const name = readName();
      const v = readBytes();
      const prev = headers[name];
      if (prev === undefined || !Object.hasOwn(headers, name)) {
        // '__proto__' as a name must not set the prototype (kafkajs made an own property of it too).
        if (name === '__proto__') Object.defineProperty(headers, name, { value: v, writable: true, enumerable: true, configurable: true });
        else headers[name] = v;
      } else headers[name] = Array.isArray(prev) ? prev.concat([v]) : [prev, v];
    }
    decoder.offset = pos;
    buf = EMPTY; // keep no fetch response alive
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
  if (!SUPPORTED) return (state = { encoder: false, decoder: false });
  const unbound = (binder: string) => require.cache[require.resolve(binder)] === undefined;
  const cached = (path: string) => {
    const resolved = require.resolve(path);
    if (!require.cache[resolved]) require(resolved);
    return require.cache[resolved]!;
  };
  const installed = (path: string) => (require.cache[require.resolve(path)]?.exports as { [INSTALLED]?: true } | undefined)?.[INSTALLED] === true;
  state = { encoder: installed(PRODUCE_V3) || PRODUCE_BINDERS.every(unbound), decoder: installed(RECORD_DECODER) || unbound(BATCH_DECODER) };
  if (state.encoder && !installed(PRODUCE_V3)) {
    const Encoder = require(ENCODER) as { prototype: object };
    const Long = require(LONG) as LongStatic;
    const deps = { compression: require(COMPRESSION) as Compression, int64: (v: unknown) => BigInt.asIntN(64, (Long.fromValue(v) as unknown as { value: bigint }).value) };
    const produce = cached(PRODUCE_V3);
    const kafkajsProduce = produce.exports as (args: ProduceArgs) => { encode(): Promise<unknown> };
    produce.exports = Object.assign(
      (args: ProduceArgs) => {
        const request = kafkajsProduce(args);
        if (!isKafkagens(args.topicData)) return request;
        const kafkajsEncode = request.encode;
        return {
          ...request,
          async encode() {
            const buf = await encodeProduceRequest(args, deps);
            // kafkajs takes an Encoder (it reads .buf and .buffer): one over the finished bytes.
            return buf === undefined ? kafkajsEncode() : Object.assign(Object.create(Encoder.prototype), { buf, offset: buf.length });
          },
        };
      },
      { [INSTALLED]: true },
    );
  }
  if (state.decoder && !installed(RECORD_DECODER)) cached(RECORD_DECODER).exports = Object.assign(recordDecoder(require(LONG) as LongStatic), { [INSTALLED]: true });
  return state;
}
