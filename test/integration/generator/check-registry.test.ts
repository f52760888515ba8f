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
});
