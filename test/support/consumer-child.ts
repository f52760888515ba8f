// A consumer in a child process, for the graceful-shutdown test: handles records slowly,
// appends each handled offset to a file, and stops gracefully on SIGTERM.
import { appendFileSync } from 'node:fs';
import { KafkaClient } from '../../runtime/client.js';
import { silentLogger } from '../../runtime/logger.js';
import { avroTopic, orderSchema } from './descriptors.js';

const [topic, groupId, out] = process.argv.slice(2) as [string, string, string];
const client = new KafkaClient({ brokers: process.env.KAFKA_BROKERS!.split(','), registry: { url: process.env.SCHEMA_REGISTRY_URL! }, logger: silentLogger });
const consumer = client.consume<{ n: number }>(avroTopic(topic, orderSchema), async (event, ctx) => {
  // Slow enough that the test, even starved on a busy machine, sends SIGTERM long before the
  // last record (300 records x 50 ms = 15 s of work).
  await new Promise((r) => setTimeout(r, 50));
  appendFileSync(out, `${ctx.offset} ${event.n}\n`);
  // The limit covers the record in hand and kafkajs stop(), which can wait out a fetch in flight
  // (maxWaitTimeMs, 5 s by default): 20 s leaves room on a slow machine.
}, { groupId, fromBeginning: true, shutdownTimeoutMs: 20_000 });
consumer.stopOnSignals((error) => {
  void client.close().then(() => process.exit(error ? 1 : 0));
});
await consumer.start();
process.stdout.write('started\n');
