// The warning logged for a dead-lettered record carries the fields a log search needs:
// where it came from, the group, and the correlation id that ties it to the request.
import { describe, expect, it } from 'vitest';
import type { KafkaClient } from '../../../runtime/client.js';
import { deadLetter } from '../../../runtime/dlq.js';

describe('deadLetter', () => {
  it('sends the record to the dead-letter topic and logs its place, group and correlation id', async () => {
    const sent: Array<{ topic: string; headers: Record<string, string> }> = [];
    const logged: Array<{ message: string; fields?: Record<string, unknown> }> = [];
    const client = {
      sharedProducer: async () => ({ send: async (topic: string, records: Array<{ headers: Record<string, string> }>) => void sent.push({ topic, headers: records[0]!.headers }) }),
      logger: { debug() {}, info() {}, error() {}, warn: (message: string, fields?: Record<string, unknown>) => void logged.push({ message, fields }) },
    } as unknown as KafkaClient;
    const record = { topic: 'orders', partition: 2, offset: '41', timestamp: '1700000000000', key: Buffer.from('k'), value: Buffer.from('x'), headers: { 'correlation-id': 'req-7' } };
    await deadLetter(client, { record, deadLetterTopic: 'orders.dlq', groupId: 'billing', error: new Error('boom'), stage: 'handle', attempts: 3 });
    expect(sent).toEqual([{ topic: 'orders.dlq', headers: expect.objectContaining({ 'correlation-id': 'req-7', 'kafkagen-dlq-stage': 'handle' }) }]);
    expect(logged).toEqual([{ message: 'record orders/2@41 dead-lettered to orders.dlq (handle)', fields: { topic: 'orders', partition: 2, offset: '41', groupId: 'billing', correlationId: 'req-7', error: 'boom' } }]);
  });
});
