// Generator speed: kafkagen generate over the example domain and over a synthetic corpus,
// beside the same run's time for the libraries alone (avsc parsing every .avsc, and
// json-schema-to-typescript compiling every JSON Schema). Figures are ratios to that
// baseline, because these machines are noisy; targets are checked on absolute time too.
//   node --import tsx bench/generate.ts [count]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import avro from 'avsc';
import { compile } from 'json-schema-to-typescript';
import { resolveContext } from '../generator/context.js';
import { buildModel, render } from '../generator/generate.js';
import { findSchemaFiles } from '../generator/load/files.js';
import { writeCorpus } from './corpus.js';

const repo = path.resolve(import.meta.dirname, '..');
const count = Number(process.argv[2] ?? 1000);

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** avsc alone: parse every .avsc (in dependency order, one shared registry). */
function avscAlone(files: string[]): void {
  const registry = {};
  const pending = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
  for (let round = 0; pending.length > 0 && round < 50; round++) {
    for (let i = pending.length - 1; i >= 0; i--) {
      try {
        const defs = Array.isArray(pending[i]) ? pending[i] : [pending[i]];
        for (const d of defs) avro.Type.forSchema(d, { registry: { ...registry } });
        for (const d of defs) avro.Type.forSchema(d, { registry });
        pending.splice(i, 1);
      } catch {
        // a type it needs comes later: next round
      }
    }
  }
}

async function jsttAlone(files: string[]): Promise<void> {
  for (const f of files) {
    await compile(JSON.parse(readFileSync(f, 'utf8')), path.basename(f), { cwd: path.dirname(f), bannerComment: '', format: false });
  }
}

async function measure(label: string, schemasDir: string, configFile?: string): Promise<Record<string, number | string>> {
  const ctx = resolveContext({ cwd: repo, ...(configFile ? { config: configFile } : { schemas: schemasDir, out: path.join(repo, '.cache/bench-out') }) });
  buildModel(ctx); // warm up module loading and JIT once, as a watch or a second run would be
  const gen = time(() => render(buildModel(ctx), ctx));
  const files = findSchemaFiles(ctx.schemasDir, repo);
  const avroFiles = files.filter((f) => f.format === 'avro').map((f) => f.abs);
  const jsonFiles = files.filter((f) => f.format === 'json').map((f) => f.abs);
  const avsc = time(() => avscAlone(avroFiles)).ms;
  const jstt = await timeAsync(() => jsttAlone(jsonFiles));
  return {
    corpus: label,
    schemas: files.length,
    'files out': gen.value.size,
    'kafkagen ms': Math.round(gen.ms),
    'avsc alone ms': Math.round(avsc),
    'json-schema-to-typescript alone ms': Math.round(jstt),
    'ratio to baseline': Number((gen.ms / (avsc + jstt)).toFixed(2)),
  };
}

const rows = [await measure('example domain (schemas/)', path.join(repo, 'schemas'), path.join(repo, 'kafkagen.yaml'))];
const corpusDir = path.join(repo, '.cache/bench-corpus');
writeCorpus(corpusDir, count);
rows.push(await measure(`synthetic ${count}`, corpusDir));
console.table(rows);
const [domain, synthetic] = rows as Array<Record<string, number>>;
console.log(`targets: example domain ${domain!['kafkagen ms']} ms (< 1000), ${count} schemas ${synthetic!['kafkagen ms']} ms (< 10000)`);
