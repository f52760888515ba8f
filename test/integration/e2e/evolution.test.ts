// Schema evolution through generated code: records written by a producer generated from
// schema v1 are read by a consumer generated from a compatible v2, and v2 registers under
// the topic's BACKWARD level while an incompatible v3 is refused.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveContext } from '../../../generator/context.js';
import { generate } from '../../../generator/generate.js';
import { KafkaClient, applyRegistration, silentLogger, type RegistrationManifestData } from '../../../runtime/index.js';
import { waitFor } from '../../support/runtime.js';
import { kafkaBrokers, registryUrl, uniqueTopic } from '../../support/services.js';

const repo = path.resolve(import.meta.dirname, '../../..');
const run = uniqueTopic('evolution');
const clients: KafkaClient[] = [];
afterAll(() => Promise.all(clients.map((c) => c.close())));

async function project(version: string, fields: unknown[]): Promise<{ mod: Record<string, unknown>; manifest: RegistrationManifestData }> {
  const dir = path.join(repo, '.cache', run, version);
  mkdirSync(path.join(dir, 'schemas'), { recursive: true });
  writeFileSync(path.join(dir, 'schemas/shipment.avsc'), JSON.stringify({ type: 'record', name: 'Shipment', namespace: `com.${run.replace(/[^a-z0-9]/g, '')}`, fields }));
  writeFileSync(path.join(dir, 'kafkagen.yaml'), `runtime: ../../../../runtime/index.js\ntopics:\n  ${run}.shipments: { value: com.${run.replace(/[^a-z0-9]/g, '')}.Shipment, key: { field: id } }\n`);
  generate(resolveContext({ cwd: dir }), { check: false });
  return { mod: (await import(path.join(dir, 'generated/index.ts'))) as Record<string, unknown>, manifest: JSON.parse(readFileSync(path.join(dir, 'generated/registry.json'), 'utf8')) as RegistrationManifestData };
}

describe('schema evolution through generated clients', () => {
  it('a consumer generated from v2 reads records a producer generated from v1 wrote', async () => {
    const v1 = await project('v1', [{ name: 'id', type: 'string' }, { name: 'weight_g', type: 'int' }]);
    const v2 = await project('v2', [{ name: 'id', type: 'string' }, { name: 'weight_g', type: 'long' }, { name: 'carrier', type: 'string', default: 'unknown' }, { name: 'eta', type: ['null', { type: 'long', logicalType: 'timestamp-millis' }], default: null }]);
    const v3 = await project('v3', [{ name: 'id', type: 'string' }, { name: 'weight_g', type: 'long' }, { name: 'carrier', type: 'string' }, { name: 'insured', type: 'boolean' }]);

    expect((await applyRegistration(v1.manifest, { url: registryUrl() })).map((r) => r.status)).toEqual(['registered']);
    const client = new KafkaClient({ brokers: kafkaBrokers(), registry: { url: registryUrl() }, logger: silentLogger });
    clients.push(client);
    const descriptor = Object.values(v1.mod).find((v) => typeof v === 'object' && v !== null && 'events' in v) as unknown as { topic: string };
    await client.ensureTopics([descriptor as never]);
    const Producer = Object.entries(v1.mod).find(([n]) => n.endsWith('Producer'))![1] as new (c: KafkaClient) => { send(e: unknown): Promise<unknown> };
    await new Producer(client).send({ id: 's1', weight_g: 1200 });

    const got: unknown[] = [];
    const Consumer = Object.entries(v2.mod).find(([n]) => n.endsWith('Consumer'))![1] as new (c: KafkaClient, h: unknown, o: unknown) => { start(): Promise<void>; stop(): Promise<void> };
    const consumer = new Consumer(client, async (e: unknown) => void got.push(e), { groupId: `${run}-g`, fromBeginning: true });
    await consumer.start();
    await waitFor(() => got.length === 1, 'the v1 record');
    await consumer.stop();
    expect(got).toEqual([{ id: 's1', weight_g: 1200n, carrier: 'unknown', eta: null }]);

    // v2 is BACKWARD compatible and registers; v3 adds fields without defaults and is refused.
    expect((await applyRegistration(v2.manifest, { url: registryUrl() })).map((r) => r.status)).toEqual(['registered']);
    expect((await applyRegistration(v3.manifest, { url: registryUrl() })).map((r) => r.status)).toEqual(['incompatible']);
  });
});
