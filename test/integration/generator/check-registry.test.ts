// `kafkagen check --registry URL` against the real registry: the registry's verdict on each
// subject of the catalog, in the same report format.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../generator/cli.js';
import { applyRegistration, type RegistrationManifestData } from '../../../runtime/registration.js';
import { generate } from '../../../generator/generate.js';
import { resolveContext } from '../../../generator/context.js';
import { schemaDir } from '../../support/schemas.js';
import { registryUrl, uniqueTopic } from '../../support/services.js';

describe('kafkagen check --registry', () => {
  it('reports OK for a compatible change and BREAKING for an incompatible one', async () => {
    const topic = uniqueTopic('check.reg');
    const ns = `c${Date.now().toString(36)}`;
    const schema = (fields: unknown[]) => JSON.stringify({ type: 'record', name: 'Reading', namespace: ns, fields });
    const base = [{ name: 'id', type: 'string' }, { name: 'value', type: 'double' }];
    const dir = schemaDir({ 'schemas/reading.avsc': schema(base), 'kafkagen.yaml': `topics:\n  ${topic}: { value: ${ns}.Reading, key: { field: id } }\n` });
    generate(resolveContext({ cwd: dir }), { check: false });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'generated/registry.json'), 'utf8')) as RegistrationManifestData;
    await applyRegistration(manifest, { url: registryUrl() });

    const run = async () => {
      const out: string[] = [];
      const code = await main(['check', '--registry', registryUrl()], { out: (l) => out.push(l), err: (l) => out.push(l), cwd: dir });
      return { code, out: out.join('\n') };
    };
    writeFileSync(path.join(dir, 'schemas/reading.avsc'), schema([...base, { name: 'unit', type: 'string', default: 'C' }]));
    const ok = await run();
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(new RegExp(`^OK\\s+${topic.replace(/\./g, '\\.')}-value$`, 'm'));

    writeFileSync(path.join(dir, 'schemas/reading.avsc'), schema([...base, { name: 'unit', type: 'string' }]));
    const breaking = await run();
    expect(breaking.code).toBe(1);
    expect(breaking.out).toMatch(new RegExp(`^BREAKING\\s+${topic.replace(/\./g, '\\.')}-value$`, 'm'));
  });

  it('says once per subject that Apicurio cannot check a schema with references, with the fix', async () => {
    const topic = uniqueTopic('check.refs');
    const ns = `r${Date.now().toString(36)}`;
    const reading = JSON.stringify({ type: 'record', name: 'Reading', namespace: ns, fields: [{ name: 'id', type: 'string' }, { name: 'unit', type: `${ns}.Unit` }] });
    const unit = JSON.stringify({ type: 'enum', name: 'Unit', namespace: ns, symbols: ['C', 'F'] });
    const dir = schemaDir({ 'schemas/reading.avsc': reading, 'schemas/unit.avsc': unit, 'kafkagen.yaml': `topics:\n  ${topic}: { value: ${ns}.Reading, key: { field: id } }\n` });
    generate(resolveContext({ cwd: dir }), { check: false });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'generated/registry.json'), 'utf8')) as RegistrationManifestData;
    expect(manifest.subjects.find((s) => s.subject === `${topic}-value`)?.references.length).toBe(1);
    await applyRegistration(manifest, { url: registryUrl() });

    const out: string[] = [];
    const code = await main(['check', '--registry', registryUrl()], { out: (l) => out.push(l), err: (l) => out.push(l), cwd: dir });
    const text = out.join('\n');
    if (!/\/apis\/ccompat\//.test(registryUrl())) {
      expect(code, text).toBe(0); // Confluent's registry checks schemas with references
      return;
    }
    expect(code, text).toBe(2);
    expect(text).toMatch(new RegExp(`^ERROR\\s+${topic.replace(/\./g, '\\.')}-value\n  Apicurio Registry cannot check schemas with references through its Confluent-compatible API \\(this schema has 1 reference; the registry answered 422: `, 'm'));
    expect(text).toContain('fix: check this subject with kafkagen check --against REF');
    expect(text.match(/^ERROR/gm)).toHaveLength(1); // the referenced enum itself has no references: checked as usual
    expect(text).toMatch(new RegExp(`^OK\\s+${ns}\\.Unit$`, 'm'));
  });
});
