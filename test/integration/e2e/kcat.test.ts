// `kafkagen produce` and `kafkagen consume` as a user runs them (the binary, a child
// process), against the real broker and registry, on the example catalog.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InspectionCreatedCodec } from '../../../generated/chipquality/inspection.js';
import { customerSessionsTopic } from '../../../generated/index.js';
import { KafkaClient, applyRegistration, replayDeadLetters, silentLogger, type RegistrationManifestData } from '../../../runtime/index.js';
import { toJson } from '../../../runtime/json-values.js';
import { examples } from '../../fixtures/events/ownlens.js';
import { type RunResult, runChild } from '../../support/child.js';
import { waitFor } from '../../support/runtime.js';
import { createTopic, kafka, kafkaBrokers, registryUrl, uniqueTopic, withAdmin } from '../../support/services.js';

const repo = path.resolve(import.meta.dirname, '../../..');

/** The CLI as a child process (killed after 120 s). */
function kafkagen(args: string[], env: Record<string, string>): Promise<RunResult> {
  return runChild(process.execPath, [path.join(repo, 'bin/kafkagen.mjs'), ...args], {
    cwd: repo,
    env: { ...process.env, KAFKA_BROKERS: kafkaBrokers().join(','), SCHEMA_REGISTRY_URL: registryUrl(), ...env },
    timeoutMs: 120_000,
  });
}

describe('kafkagen produce / consume', () => {
  const prefix = `${uniqueTopic('kcat')}.`;
  const env = { KAFKA_TOPIC_PREFIX: prefix };

  beforeAll(async () => {
    const manifest = JSON.parse(readFileSync(path.join(repo, 'generated/registry.json'), 'utf8')) as RegistrationManifestData;
    await applyRegistration(manifest, { url: registryUrl() });
  });

  it('sends a valid Avro event from a JSON file and reads it back decoded', async () => {
    // Through one encode/decode first: a random float narrows once.
    const once = InspectionCreatedCodec.decode(InspectionCreatedCodec.encode(InspectionCreatedCodec.random()));
    const event = { $type: 'InspectionCreated', ...(toJson(once) as object) };
    const file = path.join(repo, '.cache', `${prefix}event.json`);
    writeFileSync(file, JSON.stringify(event, null, 2));
    const sent = await kafkagen(['produce', '--topic', 'chipquality.inspection.events', '--file', file, '--header', 'tenant=acme', '--header', 'note=a=b', '--correlation-id', 'corr-7'], env);
    expect(sent.stderr).toBe('');
    expect(sent.status).toBe(0);
    // The catalog name, as consume prints it (KAFKA_TOPIC_PREFIX is not part of it).
    expect(JSON.parse(sent.stdout)).toMatchObject({ topic: 'chipquality.inspection.events', eventType: 'InspectionCreated', offset: '0' });

    const read = await kafkagen(['consume', '--topic', 'chipquality.inspection.events', '--from-beginning', '--max', '1', '--timeout', '60000'], env);
    expect(read.status, read.stderr).toBe(0);
    const line = JSON.parse(read.stdout.trim());
    expect(line).toMatchObject({ topic: 'chipquality.inspection.events', eventType: 'InspectionCreated', offset: '0' });
    // The envelope (kafkagen.yaml) fills an unset (null or '') correlation_id with the record's correlation id.
    const metadata = (event as unknown as { metadata: { correlation_id: string | null } }).metadata;
    expect(line.value).toEqual({ ...event, metadata: { ...metadata, correlation_id: metadata.correlation_id || 'corr-7' } });
    expect(line.headers).toMatchObject({ tenant: 'acme', note: 'a=b', 'correlation-id': 'corr-7', 'kafkagen-event-type': 'InspectionCreated' });
    expect(Math.abs(Date.parse(line.timestamp) - Date.now())).toBeLessThan(300_000);
    expect(line.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('fills the catalog envelope of an event that leaves it out (JSON Schema topic)', async () => {
    const full: Record<string, unknown> = { ...(examples['ownlens/customer/session.schema.json'] as Record<string, unknown>), session_id: randomUUID() };
    const { metadata: _left, ...event } = full;
    const file = path.join(repo, '.cache', `${prefix}envelope.json`);
    writeFileSync(file, JSON.stringify(event));
    const envEnvelope = { ...env, KAFKA_TOPIC_PREFIX: `${prefix}env.`, KAFKA_CLIENT_ID: 'web-tracker' };
    const before = Date.now();
    const sent = await kafkagen(['produce', '--topic', 'customer-sessions', '--file', file, '--correlation-id', 'req-9'], envEnvelope);
    expect(sent.status, sent.stderr).toBe(0);
    const read = await kafkagen(['consume', '--topic', 'customer-sessions', '--from-beginning', '--max', '1', '--timeout', '60000'], envEnvelope);
    expect(read.status, read.stderr).toBe(0);
    const line = JSON.parse(read.stdout.trim());
    // kafkagen.yaml: fill { produced_at: now, producer: clientId, version: { const: 1 }, correlation_id: correlationId }
    expect(line.value).toEqual({ ...event, metadata: { produced_at: expect.any(String), producer: 'web-tracker', version: 1, correlation_id: 'req-9' } });
    expect(Date.parse(line.value.metadata.produced_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(line.headers['correlation-id']).toBe('req-9');
    // One send time for the envelope and the header.
    expect(line.headers['kafkagen-produced-at']).toBe(line.value.metadata.produced_at);
  });

  it('prints a record it cannot decode with its error, and dead-letters nothing', async () => {
    const topic = `${prefix}customer-sessions`;
    await createTopic(topic);
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k1', value: Buffer.from('not the wire format') }] });
    await producer.disconnect();
    const read = await kafkagen(['consume', '--topic', 'customer-sessions', '--from-beginning', '--max', '1', '--timeout', '60000'], env);
    expect(read.status, read.stderr).toBe(0);
    const line = JSON.parse(read.stdout.trim());
    expect(line).toMatchObject({ topic: 'customer-sessions', offset: '0', key: 'k1', error: { stage: 'deserialize' }, valueBase64: Buffer.from('not the wire format').toString('base64') });
    await withAdmin(async (admin) => {
      expect(await admin.listTopics()).not.toContain(`${topic}.dlq`);
    });
  });

  it('replays dead letters once, filtered by stage and key; --all reads them again', async () => {
    const c = new KafkaClient({ brokers: kafkaBrokers(), registry: { url: registryUrl() }, topicPrefix: `${prefix}r.`, logger: silentLogger });
    try {
      await c.ensureTopics([customerSessionsTopic]);
      const base = examples['ownlens/customer/session.schema.json'] as Record<string, unknown>;
      for (const key of ['a', 'b']) await c.producerFor(customerSessionsTopic).send({ ...base, session_id: randomUUID() }, { key });
      const group = c.consume(customerSessionsTopic, () => {
        throw new Error('downstream down');
      }, { groupId: `${prefix}r.sessions`, fromBeginning: true, retry: { attempts: 1 } });
      await group.start();
      await waitFor(async () => (await group.health()).deadLettered === 2, 'two dead letters');
      await group.stop();

      const renv = { KAFKA_TOPIC_PREFIX: `${prefix}r.` };
      const wrongStage = await kafkagen(['replay', '--topic', 'customer-sessions', '--stage', 'validate'], renv);
      expect(wrongStage.stderr).toBe('');
      expect(wrongStage.stdout.trim()).toBe(`kafkagen: 0 replayed, 2 skipped from ${prefix}r.customer-sessions.dlq to ${prefix}r.customer-sessions`);
      // Skipped records count as done: a later replay only sees new dead letters.
      expect((await kafkagen(['replay', '--topic', 'customer-sessions'], renv)).stdout.trim()).toMatch(/^kafkagen: 0 replayed, 0 skipped/);
      const keyed = await kafkagen(['replay', '--topic', 'customer-sessions', '--all', '--stage', 'handle', '--key', 'b'], renv);
      expect(keyed.status, keyed.stderr).toBe(0);
      expect(keyed.stdout.trim()).toMatch(/^kafkagen: 1 replayed, 1 skipped/);
      const ends = await (await c.admin()).endOffsets(`${prefix}r.customer-sessions`);
      expect(ends.reduce((n, e) => n + Number(e.offset), 0)).toBe(3);
    } finally {
      await c.close();
    }
  }, 90_000);

  it('creates a missing topic and its dead-letter topic with the catalog\'s partitions', async () => {
    const pfx = `${prefix}p.`;
    const file = path.join(repo, '.cache', `${pfx}session.json`);
    writeFileSync(file, JSON.stringify({ ...(examples['ownlens/customer/session.schema.json'] as object), session_id: randomUUID() }));
    const sent = await kafkagen(['produce', '--topic', 'customer-sessions', '--file', file], { KAFKA_TOPIC_PREFIX: pfx });
    expect(sent.stderr).toBe('');
    expect(sent.status).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ topic: 'customer-sessions', offset: '0' });
    await withAdmin(async (admin) => {
      const { topics } = await admin.fetchTopicMetadata({ topics: [`${pfx}customer-sessions`, `${pfx}customer-sessions.dlq`] });
      expect(Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]))).toEqual({ [`${pfx}customer-sessions`]: 6, [`${pfx}customer-sessions.dlq`]: 6 }); // kafkagen.yaml: partitions: 6
    });
  }, 60_000);

  it('replays nothing, with exit 0, when the dead-letter topic does not exist yet', async () => {
    const pfx = `${prefix}none.`;
    const c = new KafkaClient({ brokers: kafkaBrokers(), registry: { url: registryUrl() }, topicPrefix: pfx, logger: silentLogger });
    try {
      // It returns because it found the topic missing (not after retrying offsets of a topic that is not there).
      expect(await replayDeadLetters(c, { deadLetterTopic: customerSessionsTopic.deadLetterTopic })).toEqual({ replayed: 0, skipped: 0, missing: true });
    } finally {
      await c.close();
    }
    const r = await kafkagen(['replay', '--topic', 'customer-sessions'], { KAFKA_TOPIC_PREFIX: pfx });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`kafkagen: 0 replayed, 0 skipped (${pfx}customer-sessions.dlq does not exist yet: nothing was dead-lettered)`);
    // Replay only reads: it does not create the topic it found missing.
    await withAdmin(async (admin) => {
      expect((await admin.listTopics()).filter((t) => t.startsWith(pfx))).toEqual([]);
    });
  }, 60_000);

  it('refuses an invalid event with exit 2 and its paths, sending nothing and creating no topic', async () => {
    const good = examples['ownlens/customer/session.schema.json'] as object;
    const bad = { ...good, session_id: 'not-a-uuid' };
    const file = path.join(repo, '.cache', `${prefix}bad.json`);
    writeFileSync(file, JSON.stringify([{ ...good, session_id: randomUUID() }, bad]));
    const r = await kafkagen(['produce', '--topic', 'customer-sessions', '--file', file], { KAFKA_TOPIC_PREFIX: `${prefix}bad.` });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Session for customer-sessions is invalid: \/session_id: must match format "uuid"/);
    expect(r.stdout).toBe('');
    await withAdmin(async (admin) => {
      expect((await admin.listTopics()).filter((t) => t.startsWith(`${prefix}bad.`))).toEqual([]);
    });
  });

  it('topics creates the catalog\'s missing topics with their partitions and configs, once', async () => {
    const tenv = { KAFKA_TOPIC_PREFIX: `${prefix}t.` };
    const dry = await kafkagen(['topics', '--dry-run'], tenv);
    expect(dry.status, dry.stderr).toBe(0);
    const dryRows = dry.stdout.trim().split('\n');
    expect(dryRows[0]).toMatch(/^topic +partitions +replication +status$/);
    expect(dryRows).toContainEqual(expect.stringMatching(/t\.customer-sessions +6 +broker's +would create$/));
    expect(dryRows).toContainEqual(expect.stringMatching(/t\.audit-logs\.quarantine +12 +broker's +would create$/));
    await withAdmin(async (admin) => {
      expect((await admin.listTopics()).filter((t) => t.startsWith(`${prefix}t.`))).toEqual([]);
      // A topic made elsewhere with another partition count is reported, never changed.
      await admin.createTopics({ topics: [{ topic: `${prefix}t.model-predictions`, numPartitions: 2 }], waitForLeaders: true });
      const made = await kafkagen(['topics'], tenv);
      expect(made.status, made.stderr).toBe(0);
      const madeRows = made.stdout.trim().split('\n').slice(1);
      expect(madeRows.filter((r) => !r.endsWith('created'))).toEqual([expect.stringMatching(/t\.model-predictions +12 +broker's +exists with 2 partitions$/)]);
      const meta = await admin.fetchTopicMetadata({ topics: [`${prefix}t.customer-sessions`, `${prefix}t.customer-sessions.dlq`] });
      expect(meta.topics.map((t) => t.partitions.length)).toEqual([6, 6]);
      const described = await admin.describeConfigs({ resources: [{ type: 2, name: `${prefix}t.audit-logs`, configNames: ['retention.ms'] }], includeSynonyms: false });
      expect(described.resources[0]!.configEntries[0]!.configValue).toBe('31536000000');
      const again = await kafkagen(['topics'], tenv);
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout.trim().split('\n').slice(1).filter((r) => !r.endsWith('exists'))).toEqual([expect.stringMatching(/model-predictions .*exists with 2 partitions$/)]);
      expect(again.stdout).toMatch(/t\.model-predictions +12 +broker's +exists with 2 partitions\n/);
    });
  }, 120_000);

  it('refuses a header that is not NAME=VALUE with exit 2', async () => {
    const r = await kafkagen(['produce', '--topic', 'customer-sessions', '--file', 'x.json', '--header', 'tenant'], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--header "tenant" is not NAME=VALUE');
  });

  it('names a topic that is not in the catalog, with a suggestion', async () => {
    const r = await kafkagen(['consume', '--topic', 'customer-sesions', '--max', '1'], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('topic "customer-sesions" is not in the catalog');
    expect(r.stderr).toContain('did you mean customer-sessions?');
  });
});

