// Helpers for runtime integration tests: small hand-made topic descriptors over real
// codecs and validators, a client on the test broker/registry, and polling.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { createAvroType } from '../../runtime/avro.js';
import { KafkaClient, type ClientOptions } from '../../runtime/client.js';
import type { TopicDescriptor } from '../../runtime/descriptor.js';
import { silentLogger } from '../../runtime/logger.js';
import type { RetryPolicy } from '../../runtime/retry.js';
import { jsonValidator } from '../../runtime/validation.js';
import type { RuntimeHooks } from '../../runtime/hooks.js';
import { kafkaBrokers, registryUrl } from './services.js';

export const FAST_RETRY: RetryPolicy = { attempts: 3, initialBackoffMs: 20, maxBackoffMs: 200, multiplier: 2, jitter: 0 };

export function testClient(opts: { hooks?: RuntimeHooks; topicPrefix?: string } & ClientOptions = {}): KafkaClient {
  return new KafkaClient(
    { brokers: kafkaBrokers(), registry: { url: registryUrl(), autoRegister: true }, logger: silentLogger, hooks: opts.hooks, topicPrefix: opts.topicPrefix, clientId: 'runtime-test' },
    { producer: opts.producer, sendRetry: opts.sendRetry },
  );
}

export function avroTopic(topic: string, schema: Record<string, unknown>, extra: Partial<TopicDescriptor> = {}): TopicDescriptor {
  const codec = createAvroType(schema);
  return {
    topic,
    format: 'AVRO',
    events: [{ name: String(schema.name).split('.').pop()!, recordName: String(schema.name), subject: `${topic}-value`, schema: JSON.stringify(schema), references: [], codec }],
    key: { kind: 'field', field: 'id' },
    consumerGroup: `${topic}-group`,
    retry: FAST_RETRY,
    deadLetterTopic: `${topic}.dlq`,
    ...extra,
  };
}

export function jsonTopic(topic: string, schema: Record<string, unknown>, extra: Partial<TopicDescriptor> = {}): TopicDescriptor {
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  return {
    topic,
    format: 'JSON',
    events: [{ name: String(schema.title ?? 'Event'), subject: `${topic}-value`, schema: JSON.stringify(schema), references: [], validator: jsonValidator(validate) }],
    key: { kind: 'field', field: 'id' },
    consumerGroup: `${topic}-group`,
    retry: FAST_RETRY,
    deadLetterTopic: `${topic}.dlq`,
    ...extra,
  };
}

export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const orderSchema = {
  type: 'record',
  name: 'com.test.Order',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'n', type: 'int' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'total', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 } },
  ],
};
