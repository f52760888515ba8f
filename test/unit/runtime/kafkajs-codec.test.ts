// The fast kafkajs record codec writes and reads what kafkajs's own does, byte for byte and
// field for field, on generated records; the integration suite then runs every produce and
// fetch through it against the real broker (and librdkafka reads kafkagen's records in the
// Python and kcat interop tests).
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { codec } from '../../../runtime/transport/kafkajs.js';
import { type BatchContext, crc32c, encodeRecord, KAFKAGEN_RECORD, murmur2, type KafkajsDecoder, type LongStatic, type ProduceArgs, type RecordArgs, recordDecoder } from '../../../runtime/transport/kafkajs-codec.js';

const require = createRequire(import.meta.url);

/** kafkajs's original module, loaded afresh outside the cache (the cached one is kafkagen's). */
function original<T>(path: string): T {
  const resolved = require.resolve(path);
  const saved = require.cache[resolved];
  delete require.cache[resolved];
  try {
    return require(resolved) as T;
  } finally {
    if (saved) require.cache[resolved] = saved;
  }
}

const kafkajsRecord = original<(args: RecordArgs) => { buffer: Buffer }>('kafkajs/src/protocol/recordBatch/record/v0/index.js');
const kafkajsDecoder = original<(d: KafkajsDecoder, ctx?: BatchContext) => unknown>('kafkajs/src/protocol/recordBatch/record/v0/decoder.js');
type Request = (args: ProduceArgs) => { encode(): Promise<{ buffer: Buffer }> };
const kafkajsProduce = original<Request>('kafkajs/src/protocol/requests/produce/v3/request.js');
const installedProduce = require('kafkajs/src/protocol/requests/produce/v3/request.js') as Request;
const Long = require('kafkajs/src/utils/long.js') as { fromValue(v: unknown): unknown };
const kafkajsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number;
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (k: Buffer | string) => number;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => KafkajsDecoder;
const fastDecoder = recordDecoder(require('kafkajs/src/utils/long.js') as LongStatic);

/** Buffers as hex (deep equality over large Buffers is slow), everything else as it is. */
function comparable(decoded: unknown): unknown {
  const hex = (v: unknown): unknown => (Buffer.isBuffer(v) ? `hex:${v.toString('hex')}` : Array.isArray(v) ? v.map(hex) : v);
  const r = decoded as { key: unknown; value: unknown; headers: Record<string, unknown> };
  return { ...r, key: hex(r.key), value: hex(r.value), headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, hex(v)])) };
}

/** A small deterministic generator (mulberry32), so a failure names a reproducible case. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXTS = ['', 'a', 'correlation-id', 'ünïcödé ✓', '日本語のヘッダー', '😀 emoji', 'x'.repeat(200), 'y'.repeat(17_000)];

function generated(seed: number): RecordArgs {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const bytes = () => Buffer.from(Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256)));
  const keyOrValue = () => pick([null, undefined, () => pick(TEXTS), bytes, () => Buffer.alloc(0)].map((f) => (typeof f === 'function' ? f() : f)));
  const headers: Record<string, string> = {};
  for (let i = Math.floor(r() * 10); i > 0; i--) headers[`${pick(TEXTS).slice(0, 30)}${i}`] = pick(TEXTS);
  return {
    offsetDelta: pick([0, 1, 63, 64, 8191, 8192, Math.floor(r() * 2 ** 31)]),
    timestampDelta: pick([0, 1, -1, 63, -64, 1_000, -1_000_000, 2 ** 40, -(2 ** 45), Math.floor(r() * 2 ** 50)]),
    key: keyOrValue(),
    value: keyOrValue(),
    headers,
  };
}

describe('kafkajs record codec', () => {
  it('is installed by the kafkajs transport (kafkajs 2.2.4)', () => {
    expect(codec).toEqual({ encoder: true, decoder: true });
    expect(require('kafkajs/package.json').version).toBe('2.2.4');
  });

  it('encodes each generated record exactly as kafkajs does', () => {
    for (let seed = 1; seed <= 2_000; seed++) {
      const args = generated(seed);
      const ours = encodeRecord(args);
      expect(ours, `seed ${seed}`).toBeDefined();
      expect(ours!.equals(kafkajsRecord(args).buffer), `seed ${seed}`).toBe(true);
    }
  });

  it('computes CRC-32C as kafkajs does, over one buffer or several in a row', () => {
    expect(crc32c([Buffer.from('123456789')])).toBe(0xe3069283); // the standard check value
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const b = Buffer.from(Array.from({ length: Math.floor(r() * 3_000) }, () => Math.floor(r() * 256)));
      const cut = Math.floor(r() * b.length);
      expect(crc32c([b]), `seed ${seed}`).toBe(kafkajsCrc32c(b));
      expect(crc32c([b.subarray(0, cut), Buffer.alloc(0), b.subarray(cut)]), `seed ${seed}`).toBe(kafkajsCrc32c(b));
    }
  });

  it('hashes keys as kafkajs and the Java client do (murmur2)', () => {
    // Kafka's own UtilsTest.testMurmur2 values.
    const java: Array<[string, number]> = [['21', -973932308], ['foobar', -790332482], ['a-little-bit-long-string', -985981536], ['a-little-bit-longer-string', -1486304829], ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971], ['abc', 479470107]];
    for (const [key, hash] of java) expect(murmur2(key), key).toBe(hash);
    for (let seed = 1; seed <= 1_000; seed++) {
      const r = rng(seed);
      const key = seed % 2 ? Buffer.from(Array.from({ length: Math.floor(r() * 70) }, () => Math.floor(r() * 256))) : `${TEXTS[seed % TEXTS.length]!.slice(0, 50)}-${seed}`;
      expect(murmur2(key), `seed ${seed}`).toBe(kafkajsMurmur2(key));
    }
    // Keys that are neither text nor bytes are hashed as their text, as kafkajs does.
    for (const key of [42, 43, 1234567, -1, 0.5, true]) expect(murmur2(key), String(key)).toBe(kafkajsMurmur2(key as never));
  });

  it('leaves to kafkajs what it does not take', () => {
    expect(encodeRecord({ key: 'k', value: Buffer.from('v'), headers: { a: Buffer.from('bytes') as never } })).toBeUndefined();
    expect(encodeRecord({ key: 'k', value: null, headers: { a: ['1', '2'] as never } })).toBeUndefined();
    expect(encodeRecord({ key: 42 as never, value: null })).toBeUndefined();
    expect(encodeRecord({ key: 'k', value: null, timestampDelta: 2 ** 53 })).toBeUndefined();
    expect(encodeRecord({ key: 'k', value: null, headers: null as never })).toBeUndefined();
    // Inherited header names are not written (kafkajs takes own names only).
    const inherited = Object.assign(Object.create({ inherited: 'x' }), { own: 'y' }) as Record<string, string>;
    expect(encodeRecord({ key: 'k', value: null, headers: inherited })!.equals(kafkajsRecord({ key: 'k', value: null, headers: inherited }).buffer)).toBe(true);
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`h${i}`, 'v']));
    expect(encodeRecord({ key: 'k', value: null, headers: many })).toBeUndefined(); // past the length scratch space
    expect(encodeRecord({ key: 'k', value: null, headers: { ...many, h64: undefined } as never })).toBeUndefined();
  });

  describe('Produce requests', () => {
    afterEach(() => vi.restoreAllMocks());
    const mark = (m: RecordArgs): RecordArgs => ({ ...m, [KAFKAGEN_RECORD]: true });
    const requestOf = (seed: number, marked: boolean, overrides: Partial<ProduceArgs> = {}): ProduceArgs => {
      const r = rng(seed);
      const records = (n: number) => Array.from({ length: n }, (_, i) => generated(seed * 100 + i)).map(({ key, value, headers }) => (marked ? mark({ key, value, headers }) : { key, value, headers }));
      return {
        acks: -1,
        timeout: 30_000,
        transactionalId: null,
        producerId: Long.fromValue(seed % 2 ? -1 : 4_000_000_000 + seed),
        producerEpoch: seed % 3,
        compression: 0,
        topicData: Array.from({ length: 1 + Math.floor(r() * 3) }, (_, t) => ({
          topic: `topic-${t}-ü`,
          partitions: Array.from({ length: 1 + Math.floor(r() * 3) }, (_, p) => ({ partition: p, firstSequence: seed % 4 ? 7 * p : undefined, messages: records(1 + Math.floor(r() * 20)) })),
        })),
        ...overrides,
      };
    };
    const bytes = async (request: Request, args: ProduceArgs) => (await request(args).encode()).buffer;

    it('are written as kafkajs writes them, uncompressed, gzip, snappy, transactional', async () => {
      vi.spyOn(Date, 'now').mockReturnValue(1_764_000_000_123);
      await import('../../../runtime/transport/kafkajs.js'); // registers the snappy codec
      for (let seed = 1; seed <= 60; seed++) {
        for (const overrides of [{}, { compression: 1 }, { compression: 2 }, { transactionalId: 'tx-1', acks: 1 }]) {
          const args = requestOf(seed, true, overrides);
          const ours = await bytes(installedProduce, args);
          expect(ours.equals(await bytes(kafkajsProduce, args)), `seed ${seed} ${JSON.stringify(overrides)}`).toBe(true);
        }
      }
    });

    it('take kafkajs\'s encoder for records that are not kafkagen\'s, or that the fast path does not take', async () => {
      vi.spyOn(Date, 'now').mockReturnValue(1_764_000_000_123);
      const theirs = requestOf(3, false);
      expect((await bytes(installedProduce, theirs)).equals(await bytes(kafkajsProduce, theirs))).toBe(true);
      const arrays = requestOf(4, true);
      arrays.topicData[0]!.partitions[0]!.messages[0]!.headers = { a: ['1', '2'] } as never;
      expect((await bytes(installedProduce, arrays)).equals(await bytes(kafkajsProduce, arrays))).toBe(true);
    });
  });

  it('decodes each record as kafkajs does, repeated and null-valued headers included', () => {
    const contexts: BatchContext[] = [
      { firstOffset: '0', firstTimestamp: '1700000000000', magicByte: 2, timestampType: 0, maxTimestamp: '1700000009999' },
      { firstOffset: '9007199254740990', firstTimestamp: '1700000000000', magicByte: 2, isControlBatch: true, timestampType: 0 },
      { firstOffset: '42', firstTimestamp: '-1', magicByte: 2, timestampType: 1, maxTimestamp: '1700000005000' },
    ];
    for (let seed = 1; seed <= 1_000; seed++) {
      const args = generated(seed);
      const bytes = kafkajsRecord(args).buffer;
      const ctx = contexts[seed % contexts.length]!;
      // As kafkajs calls it: a Decoder over the record's body, after its length prefix.
      const body = (b: Buffer) => {
        const d = new Decoder(b) as KafkajsDecoder & { readVarInt(): number };
        d.readVarInt();
        return d;
      };
      expect(comparable(fastDecoder(body(bytes), ctx)), `seed ${seed}`).toEqual(comparable(kafkajsDecoder(body(bytes), ctx)));
    }
    // Repeated names and a null value: kafkajs writes headers given as arrays; null is written by other clients.
    const repeated = kafkajsRecord({ key: 'k', value: null, headers: { a: ['1', '2', '3'], b: 'x' } as never }).buffer;
    const d = (b: Buffer) => Object.assign(new Decoder(b), { offset: 1 });
    expect(fastDecoder(d(repeated), contexts[0])).toEqual(kafkajsDecoder(d(repeated), contexts[0]));
    const nullValue = Buffer.from(encodeRecord({ key: null, value: null, headers: { h: '' } })!);
    nullValue[nullValue.length - 1] = 1; // the header value's length: 0 -> -1 (null)
    const dn = fastDecoder(d(nullValue), contexts[0]) as { headers: Record<string, unknown> };
    expect(dn).toEqual(kafkajsDecoder(d(nullValue), contexts[0]));
    expect(dn.headers).toEqual({ h: null });
  });

  it('reads a header named like an Object.prototype member as its own value', () => {
    const names = JSON.parse('{"constructor":"c","__proto__":"p","toString":"t"}') as Record<string, string>; // own '__proto__'
    const bytes = encodeRecord({ key: null, value: null, headers: names })!;
    const d = Object.assign(new Decoder(bytes), { offset: 1 });
    const { headers } = fastDecoder(d, { firstOffset: '0', firstTimestamp: '0' }) as { headers: Record<string, Buffer> };
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(Object.entries(headers).map(([k, v]) => [k, v.toString()])).toEqual([['constructor', 'c'], ['__proto__', 'p'], ['toString', 't']]);
  });
});
