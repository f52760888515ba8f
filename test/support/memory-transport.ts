// An in-memory transport for unit tests of the consumer: its run() keeps the batch handler,
// and the test hands batches over itself. Nothing crosses a network.
import { KafkaClient } from '../../runtime/client.js';
import { silentLogger } from '../../runtime/logger.js';
import type { Transport, TransportConsumer } from '../../runtime/transport/types.js';

export type BatchHandler = Parameters<TransportConsumer['run']>[0];

/** A KafkaClient whose consumers are in memory; `handle()` is the batch handler of the last one started. */
export function memoryClient(): { client: KafkaClient; handle: () => BatchHandler } {
  let handler: BatchHandler | undefined;
  const consumer: TransportConsumer = {
    subscribe: async () => {},
    run: async (h) => void (handler = h),
    pause: () => {},
    resume: () => {},
    isPaused: () => false,
    stop: async () => {},
    disconnect: async () => {},
    isConnected: () => true,
    assignments: () => [],
    onCrash: () => {},
  };
  const transport: Transport = {
    consumer: async () => consumer,
    producer: async () => Promise.reject(new Error('no producer here')),
    admin: async () => Promise.reject(new Error('no admin here')),
  };
  const client = new KafkaClient({ brokers: ['fake:9092'], registry: { url: 'http://fake:8081' }, logger: silentLogger }, { transport });
  return { client, handle: () => handler ?? (() => Promise.reject(new Error('no consumer started'))) };
}
