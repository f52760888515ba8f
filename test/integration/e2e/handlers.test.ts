// A generated consumer with handlers per event type, against the real broker and registry:
// each handler gets only its event type (narrowed by `$type`), an event type without a
// handler is acknowledged (committed, not dead-lettered), and ctx carries what the producer
// set (key, correlation and causation ids, headers, position).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChipqualityInspectionEventsConsumer,
  ChipqualityInspectionEventsProducer,
  chipqualityInspectionEventsTopic as topic,
  DefectDetectedCodec,
  InspectionCreatedCodec,
  InspectionStartedCodec,
  type DefectDetected,
  type QualityMetric,
  QualityMetricsConsumer,
  QualityMetricsProducer,
  qualityMetricsTopic,
  type InspectionCreated,
} from '../../../generated/index.js';
import { KafkaClient, applyRegistration, causedBy, silentLogger, type EventContext, type RegistrationManifestData } from '../../../runtime/index.js';
import { examples } from '../../fixtures/events/ownlens.js';
import { waitFor } from '../../support/runtime.js';
import { kafkaBrokers, registryUrl, uniqueTopic } from '../../support/services.js';

const repo = path.resolve(import.meta.dirname, '../../..');

describe('generated consumer with handlers per event type', () => {
  const prefix = `${uniqueTopic('handlers')}.`;
  let client: KafkaClient;

  beforeAll(async () => {
    client = new KafkaClient({ brokers: kafkaBrokers(), registry: { url: registryUrl() }, topicPrefix: prefix, logger: silentLogger, clientId: 'handlers-e2e' });
    const manifest = JSON.parse(readFileSync(path.join(repo, 'generated/registry.json'), 'utf8')) as RegistrationManifestData;
    await applyRegistration(manifest, { url: registryUrl() });
    await client.ensureTopics([topic, qualityMetricsTopic]);
  });

  afterAll(async () => {
    await client?.close();
  });

  it('dispatches by event type, acknowledges event types without a handler, and fills ctx', async () => {
    const id = 'INS-HANDLERS-1';
    const created = { ...(InspectionCreatedCodec.random() as InspectionCreated), inspection_id: id };
    const started = { ...(InspectionStartedCodec.random() as object), inspection_id: id };
    const defect = { ...(DefectDetectedCodec.random() as DefectDetected), inspection_id: id };
    const producer = new ChipqualityInspectionEventsProducer(client);
    const first = await producer.send({ $type: 'InspectionCreated', ...created }, { correlationId: 'corr-1', causationId: 'cause-1', headers: { tenant: 'acme' } });
    await producer.sendBatch([{ $type: 'InspectionStarted', ...started } as never, { $type: 'DefectDetected', ...defect }]);

    const seen: Array<{ kind: string; event: { $type: string; inspection_id: string }; ctx: EventContext }> = [];
    const consumer = new ChipqualityInspectionEventsConsumer(
      client,
      {
        InspectionCreated: async (event, ctx) => {
          seen.push({ kind: 'created-handler', event, ctx });
        },
        DefectDetected: async (event, ctx) => {
          // Narrowed: a DefectDetected field, typed, without a cast.
          expect(typeof event.defect_id).toBe('string');
          seen.push({ kind: 'defect-handler', event, ctx });
        },
      },
      { groupId: `${prefix}handlers`, fromBeginning: true },
    );
    await consumer.start();
    await waitFor(async () => (await consumer.health()).processed >= 3, 'three records processed');
    await consumer.stop();

    expect(seen.map((s) => [s.kind, s.event.$type])).toEqual([
      ['created-handler', 'InspectionCreated'],
      ['defect-handler', 'DefectDetected'],
    ]);
    expect(seen[1]!.event).toMatchObject({ defect_id: defect.defect_id, defect_class: defect.defect_class });

    const ctx = seen[0]!.ctx;
    expect(ctx).toMatchObject({ topic: 'chipquality.inspection.events', partition: first.partition, offset: first.offset, key: id, correlationId: 'corr-1', eventType: 'InspectionCreated' });
    expect(ctx.headers).toMatchObject({ 'causation-id': 'cause-1', tenant: 'acme', 'kafkagen-event-type': 'InspectionCreated' });
    expect(Math.abs(Number(ctx.timestamp) - Date.now())).toBeLessThan(120_000); // the broker's append time, epoch ms

    // All three are committed (the one without a handler too) and none was dead-lettered.
    const health = await consumer.health();
    expect(health).toMatchObject({ processed: 3, deadLettered: 0 });
    const committed = await (await client.admin()).committedOffsets(`${prefix}handlers`, `${prefix}chipquality.inspection.events`);
    const onPartition = committed.find((c) => c.partition === first.partition);
    expect(onPartition?.offset).toBe(String(Number(first.offset) + 3));
  }, 60_000);

  it('a producer disposed with await using leaves the shared client open; one made by fromEnv owns and closes its client', async () => {
    const event = () => ({ $type: 'InspectionCreated' as const, ...(InspectionCreatedCodec.random() as InspectionCreated), inspection_id: 'INS-DISPOSE' });
    {
      await using producer = new ChipqualityInspectionEventsProducer(client);
      await producer.send(event());
    }
    // The shared client still sends (and its consumers would still run).
    const after = await new ChipqualityInspectionEventsProducer(client).send(event());
    expect(after.topic).toBe(`${prefix}chipquality.inspection.events`);

    let owned: ChipqualityInspectionEventsProducer;
    {
      await using own = ChipqualityInspectionEventsProducer.fromEnv({ brokers: kafkaBrokers(), registry: { url: registryUrl() }, topicPrefix: prefix, logger: silentLogger });
      owned = own;
      const r = await own.send(event());
      expect(Number(r.offset)).toBeGreaterThan(Number(after.offset));
    }
    await expect(owned.send(event())).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
  }, 60_000);

  it('causedBy(ctx) carries the correlation id and trace context to a follow-up event, with the cause as causation id', async () => {
    const tp = `${prefix}caused`;
    const c2 = new KafkaClient({ brokers: kafkaBrokers(), registry: { url: registryUrl() }, topicPrefix: tp + '.', logger: silentLogger });
    try {
      await c2.ensureTopics([topic]);
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const created = await new ChipqualityInspectionEventsProducer(c2).send({ $type: 'InspectionCreated', ...(InspectionCreatedCodec.random() as InspectionCreated), inspection_id: 'INS-CAUSE' }, { correlationId: 'order-42', traceparent });
      const followUps: EventContext[] = [];
      const producer = new ChipqualityInspectionEventsProducer(c2);
      const consumer = new ChipqualityInspectionEventsConsumer(c2, {
        InspectionCreated: async (event, ctx) => {
          await producer.send({ $type: 'InspectionStarted', ...(InspectionStartedCodec.random() as object), inspection_id: event.inspection_id } as never, causedBy(ctx));
        },
        InspectionStarted: async (_event, ctx) => {
          followUps.push(ctx);
        },
      }, { groupId: `${tp}.g`, fromBeginning: true });
      await consumer.start();
      await waitFor(() => followUps.length > 0, 'the follow-up event');
      await consumer.stop();
      expect(followUps).toHaveLength(1);
      expect(followUps[0]!.correlationId).toBe('order-42');
      expect(followUps[0]!.headers).toMatchObject({ 'causation-id': `chipquality.inspection.events/${created.partition}@${created.offset}`, traceparent });
    } finally {
      await c2.close();
    }
  }, 60_000);

  it('keys a record by several fields joined (catalog key: { fields, separator })', async () => {
    const metric = { ...(examples['ownlens/data-quality/quality-metric.schema.json'] as QualityMetric) };
    const sent = await new QualityMetricsProducer(client).send(metric);
    const got: EventContext[] = [];
    for await (const { ctx } of QualityMetricsConsumer.iterate(client, { groupId: `${prefix}metrics`, fromBeginning: true })) {
      got.push(ctx);
      break;
    }
    expect(got[0]!.key).toBe(`${metric.table_name}:${metric.metric_date}`);
    expect(got[0]!.offset).toBe(sent.offset);
  }, 60_000);

  it('pauses and resumes its topic: nothing is handled while paused, then the record is', async () => {
    const marker = `pause-${Date.now()}`;
    const handled: EventContext[] = [];
    const consumer = new QualityMetricsConsumer(client, async (_event, ctx) => {
      if (ctx.headers.marker === marker) handled.push(ctx);
    }, { groupId: `${prefix}paused`, fromBeginning: true });
    try {
      await consumer.start();
      consumer.pause();
      expect((await consumer.health()).paused).toBe(true);
      const sent = await new QualityMetricsProducer(client).send({ ...(examples['ownlens/data-quality/quality-metric.schema.json'] as QualityMetric) }, { headers: { marker } });
      await new Promise((r) => setTimeout(r, 1_500));
      expect(handled).toHaveLength(0);
      consumer.resume();
      await waitFor(() => handled.length > 0, 'the record sent while paused');
      expect(handled).toHaveLength(1);
      expect(handled[0]!.offset).toBe(sent.offset);
      expect((await consumer.health()).paused).toBe(false);
    } finally {
      await consumer.stop();
    }
  }, 60_000);
});
