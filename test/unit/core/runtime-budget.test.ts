// The runtime stays small and light: a size budget and an allow-list of packages it may
// import, checked in CI (as openapi-typescript does with size-limit).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const runtimeDir = path.resolve(import.meta.dirname, '../../../runtime');
// What ships: the runtime compiled to JavaScript without comments (comments say why and should
// not cost budget), gzipped. 34.0 KB when measured this way; raise it only on purpose.
// History: 27.5 -> 29.3 KB for envelope filling, bare JSON, the subscription assigner and
// client.health(); 30 -> 35 KB for the kafkajs record codec (transport/kafkajs-codec.ts), which
// halved the CPU cost of producing a record with headers (docs/benchmarks.md). Earlier,
// measured as commented source: 40 -> 42 KB for the Avro codec's fast paths (serde 1.7x -> ~1.1x
// plain avsc).
const BUDGET_GZIP_BYTES = 35 * 1024;
const ALLOWED_PACKAGES = ['ajv', 'ajv-formats', 'avsc', 'kafkajs', 'kafkajs-snappy'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('runtime budget', () => {
  const files = sources(runtimeDir);

  it(`is at most ${BUDGET_GZIP_BYTES / 1024} KB gzipped`, () => {
    const compile = (f: string) => ts.transpileModule(readFileSync(f, 'utf8'), { compilerOptions: { removeComments: true, module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    const all = files.map(compile).join('\n');
    expect(gzipSync(all).length).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  });

  it(`imports no package but ${ALLOWED_PACKAGES.join(', ')} and Node built-ins`, () => {
    const imported = new Set<string>();
    for (const f of files) {
      for (const m of readFileSync(f, 'utf8').matchAll(/^import\s+(?!type\b)[^'"]*from\s+'([^']+)'/gm)) {
        const spec = m[1]!;
        if (spec.startsWith('.') || spec.startsWith('node:')) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    expect([...imported].filter((p) => !ALLOWED_PACKAGES.includes(p))).toEqual([]);
  });
});
