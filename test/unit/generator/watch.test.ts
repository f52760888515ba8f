// `kafkagen generate --watch`: regenerates on schema and catalog changes, reports a broken
// schema and keeps watching, and ends cleanly (AbortSignal in process, SIGINT as a command).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../generator/cli.js';
import { schemaDir } from '../../support/schemas.js';

const repo = path.resolve(import.meta.dirname, '../../..');
const order = { type: 'record', name: 'com.shop.Order', fields: [{ name: 'id', type: 'string' }] };
const withField = (name: string) => ({ ...order, fields: [...order.fields, { name, type: 'int' }] });

/** Resolves when `lines` gets a line matching `re` after index `from`. */
function waitFor(lines: string[], re: RegExp, from = 0, ms = 10_000): Promise<string> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      const hit = lines.slice(from).find((l) => re.test(l));
      if (hit) return resolve(hit);
      if (Date.now() - start > ms) return reject(new Error(`no line matching ${re} in:\n${lines.join('\n')}`));
      setTimeout(poll, 25);
    };
    poll();
  });
}

describe('kafkagen generate --watch', () => {
  it('regenerates on a schema change, survives a broken schema, and stops on abort', async () => {
    const dir = schemaDir({ 'schemas/order.avsc': order });
    const out: string[] = [];
    const err: string[] = [];
    const ac = new AbortController();
    const done = main(['generate', '--watch', '--schemas', 'schemas', '--out', 'out'], { out: (l) => out.push(l), err: (l) => err.push(l), cwd: dir, signal: ac.signal });

    await waitFor(out, /^kafkagen: watching schemas/);
    expect(out[0]).toMatch(/1 schemas read, 2 files written/);
    expect(readFileSync(path.join(dir, 'out/order.ts'), 'utf8')).not.toContain('quantity');

    let mark = out.length;
    writeFileSync(path.join(dir, 'schemas/order.avsc'), JSON.stringify(withField('quantity')));
    await waitFor(out, /1 schemas read, [1-9]\d* files written/, mark);
    expect(readFileSync(path.join(dir, 'out/order.ts'), 'utf8')).toContain('quantity');

    // A broken schema is reported with its file and the watch goes on; the output stays.
    writeFileSync(path.join(dir, 'schemas/order.avsc'), '{ "type": "record", ');
    await waitFor(err, /schemas\/order\.avsc/);
    expect(readFileSync(path.join(dir, 'out/order.ts'), 'utf8')).toContain('quantity');

    mark = out.length;
    writeFileSync(path.join(dir, 'schemas/order.avsc'), JSON.stringify(withField('amount')));
    await waitFor(out, /1 schemas read, [1-9]\d* files written/, mark);
    expect(readFileSync(path.join(dir, 'out/order.ts'), 'utf8')).toContain('amount');

    ac.abort();
    expect(await done).toBe(0);
  });

  it('regenerates when the catalog changes, and exits 0 on SIGINT', async () => {
    const catalog = (group: string) => `schemas: schemas\nout: out\ntopics:\n  shop-orders:\n    value: com.shop.Order\n    key: { field: id }\n    consumerGroup: ${group}\n`;
    const dir = schemaDir({ 'schemas/order.avsc': order, 'kafkagen.yaml': catalog('orders-a') });
    const child = spawn(process.execPath, [path.join(repo, 'bin/kafkagen.mjs'), 'generate', '--watch'], { cwd: dir });
    const out: string[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(...b.toString().split('\n').filter(Boolean)));
    child.stderr.on('data', (b: Buffer) => out.push(...b.toString().split('\n').filter(Boolean)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(out, /^kafkagen: watching/, 0, 20_000);
      const topicFile = out.length;
      writeFileSync(path.join(dir, 'kafkagen.yaml'), catalog('orders-b'));
      await waitFor(out, /files written/, topicFile);
      const generated = readFileSync(path.join(dir, 'out/registry.json'), 'utf8') + readFileSync(path.join(dir, 'out/topics/shop-orders.ts'), 'utf8');
      expect(generated).toContain('orders-b');
      expect(generated).not.toContain('orders-a');
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 40_000);
});
