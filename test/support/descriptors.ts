// Small hand-made topic descriptors over real codecs and validators (no vitest imports, so a
// child process can use them too).
import { Ajv2020 } from 'ajv/dist/2020.js';
import { createAvroType } from '../../runtime/avro.js';
import type { TopicDescriptor } from '../../runtime/descriptor.js';
import type { RetryPolicy } from '../../runtime/retry.js';
import { jsonValidator } from '../../runtime/validation.js';

export const FAST_RETRY: RetryPolicy = { attempts: 3, initialBackoffMs: 20, maxBackoffMs: 200, multiplier: 2, jitter: 0 };

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
