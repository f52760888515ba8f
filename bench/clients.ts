// What kafkagen's record headers cost in the Kafka clients themselves, before any kafkagen code
// runs: raw kafkajs and, when installed, @platformatic/kafka (maintained, pure JS, the candidate
// for a second transport) send the same 389-byte values in the same batches, idempotent with
// acks all, each with and without kafkagen's six headers, while a consumer of the same client
// reads them back. All four sides run in one process, one after the other, so the ratios hold
// on a noisy machine. The question it answers (issue #4): would swapping the transport bring
// kafkagen's throughput to 0.9x of header-less raw kafkajs?
//   bash scripts/services up && eval "$(bash scripts/services env)"
//   npm install --no-save @platformatic/kafka@1.35.0   # optional: the last release for Node 20
//   node --import tsx bench/clients.ts [records=20000] [batch=500] [rounds=3]
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import kafkajs from 'kafkajs';
import { buildRecordHeaders } from '../runtime/headers.js';

const RECORDS = Number(process.argv[2] ?? 20_000);
const BATCH = Number(process.argv[3] ?? 500);
const ROUNDS = Number(process.argv[4] ?? 3);
const PARTITIONS = 3;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const value = randomBytes(389);
// The six headers the runtime writes on every record, built by the runtime itself.
const { headers: HEADERS } = buildRecordHeaders({ format: 'AVRO', schemaId: 12, eventType: 'chipquality.inspection.DefectDetected', producer: 'inspection-svc/1.4.2' });

interface Side {
  name: string;
  /** Produces RECORDS records to `topic` while a consumer reads them; resolves with records/s end to end. */
  run(topic: string, withHeaders: boolean): Promise<number>;
}

const kafkajsSide: Side = {
  name: 'kafkajs 2.2.4',
  async run(topic, withHeaders) {
    const kafka = new kafkajs.Kafka({ clientId: 'bench-clients', brokers, logLevel: kafkajs.logLevel.ERROR });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const consumer = kafka.consumer({ groupId: `${topic}.g` });
    await Promise.all([producer.connect(), consumer.connect()]);
    await consumer.subscribe({ topic, fromBeginning: true });
    const all = counter(RECORDS);
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({ eachBatch: async ({ batch }) => all.add(batch.messages.length) });
    await joined;
    const start = performance.now();
    for (let i = 0; i < RECORDS; i += BATCH) {
      const messages = [];
      for (let j = i; j < Math.min(i + BATCH, RECORDS); j++) messages.push({ key: `k${j % 100}`, value, ...(withHeaders && { headers: { ...HEADERS } }) });
      await producer.send({ topic, acks: -1, messages });
    }
    await all.done;
    const rate = RECORDS / ((performance.now() - start) / 1000);
    await Promise.all([consumer.disconnect(), producer.disconnect()]);
    return rate;
  },
};

/** @platformatic/kafka, loaded only when installed (it is not a dependency of kafkagen). */
async function platformaticSide(): Promise<Side | undefined> {
  const name = '@platformatic/kafka';
  let lib: any; // an optional package: no types at compile time
  try {
    lib = await import(name);
  } catch {
    return undefined;
  }
  return {
    name: `${name} ${lib.version ?? ''}`.trim(),
    async run(topic, withHeaders) {
      const producer = new lib.Producer({ clientId: 'bench-clients', bootstrapBrokers: brokers, idempotent: true, acks: -1 });
      const consumer = new lib.Consumer({ clientId: 'bench-clients', groupId: `${topic}.g`, bootstrapBrokers: brokers });
      const all = counter(RECORDS);
      const joined = new Promise<void>((resolve) => consumer.once('consumer:group:join', () => resolve()));
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
      stream.on('data', () => all.add(1));
      await joined;
      const start = performance.now();
      for (let i = 0; i < RECORDS; i += BATCH) {
        const messages = [];
        for (let j = i; j < Math.min(i + BATCH, RECORDS); j++) {
          const headers = withHeaders ? new Map(Object.entries(HEADERS).map(([k, v]) => [Buffer.from(k), Buffer.from(v)])) : undefined;
          messages.push({ topic, key: Buffer.from(`k${j % 100}`), value, ...(headers && { headers }) });
        }
        await producer.send({ messages });
      }
      await all.done;
      const rate = RECORDS / ((performance.now() - start) / 1000);
      await stream.close();
      await Promise.all([consumer.close(), producer.close()]);
      return rate;
    },
  };
}

function counter(target: number): { add(n: number): void; done: Promise<void> } {
  let seen = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  return { add: (n) => ((seen += n) >= target ? resolve() : undefined), done };
}

async function createTopics(topics: string[]): Promise<void> {
  const admin = new kafkajs.Kafka({ clientId: 'bench-clients', brokers, logLevel: kafkajs.logLevel.ERROR }).admin();
  await admin.connect();
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS })), waitForLeaders: true });
  await admin.disconnect();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const platformatic = await platformaticSide();
const sides = [kafkajsSide, ...(platformatic ? [platformatic] : [])];
if (!platformatic) console.log('@platformatic/kafka is not installed: only kafkajs runs (npm install --no-save @platformatic/kafka@1.35.0 adds it)');
const rates = new Map<string, number[]>();
let topics = 0;
for (let round = 0; round < ROUNDS; round++) {
  for (const side of sides) {
    for (const withHeaders of [false, true]) {
      const label = `${side.name}${withHeaders ? ' + 6 headers' : ''}`;
      const topic = `bench-clients.${runId}.${topics++}`;
      await createTopics([topic]);
      const rate = await side.run(topic, withHeaders);
      rates.set(label, [...(rates.get(label) ?? []), rate]);
    }
  }
}
const baseline = median(rates.get(kafkajsSide.name)!);
console.log(`\n${RECORDS} records of ${value.length} bytes in batches of ${BATCH}, ${PARTITIONS} partitions, idempotent, acks all; medians of ${ROUNDS} rounds`);
console.log('client'.padEnd(44), 'produce+consume (records/s)'.padStart(28), 'vs raw kafkajs'.padStart(16));
for (const [label, xs] of rates) console.log(label.padEnd(44), fmt(median(xs)).padStart(28), `${(median(xs) / baseline).toFixed(2)}x`.padStart(16));
