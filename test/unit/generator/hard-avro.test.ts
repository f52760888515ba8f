// The hard-case corpus (test/fixtures/hard/avro): deep nesting, recursion, unions of records
// across files, every logical type, keyword and prototype names, hostile docs and defaults.
// Generated code must compile under strict and mean what the schema says.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findSchemaFiles } from '../../../generator/load/files.js';
import { loadAvroSchemas } from '../../../generator/load/avro.js';
import { emitModule } from '../../../generator/emit/module.js';
import { typesWithDistinctInput } from '../../../generator/emit/types.js';
import type { NamedType } from '../../../generator/model.js';
import { strictDiagnostics } from '../../support/compile.js';

const repo = path.resolve(import.meta.dirname, '../../..');
const fixtures = path.join(repo, 'test/fixtures/hard/avro');
const out = path.join(repo, '.cache/hard-avro-out');

function generateCorpus(): { files: string[]; texts: Map<string, string> } {
  const result = loadAvroSchemas(findSchemaFiles(fixtures, repo), { long: 'bigint' });
  const types = new Map<string, NamedType>(result.types.map((t) => [t.id, t]));
  const differs = typesWithDistinctInput({ types });
  const texts = new Map<string, string>();
  // The runtime, seen from .cache/hard-avro-out/<module>.ts
  for (const m of result.modules) texts.set(m.path, emitModule(m, { types }, differs, { runtimeImport: '../../runtime/index.js', long: 'bigint' }));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const files: string[] = [];
  for (const [p, text] of texts) {
    const file = path.join(out, `${p}.ts`);
    writeFileSync(file, text);
    files.push(file);
  }
  return { files, texts };
}

describe('hard Avro corpus', () => {
  let corpus: ReturnType<typeof generateCorpus>;
  beforeAll(() => {
    corpus = generateCorpus();
  });

  it('compiles under tsc --strict', () => {
    expect(strictDiagnostics(corpus.files)).toEqual([]);
  });

  it('is deterministic', () => {
    const again = generateCorpus();
    expect([...again.texts.entries()]).toEqual([...corpus.texts.entries()]);
  });

  it('cannot be escaped by docs, names or defaults', () => {
    const text = corpus.texts.get('keywords')!;
    // The hostile doc is inside a comment, with its terminator neutralised.
    expect(text).toContain('*\\/ export const pwned = 1; /*');
    expect(text).not.toMatch(/^export const pwned/m);
    expect(text).toContain('"__proto__": number;');
    expect(text).toContain('export type Keyword = "class" | "default" | "function" | "__proto__" | "constructor" | "null" | "typeof";');
  });

  it('emits a type referenced from several files once, and imports it', () => {
    const a = corpus.texts.get('cross-a')!;
    expect(a).toContain('import type { Beta, BetaInput, Shared } from "./cross-b.js";');
    expect(a).not.toMatch(/interface Shared\b/);
    expect(corpus.texts.get('cross-b')).toContain('import type { Alpha, AlphaInput } from "./cross-a.js";');
  });

  it('round-trips random values of every type and meets the generated validators', async () => {
    // avsc's random() never ends on a tree whose nodes hold arrays of nodes; recursive
    // types get their own test below.
    let exercised = 0;
    for (const file of corpus.files.filter((f) => !f.endsWith('recursive.ts'))) {
      const mod = (await import(file)) as Record<string, unknown>;
      for (const [name, codec] of Object.entries(mod)) {
        if (!name.endsWith('Codec')) continue;
        const c = codec as { random(): unknown; encode(v: unknown): Buffer; decode(b: Buffer): unknown; validate(v: unknown): { ok: boolean } };
        exercised++;
        for (let i = 0; i < 20; i++) {
          let v: unknown;
          try {
            v = c.random();
          } catch (e) {
            if (e instanceof RangeError) continue; // a random recursive value ran too deep
            throw e;
          }
          expect(c.validate(v), `${name} random value`).toMatchObject({ ok: true });
          // A float field narrows a random double once; after that the round trip is exact.
          const once = c.decode(c.encode(v));
          expect(c.decode(c.encode(once)), name).toEqual(once);
        }
      }
    }
    expect(exercised).toBeGreaterThanOrEqual(15);
  });

  it('round-trips recursive values, mutual recursion included', async () => {
    const mod = (await import(path.join(out, 'recursive.ts'))) as Record<string, { encode(v: unknown): Buffer; decode(b: Buffer): unknown; validate(v: unknown): unknown }>;
    const tree = { label: 'root', children: [{ label: 'a', children: [], parent_ref: null }, { label: 'b', children: [{ label: 'c', children: [], parent_ref: { value: 1, next: { value: 2, next: null, tree: null }, tree: null } }], parent_ref: null }], parent_ref: null };
    expect(mod.TreeNodeCodec!.decode(mod.TreeNodeCodec!.encode(tree))).toEqual(tree);
    const bad = { ...tree, children: [{ label: 'a', children: [{ label: 5 }] }] };
    expect(mod.TreeNodeCodec!.validate(bad)).toEqual({ ok: false, errors: [{ path: '/children/0/children/0/label', message: 'expected a string, got number 5' }] });
  });

  it('keeps the meaning of hostile defaults', async () => {
    const mod = (await import(path.join(out, 'keywords.ts'))) as { ClassCodec: { decode(b: Buffer): Record<string, unknown>; encode(v: unknown): Buffer } };
    const decoded = mod.ClassCodec.decode(mod.ClassCodec.encode(JSON.parse('{"__proto__": 1}')));
    expect(decoded.constructor).toBe('`${process.exit(1)}`');
    expect(decoded.default).toBe('"quoted" \'single\' \\ backslash \u2028 line separator');
    expect(decoded.valueOf).toEqual({ constructor: 'class', toString: 'null' });
    expect(decoded.interface).toEqual(['typeof']);
    expect(decoded.class).toBe('class');
  });
});
