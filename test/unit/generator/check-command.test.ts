// `kafkagen check --against REF|DIR`: the catalog's subjects, built from the schemas at a git
// ref or in a folder, checked at the catalog's levels; exit 0 / 1 / 2.
import { execFileSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../generator/cli.js';
import { schemaDir } from '../../support/schemas.js';

const order = (fields: unknown[]) => JSON.stringify({ type: 'record', name: 'Order', namespace: 'com.shop', fields }, null, 2);
const v1 = [{ name: 'id', type: 'string' }, { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } }];

function repoWithV1(level = 'BACKWARD'): string {
  const dir = schemaDir({
    'schemas/order.avsc': order(v1),
    'kafkagen.yaml': `topics:\n  shop.orders:\n    value: com.shop.Order\n    key: { field: id }\n    compatibility: ${level}\n`,
  });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '.');
  git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '-m', 'v1');
  return dir;
}

async function check(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['check', ...args], { out: (l) => out.push(l), err: (l) => err.push(l), cwd });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('kafkagen check', () => {
  it('passes a compatible change (a new field with a default) against the last commit', async () => {
    const dir = repoWithV1();
    writeFileSync(path.join(dir, 'schemas/order.avsc'), order([...v1, { name: 'note', type: ['null', 'string'], default: null }]));
    const r = await check(['--against', 'HEAD'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^OK\s+shop\.orders-value$/m);
  });

  it('fails a breaking change with its path, rule and hint', async () => {
    const dir = repoWithV1();
    writeFileSync(path.join(dir, 'schemas/order.avsc'), order([...v1, { name: 'total', type: 'long' }]));
    const r = await check(['--against', 'main'], dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^BREAKING\s+shop\.orders-value$/m);
    expect(r.out).toMatch(/total.*\(READER_FIELD_MISSING_DEFAULT_VALUE\)/);
    expect(r.out).toMatch(/hint: .*default/);
  });

  it('annotates the schema file for GitHub Actions', async () => {
    const dir = repoWithV1();
    writeFileSync(path.join(dir, 'schemas/order.avsc'), order([v1[0], { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW'] } }]));
    const r = await check(['--against', 'HEAD', '--format', 'github'], dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^::error file=schemas\/order\.avsc,line=\d+::shop\.orders-value: /m);
  });

  it('uses the history of the ref for transitive levels', async () => {
    const dir = repoWithV1('BACKWARD_TRANSITIVE');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
    // v2 drops the enum field (fine for BACKWARD against v1: a removed field is ignored)...
    writeFileSync(path.join(dir, 'schemas/order.avsc'), order([v1[0], { name: 'status', type: 'string', default: 'NEW' }]));
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qam', 'v2');
    // ...v3 is compatible with v2 but reads v1's enum as a string only through v2's change: check all.
    writeFileSync(path.join(dir, 'schemas/order.avsc'), order([v1[0], { name: 'status', type: 'int', default: 0 }]));
    const r = await check(['--against', 'HEAD'], dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/BREAKING\s+shop\.orders-value/);
  });

  it('compares with a folder', async () => {
    const dir = repoWithV1();
    const old = path.join(dir, 'old-schemas');
    cpSync(path.join(dir, 'schemas'), old, { recursive: true });
    writeFileSync(path.join(dir, 'schemas/order.avsc'), order([{ name: 'id', type: 'string' }]));
    const r = await check(['--against', old], dir);
    expect(r.code).toBe(0); // a removed field is BACKWARD compatible
    writeFileSync(path.join(dir, 'schemas/order.avsc'), order([v1[0], { name: 'status', type: 'long' }]));
    expect((await check(['--against', old], dir)).code).toBe(1);
  });

  it('exits 2 on an unknown ref, and without --against or --registry', async () => {
    const dir = repoWithV1();
    const r = await check(['--against', 'no-such-branch'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown git ref "no-such-branch"');
    expect((await check([], dir)).code).toBe(2);
  });
});
