// The `kafkagen` command: summary line, write-only-what-changed, stale-file removal,
// --check for CI, exit codes 0/1/2, and nothing half-written on bad input.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../generator/cli.js';
import { schemaDir } from '../../support/schemas.js';

const repo = path.resolve(import.meta.dirname, '../../..');

async function run(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), cwd });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const order = { type: 'record', name: 'com.shop.Order', fields: [{ name: 'id', type: 'string' }, { name: 'total', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 } }] };
const customer = { type: 'record', name: 'com.shop.Customer', fields: [{ name: 'id', type: 'string' }] };

describe('kafkagen generate', () => {
  it('generates, then writes only what changed, and removes what no longer belongs', async () => {
    const dir = schemaDir({ 'schemas/order.avsc': order, 'schemas/customer.avsc': customer, 'out/notes.txt': 'mine, not generated' });
    const first = await run(['generate', '--schemas', 'schemas', '--out', 'out'], dir);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^kafkagen: 2 schemas read, 3 files written, 0 unchanged, 0 removed in \d+ ms \(out\)$/);
    expect(existsSync(path.join(dir, 'out/order.ts'))).toBe(true);

    const second = await run(['generate', '--schemas', 'schemas', '--out', 'out'], dir);
    expect(second.out).toMatch(/2 schemas read, 0 files written, 3 unchanged, 0 removed/);

    rmSync(path.join(dir, 'schemas/customer.avsc'));
    const third = await run(['generate', '--schemas', 'schemas', '--out', 'out'], dir);
    expect(third.out).toMatch(/1 schemas read, 1 files written, 1 unchanged, 1 removed/);
    expect(existsSync(path.join(dir, 'out/customer.ts'))).toBe(false);
    expect(readFileSync(path.join(dir, 'out/notes.txt'), 'utf8')).toBe('mine, not generated');
  });

  it('--check writes nothing and exits 1 listing stale files', async () => {
    const dir = schemaDir({ 'schemas/order.avsc': order });
    await run(['generate', '--schemas', 'schemas', '--out', 'out'], dir);
    expect((await run(['generate', '--schemas', 'schemas', '--out', 'out', '--check'], dir)).code).toBe(0);

    writeFileSync(path.join(dir, 'schemas/order.avsc'), JSON.stringify({ ...order, doc: 'Changed' }));
    writeFileSync(path.join(dir, 'schemas/extra.avsc'), JSON.stringify(customer));
    const before = readFileSync(path.join(dir, 'out/order.ts'), 'utf8');
    const check = await run(['generate', '--schemas', 'schemas', '--out', 'out', '--check'], dir);
    expect(check.code).toBe(1);
    expect(check.err).toContain('out/order.ts (out of date)');
    expect(check.err).toContain('out/extra.ts (missing)');
    expect(readFileSync(path.join(dir, 'out/order.ts'), 'utf8')).toBe(before);
    expect(existsSync(path.join(dir, 'out/extra.ts'))).toBe(false);
  });

  it('exits 2 on a bad schema, naming it, and leaves the output as it was', async () => {
    const dir = schemaDir({ 'schemas/order.avsc': order, 'schemas/customer.avsc': customer });
    await run(['generate', '--schemas', 'schemas', '--out', 'out'], dir);
    const before = readFileSync(path.join(dir, 'out/order.ts'), 'utf8');
    writeFileSync(path.join(dir, 'schemas/order.avsc'), JSON.stringify({ ...order, doc: 'new', fields: [...order.fields, { name: 'who', type: 'Custmer' }] }));
    const r = await run(['generate', '--schemas', 'schemas', '--out', 'out'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('schemas/order.avsc:');
    expect(r.err).toContain('at /fields/2/type: unknown type name "Custmer"');
    expect(r.err).toContain('fix: did you mean "com.shop.Customer"?');
    expect(readFileSync(path.join(dir, 'out/order.ts'), 'utf8')).toBe(before);
  });

  it('exits 2 with a hint when there is neither a catalog nor --schemas', async () => {
    const r = await run(['generate'], schemaDir({}));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no kafkagen\.yaml in .*\n {2}fix: create kafkagen\.yaml .* kafkagen generate --schemas DIR --out DIR/);
  });

  it('exits 2 on an unknown option and an unknown command', async () => {
    expect((await run(['generate', '--shemas', 'x'], repo)).code).toBe(2);
    expect((await run(['genrate'], repo)).code).toBe(2);
  });

  it.each([['generate'], ['register'], ['check'], ['produce'], ['consume'], ['replay'], ['topics'], ['help', 'generate']])('%s --help exits 0 and shows usage', async (...cmd) => {
    const r = await run([...cmd, '--help'], repo);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: kafkagen|kafkagen: typed Kafka clients/m);
    expect(r.out).toContain('Exit codes');
  });
});

describe('the kafkagen binary', () => {
  it('runs through bin/kafkagen.mjs as npx does', () => {
    const out = execFileSync(process.execPath, [path.join(repo, 'bin/kafkagen.mjs'), '--help'], { encoding: 'utf8' });
    expect(out).toContain('Usage: kafkagen <command>');
    const bad = spawnSync(process.execPath, [path.join(repo, 'bin/kafkagen.mjs'), 'generate', '--config', 'missing.yaml'], { encoding: 'utf8', cwd: repo });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('catalog missing.yaml does not exist');
  });
});

describe('kafkagen generate with several broken schema files', () => {
  it('reports every broken file at once (Avro and JSON Schema), exit 2, nothing written', async () => {
    const dir = schemaDir({
      'schemas/order.avsc': order,
      'schemas/broken.avsc': '{ "type": "record", ',
      'schemas/typo.avsc': { type: 'record', name: 'com.shop.Refund', fields: [{ name: 'order', type: 'com.shop.Ordr' }] },
      'schemas/event.schema.json': { type: 'object', properties: { a: { $ref: '#/$defs/Missing' } } },
      'schemas/bad.schema.json': '[1, 2',
    });
    const r = await run(['generate', '--schemas', 'schemas', '--out', 'out'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^kafkagen: 2 problems:\n/);
    expect(r.err).toContain('schemas/broken.avsc:1: not valid JSON');
    expect(r.err).toContain('schemas/bad.schema.json:1: not valid JSON');
    expect(existsSync(path.join(dir, 'out'))).toBe(false);

    // With the syntax fixed, each file's first resolution problem shows, all at once.
    writeFileSync(path.join(dir, 'schemas/broken.avsc'), JSON.stringify({ type: 'record', name: 'com.shop.Note', fields: [{ name: 'by', type: 'com.shop.Custmer' }] }));
    writeFileSync(path.join(dir, 'schemas/bad.schema.json'), JSON.stringify({ type: 'object' }));
    const again = await run(['generate', '--schemas', 'schemas', '--out', 'out'], dir);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/^kafkagen: 3 problems:\n/);
    expect(again.err).toMatch(/schemas\/event\.schema\.json:\d+ at \/properties\/a\/\$ref/);
    expect(again.err).toContain('schemas/broken.avsc');
    expect(again.err).toContain('unknown type name "com.shop.Custmer"');
    expect(again.err).toContain('schemas/typo.avsc');
    expect(again.err).toContain('unknown type name "com.shop.Ordr"');
    expect(again.err).toContain('did you mean "com.shop.Order"?');
  });
});
