// Helpers for runtime integration tests: small hand-made topic descriptors over real
// codecs and validators, a client on the test broker/registry, and polling.
import { KafkaClient, type ClientOptions } from '../../runtime/client.js';
import { silentLogger } from '../../runtime/logger.js';
import type { RuntimeHooks } from '../../runtime/hooks.js';
import { kafkaBrokers, registryUrl } from './services.js';

export { avroTopic, FAST_RETRY, jsonTopic, orderSchema } from './descriptors.js';

export function testClient(opts: { hooks?: RuntimeHooks; topicPrefix?: string } & ClientOptions = {}): KafkaClient {
  return new KafkaClient(
    { brokers: kafkaBrokers(), registry: { url: registryUrl(), autoRegister: true }, logger: silentLogger, hooks: opts.hooks, topicPrefix: opts.topicPrefix, clientId: 'runtime-test' },
    { producer: opts.producer, sendRetry: opts.sendRetry },
  );
}

/**
 * Clients a test file makes and closes at its end: `track(c)` for one built by hand,
 * `client(...)` for a testClient. closeAll() settles every close (a consumer that ended with
 * SHUTDOWN_TIMEOUT reports it again on close).
 */
export function trackedClients(): { client: typeof testClient; track: (c: KafkaClient) => KafkaClient; closeAll: () => Promise<void> } {
  const clients: KafkaClient[] = [];
  const track = (c: KafkaClient) => (clients.push(c), c);
  return { client: (...args) => track(testClient(...args)), track, closeAll: async () => void (await Promise.allSettled(clients.map((c) => c.close()))) };
}

export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

