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

export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

