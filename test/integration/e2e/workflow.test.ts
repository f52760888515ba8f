// The whole workflow on the example domain, against the real broker and registry:
// generated/ (from schemas/) -> register -> for every topic, produce with the generated
// producer and consume with the generated consumer; every field, logical type and event
// type comes back equal. One consumer group serves all fifteen topics (the event-bus pattern).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveContext } from '../../../generator/context.js';
import { buildModel } from '../../../generator/generate.js';
import * as generated from '../../../generated/index.js';
import { KafkaClient, applyRegistration, fillEnvelope, silentLogger, type EventContext, type RegistrationManifestData, type TopicDescriptor } from '../../../runtime/index.js';
import { TYPE_TAG } from '../../../runtime/avro.js';
import { examples } from '../../fixtures/events/ownlens.js';
import { kafkaBrokers, registryUrl, uniqueTopic } from '../../support/services.js';

const repo = path.resolve(import.meta.dirname, '../../..');
const exportsByName = generated as unknown as Record<string, unknown>;
const descriptors = Object.entries(exportsByName).filter(([n, v]) => n.endsWith('Topic') && typeof v === 'object' && v !== null && 'events' in v) as Array<[string, TopicDescriptor]>;

interface Sent {
  topic: string;
  event: unknown;
  expected: unknown;
}

/** What a consumer must get back: the value after one encode/decode (floats narrow once). */
function expectedOf(d: TopicDescriptor, eventName: string, value: unknown): unknown {
  const e = d.events.find((x) => x.name === eventName)!;
  if (d.format === 'JSON') return value;
  const { [TYPE_TAG]: _tag, ...plain } = value as Record<string, unknown>;
  const back = e.codec!.decode(e.codec!.encode(d.events.length > 1 ? plain : value)) as Record<string, unknown>;
  return d.events.length > 1 ? { [TYPE_TAG]: eventName, ...back } : back;
}

function jsonExamples(topic: string): unknown[] {
  const model = buildModel(resolveContext({ cwd: repo }));
  const t = model.topics.find((x) => x.name === topic)!;
  const file = t.events[0]!.typeId.replace(/#$/, '');
  const ex = (examples as Record<string, unknown>)[file];
  return Array.isArray(ex) ? ex : [ex];
}

describe('generate -> register -> produce -> consume, every topic of the example domain', () => {
  const prefix = `${uniqueTopic('e2e')}.`;
  let client: KafkaClient;

  beforeAll(async () => {
    client = new KafkaClient({ brokers: kafkaBrokers(), registry: { url: registryUrl() }, topicPrefix: prefix, logger: silentLogger, clientId: 'e2e' });
    const manifest = JSON.parse(readFileSync(path.join(repo, 'generated/registry.json'), 'utf8')) as RegistrationManifestData;
    const rows = await applyRegistration(manifest, { url: registryUrl() });
    expect(rows.filter((r) => r.status !== 'registered' && r.status !== 'unchanged')).toEqual([]);
    await client.ensureTopics(descriptors.map(([, d]) => d));
  });

  afterAll(async () => {
    await client?.close();
  });

  it('has a descriptor, a producer and a consumer class for each of the 15 catalog topics', () => {
    expect(descriptors.length).toBe(15);
    for (const [name] of descriptors) {
      const base = name.charAt(0).toUpperCase() + name.slice(1, -'Topic'.length);
      expect(typeof exportsByName[`${base}Producer`], base).toBe('function');
      expect(typeof exportsByName[`${base}Consumer`], base).toBe('function');
    }
  });

  it('round-trips every event type of every topic', async () => {
    const sent: Sent[] = [];
    for (const [name, d] of descriptors) {
      const base = name.charAt(0).toUpperCase() + name.slice(1, -'Topic'.length);
      const Producer = exportsByName[`${base}Producer`] as new (c: KafkaClient) => { send(e: unknown, o?: unknown): Promise<unknown>; sendKeyed?(k: unknown, e: unknown): Promise<unknown> };
      const producer = new Producer(client);
      const values: Array<{ name: string; value: unknown }> =
        d.format === 'JSON'
          ? jsonExamples(d.topic).map((v) => ({ name: d.events[0]!.name, value: v }))
          : d.events.flatMap((e) => [0, 1].map(() => ({ name: e.name, value: d.events.length > 1 ? { [TYPE_TAG]: e.name, ...(e.codec!.random() as object) } : e.codec!.random() })));
      for (const { name: eventName, value } of values) {
        const r = (d.key.kind === 'schema' ? await producer.sendKeyed!(d.key.codec!.random(), value) : await producer.send(value, d.key.kind === 'string' ? { key: 'k' } : undefined)) as { correlationId: string };
        // The catalog's envelope fills what the value left unset (here: null correlation ids, with the record's own).
        const filled = d.envelope ? fillEnvelope(d.envelope, value, { clientId: 'e2e', correlationId: r.correlationId, now: new Date(Number.NaN) }) : value;
        sent.push({ topic: d.topic, event: eventName, expected: expectedOf(d, eventName, filled) });
      }
    }

    const received: Array<{ topic: string; event: unknown; ctx: EventContext }> = [];
    const group = client.group({ groupId: `${prefix}all`, fromBeginning: true });
    for (const [name, d] of descriptors) {
      const base = name.charAt(0).toUpperCase() + name.slice(1, -'Topic'.length);
      const Consumer = exportsByName[`${base}Consumer`] as { route(g: unknown, h: unknown): unknown };
      Consumer.route(group, async (event: unknown, ctx: EventContext) => {
        received.push({ topic: d.topic, event, ctx });
      });
    }
    await group.start();
    const deadline = Date.now() + 60_000;
    while (received.length < sent.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await group.stop();

    expect(received.length).toBe(sent.length);
    for (const s of sent) {
      const match = received.filter((r) => r.topic === s.topic).map((r) => r.event);
      expect(match, `${s.topic} ${String(s.event)}`).toContainEqual(s.expected);
    }
    // audit-logs is `wire: plain` in the catalog: bare JSON, no schema id; every other topic is framed.
    for (const r of received) {
      if (r.topic === 'audit-logs') expect([r.ctx.schemaId, r.ctx.headers['content-type']]).toEqual([0, 'application/json']);
      else expect(r.ctx.schemaId, r.topic).toBeGreaterThan(0);
    }
    const ctx = received[0]!.ctx;
    expect(ctx.headers['kafkagen-event-type']).toBe(ctx.eventType);
    // Every topic has an envelope: its correlation_id and the record's header are one and the same.
    for (const r of received) expect(r.ctx.headers['correlation-id'], r.topic).toBe((r.event as { metadata: { correlation_id: string } }).metadata.correlation_id);
    expect(received.every((r) => (r.ctx.headers['correlation-id'] ?? '') !== '')).toBe(true);
    expect(Number(ctx.headers['kafkagen-schema-id'])).toBe(ctx.schemaId);
  });
});
