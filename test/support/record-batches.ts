// Reads the record batches of a partition as the broker stores them, with a raw Fetch v4
// request to the partition's leader (plain TCP, as the test broker). kafkajs decodes batches
// without telling their codec; the batch header's attributes do (bits 0-2: 0 none, 1 gzip,
// 2 snappy, 3 lz4, 4 zstd). The broker keeps the producer's batches as sent (the topic's
// compression.type defaults to `producer`), so this shows what the producer wrote.
import { connect } from 'node:net';
import { kafka } from './services.js';

export type Codec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
const CODECS: Codec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export interface StoredBatch {
  baseOffset: bigint;
  codec: Codec;
  /** Records in the batch (from its header). */
  records: number;
  /** -1 unless an idempotent (or transactional) producer wrote the batch. */
  producerId: bigint;
  /** The whole batch on the wire, header included. */
  bytes: number;
}

/** The leader's address of a topic partition, from the cluster metadata. */
async function leaderOf(topic: string, partition: number): Promise<{ host: string; port: number }> {
  const admin = kafka('kafkagen-test-batches').admin();
  await admin.connect();
  try {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    const leader = meta.topics[0]?.partitions.find((p) => p.partitionId === partition)?.leader;
    const broker = (await admin.describeCluster()).brokers.find((b) => b.nodeId === leader);
    if (!broker) throw new Error(`no leader for ${topic}/${partition}`);
    return { host: broker.host, port: broker.port };
  } finally {
    await admin.disconnect();
  }
}

function fetchRequest(topic: string, partition: number, offset: bigint): Buffer {
  const clientId = Buffer.from('kafkagen-test-batches');
  const name = Buffer.from(topic);
  const head = Buffer.alloc(2 + 2 + 4 + 2);
  head.writeInt16BE(1, 0); // api key: Fetch
  head.writeInt16BE(4, 2); // api version 4
  head.writeInt32BE(1, 4); // correlation id
  head.writeInt16BE(clientId.length, 8);
  const body = Buffer.alloc(4 + 4 + 4 + 4 + 1 + 4 + 2);
  let o = 0;
  o = body.writeInt32BE(-1, o); // replica id
  o = body.writeInt32BE(500, o); // max wait ms
  o = body.writeInt32BE(1, o); // min bytes
  o = body.writeInt32BE(64 << 20, o); // max bytes
  o = body.writeInt8(0, o); // read uncommitted
  o = body.writeInt32BE(1, o); // one topic
  body.writeInt16BE(name.length, o);
  const part = Buffer.alloc(4 + 4 + 8 + 4);
  part.writeInt32BE(1, 0); // one partition
  part.writeInt32BE(partition, 4);
  part.writeBigInt64BE(offset, 8);
  part.writeInt32BE(64 << 20, 16); // partition max bytes
  const msg = Buffer.concat([head, clientId, body, name, part]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(msg.length);
  return Buffer.concat([size, msg]);
}

function roundTrip(addr: { host: string; port: number }, request: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(addr.port, addr.host);
    const chunks: Buffer[] = [];
    let got = 0;
    const timer = setTimeout(() => socket.destroy(new Error('no Fetch response within 10 s')), 10_000);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      got += c.length;
      const all = Buffer.concat(chunks);
      if (got >= 4 && got >= 4 + all.readInt32BE(0)) {
        clearTimeout(timer);
        socket.end();
        resolve(all.subarray(4, 4 + all.readInt32BE(0)));
      }
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** The batches stored in `topic`/`partition` from `offset` on (those one Fetch returns). */
export async function storedBatches(topic: string, partition = 0, offset = 0n): Promise<StoredBatch[]> {
  const res = await roundTrip(await leaderOf(topic, partition), fetchRequest(topic, partition, offset));
  let o = 4 + 4; // correlation id, throttle time
  const topics = res.readInt32BE(o);
  o += 4;
  if (topics !== 1) throw new Error(`Fetch answered ${topics} topics`);
  o += 2 + res.readInt16BE(o); // topic name
  const partitions = res.readInt32BE(o);
  o += 4;
  if (partitions !== 1) throw new Error(`Fetch answered ${partitions} partitions`);
  o += 4; // partition index
  const error = res.readInt16BE(o);
  if (error !== 0) throw new Error(`Fetch of ${topic}/${partition}: Kafka error code ${error}`);
  o += 2 + 8 + 8; // error code, high watermark, last stable offset
  const aborted = res.readInt32BE(o);
  o += 4 + Math.max(0, aborted) * 16;
  const size = res.readInt32BE(o);
  o += 4;
  const records = res.subarray(o, o + Math.max(0, size));
  const batches: StoredBatch[] = [];
  // Batch header: baseOffset 8, length 4, leader epoch 4, magic 1, crc 4, attributes 2, last offset
  // delta 4, first/max timestamp 8+8, producer id 8 (at 43), epoch 2, base sequence 4, record count 4 (at 57).
  for (let b = 0; b + 61 <= records.length; ) {
    const bytes = 12 + records.readInt32BE(b + 8);
    if (b + bytes > records.length) break; // a partial batch at the end of the response
    const magic = records.readInt8(b + 16);
    if (magic !== 2) throw new Error(`record batch magic ${magic}, expected 2`);
    const codec = CODECS[records.readInt16BE(b + 21) & 0x07];
    if (!codec) throw new Error(`record batch attributes ${records.readInt16BE(b + 21)} name no codec`);
    batches.push({ baseOffset: records.readBigInt64BE(b), codec, records: records.readInt32BE(b + 57), producerId: records.readBigInt64BE(b + 43), bytes });
    b += bytes;
  }
  return batches;
}
