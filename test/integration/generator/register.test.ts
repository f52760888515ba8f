// Registration against the real registry: references first, compatibility per subject,
// idempotent re-runs, and the registry's refusal of an incompatible change.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveContext } from '../../../generator/context.js';
import { loadCatalog } from '../../../generator/load/catalog.js';
import { buildManifest } from '../../../generator/registration.js';
import type { Model } from '../../../generator/model.js';
import { applyRegistration } from '../../../runtime/registration.js';
import { loadAvro } from '../../support/schemas.js';
import { registryUrl, uniqueTopic } from '../../support/services.js';

const repo = path.resolve(import.meta.dirname, '../../..');

function avroModel(files: Record<string, unknown>, catalog: string): Model {
  const { types, modules, dir } = loadAvro(files);
  const file = path.join(dir, 'kafkagen.yaml');
  writeFileSync(file, catalog);
  const ctx = resolveContext({ cwd: dir, config: file });
  return { types, modules, topics: loadCatalog(ctx.catalog!, types) };
}

async function registry(pathname: string): Promise<unknown> {
  const res = await fetch(`${registryUrl()}${pathname}`);
  return res.json();
}

describe('kafkagen register (real registry)', () => {
  it('registers a multi-event topic with references in dependency order, then changes nothing', async () => {
    const chip = path.join(repo, 'schemas/chipquality');
    const files = Object.fromEntries(['common', 'inspection'].map((f) => [`${f}.avsc`, readFileSync(path.join(chip, `${f}.avsc`), 'utf8')]));
    // A unique namespace per run keeps this run's reference subjects its own.
    const ns = `run${Date.now().toString(36)}`;
    for (const k of Object.keys(files)) files[k] = (files[k] as string).replaceAll('com.chipquality.', `${ns}.chipquality.`);
    const topic = uniqueTopic('reg.inspection');
    const model = avroModel(files, `
topics:
  ${topic}:
    value: [${ns}.chipquality.inspection.InspectionCreated, ${ns}.chipquality.inspection.InspectionCompleted]
    key: { field: inspection_id }
    compatibility: FULL_TRANSITIVE
`);
    const manifest = buildManifest(model, 'BACKWARD');
    const order = manifest.subjects.map((s) => s.subject);
    const value = manifest.subjects.find((s) => s.subject === `${topic}-value`)!;
    expect(JSON.parse(value.schema)).toEqual([`${ns}.chipquality.inspection.InspectionCreated`, `${ns}.chipquality.inspection.InspectionCompleted`]);
    // Every reference comes before the subjects that use it.
    for (const s of manifest.subjects) for (const r of s.references) expect(order.indexOf(r.subject)).toBeLessThan(order.indexOf(s.subject));

    const first = await applyRegistration(manifest, { url: registryUrl() });
    expect(first.map((r) => r.status)).toEqual(manifest.subjects.map(() => 'registered'));
    expect(first.every((r) => typeof r.id === 'number' && r.version === 1)).toBe(true);

    const again = await applyRegistration(manifest, { url: registryUrl() });
    expect(again.map((r) => r.status)).toEqual(manifest.subjects.map(() => 'unchanged'));
    expect(again.map((r) => r.id)).toEqual(first.map((r) => r.id));

    const stored = (await registry(`/subjects/${encodeURIComponent(`${topic}-value`)}/versions/latest`)) as { references?: Array<{ name: string; subject: string; version: number }> };
    expect(stored.references?.map((r) => r.name)).toEqual([`${ns}.chipquality.inspection.InspectionCreated`, `${ns}.chipquality.inspection.InspectionCompleted`]);
    const config = (await registry(`/config/${encodeURIComponent(`${topic}-value`)}`)) as { compatibilityLevel?: string; compatibility?: string };
    expect(config.compatibilityLevel ?? config.compatibility).toBe('FULL_TRANSITIVE');
  });

  it('reports an incompatible change as refused and registers nothing after it', async () => {
    const topic = uniqueTopic('reg.orders');
    const name = `t${Date.now().toString(36)}.Order`;
    const v1 = avroModel({ 'o.avsc': { type: 'record', name, fields: [{ name: 'id', type: 'string' }] } }, `topics:\n  ${topic}: { value: ${name}, subjectNaming: TopicNameStrategy }\n`);
    expect((await applyRegistration(buildManifest(v1), { url: registryUrl() })).map((r) => r.status)).toEqual(['registered']);
    // A new required field without a default breaks BACKWARD.
    const v2 = avroModel({ 'o.avsc': { type: 'record', name, fields: [{ name: 'id', type: 'string' }, { name: 'total', type: 'long' }] } }, `topics:\n  ${topic}: { value: ${name} }\n`);
    const rows = await applyRegistration(buildManifest(v2), { url: registryUrl() });
    expect(rows).toEqual([{ subject: `${topic}-value`, version: undefined, id: undefined, status: 'incompatible', reason: expect.any(String) }]);
    const versions = await registry(`/subjects/${encodeURIComponent(`${topic}-value`)}/versions`);
    expect(versions).toEqual([1]);
  });
});
