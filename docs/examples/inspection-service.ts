// A small service on the generated clients of the example domain: it publishes inspection
// results and reacts to them. One KafkaClient holds every connection. Compiled under
// strict by test/unit/generator/examples.test.ts and run against the real broker by
// test/integration/e2e/example-service.test.ts, so this example cannot rot.
import { KafkaClient } from '../../runtime/index.js';
import { ChipqualityInspectionEventsConsumer, ChipqualityInspectionEventsProducer, chipqualityInspectionEventsTopic } from '../../generated/index.js';

export async function main(): Promise<void> {
  // KAFKA_BROKERS, SCHEMA_REGISTRY_URL, KAFKA_CLIENT_ID, SASL/TLS and KAFKA_TOPIC_PREFIX from the environment.
  // Not `await using`: the client must outlive main(), which returns once the consumer runs.
  const client = KafkaClient.fromEnv({ clientId: 'inspection-svc' });
  // Creates the topic and its dead-letter topic (the catalog's partition counts) where missing.
  await client.ensureTopics([chipqualityInspectionEventsTopic]);

  // Handlers per event type; retries, dead-lettering and commits come from the catalog's policy.
  const consumer = new ChipqualityInspectionEventsConsumer(
    client,
    {
      InspectionCompleted: async (event, ctx) => {
        switch (event.outcome.$type) {
          case 'PassOutcome':
            console.log(`${event.inspection_id} passed as ${event.outcome.grade} (${ctx.topic}@${ctx.offset}) from ${event.metadata.source}, correlation ${event.metadata.correlation_id}`);
            break;
          case 'FailOutcome':
            if (event.outcome.defect_ids.length === 0) ctx.deadLetter('a failed inspection must name its defects');
            break;
          case 'ReworkOutcome':
            console.log(`rework at ${event.outcome.rework_step}, at most ${event.outcome.max_attempts} times`);
            break;
        }
      },
      DefectDetected: async (event) => {
        console.log(`defect ${event.defect_class} on ${event.chip.chip_id}`);
      },
    },
    { fromBeginning: true }, // a new consumer group starts at the topic's beginning
  );
  // SIGTERM/SIGINT: stop fetching, finish in-flight handlers, commit, then close the connections.
  consumer.stopOnSignals(() => void client.close());
  await consumer.start(); // resolves once running; the open connections keep the process alive

  const inspections = new ChipqualityInspectionEventsProducer(client);
  // One method per event type (send({ $type: 'InspectionCompleted', ... }) does the same).
  await inspections.publishInspectionCompleted(
    {
      // No metadata: the catalog's envelope fills event_id, occurred_at, source (the clientId)
      // and correlation_id (the record's correlation id); schema defaults fill the rest.
      inspection_id: 'INS-001',
      completed_at: new Date(),
      duration_ms: 5_400n, // Avro long: bigint, never silently rounded
      defect_count: 0,
      yield_pct: 99.2,
      outcome: { $type: 'PassOutcome', grade: 'PREMIUM' },
    },
    { correlationId: 'req-42', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
  );
}
