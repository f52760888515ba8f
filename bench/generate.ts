// Generator speed: kafkagen generate over the example domain and over a synthetic corpus,
// beside the same run's time for the libraries alone (avsc parsing every .avsc, and
// json-schema-to-typescript compiling every JSON Schema). Figures are ratios to that
// baseline, because these machines are noisy; targets are checked on absolute time too.
// Also runs the CLI once over the example domain, to split process start-up from the work.
// The synthetic corpus is shaped like a real domain (shared common types, short reference
// chains; see bench/corpus.ts); a deep reference chain is measured too, as information (no
// target): each Avro module embeds its whole self-contained schema, so output is quadratic there.
//   node --import tsx bench/generate.ts [count] [depth]   (synthetic schemas, default 1000; chain depth per format, default 100)
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import avro from 'avsc';
import { compile } from 'json-schema-to-typescript';
import { resolveContext } from '../generator/context.js';
import { buildModel, render } from '../generator/generate.js';
import { findSchemaFiles } from '../generator/load/files.js';
import { writeChainCorpus, writeCorpus } from './corpus.js';

const repo = path.resolve(import.meta.dirname, '..');
const count = Number(process.argv[2] ?? 1000);
const depth = Number(process.argv[3] ?? 100);

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

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** Named types a schema defines and type names it uses (full names), for parse order. */
function avroNames(schema: unknown, ns: string, defines: Set<string>, uses: Set<string>): void {
  const full = (name: string, space: string): string => (name.includes('.') || !space ? name : `${space}.${name}`);
  if (typeof schema === 'string') {
    if (!PRIMITIVES.has(schema)) uses.add(full(schema, ns));
  } else if (Array.isArray(schema)) {
    for (const s of schema) avroNames(s, ns, defines, uses);
  } else if (typeof schema === 'object' && schema !== null) {
    const s = schema as Record<string, unknown>;
    if (typeof s.name === 'string' && ['record', 'error', 'enum', 'fixed'].includes(s.type as string)) {
      const name = full(s.name, typeof s.namespace === 'string' ? s.namespace : ns);
      defines.add(name);
      ns = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : '';
      for (const f of (s.fields as Array<{ type: unknown }> | undefined) ?? []) avroNames(f.type, ns, defines, uses);
    } else if (s.type === 'array') avroNames(s.items, ns, defines, uses);
    else if (s.type === 'map') avroNames(s.values, ns, defines, uses);
    else avroNames(s.type, ns, defines, uses);
  }
}

/** avsc alone: parse every .avsc once, files another one uses first, into one shared registry. */
function avscAlone(files: string[]): void {
  const parsed = files.map((f) => {
    const value: unknown = JSON.parse(readFileSync(f, 'utf8'));
    const defines = new Set<string>();
    const uses = new Set<string>();
    avroNames(value, '', defines, uses);
    return { defs: Array.isArray(value) ? value : [value], defines, uses };
  });
  const definedIn = new Map<string, (typeof parsed)[number]>();
  for (const p of parsed) for (const n of p.defines) definedIn.set(n, p);
  const registry = {};
  const done = new Set<(typeof parsed)[number]>();
  const parse = (p: (typeof parsed)[number]): void => {
    if (done.has(p)) return;
    done.add(p);
    for (const n of p.uses) if (!p.defines.has(n) && definedIn.has(n)) parse(definedIn.get(n)!);
    for (const d of p.defs) avro.Type.forSchema(d, { registry });
  };
  for (const p of parsed) parse(p);
}

async function jsttAlone(files: string[]): Promise<void> {
  for (const f of files) {
    await compile(JSON.parse(readFileSync(f, 'utf8')), path.basename(f), { cwd: path.dirname(f), bannerComment: '', format: false });
  }
}

interface Row {
  corpus: string;
  schemas: number;
  'files out': number;
  'MB out': number;
  'kafkagen ms': number;
  'avsc alone ms': number;
  'json-schema-to-typescript alone ms': number;
  'ratio to baseline': number;
  target: string;
}

/**
 * In-process: load -> model -> render, everything but writing files (the first run in this
 * process, as the CLI does it once), beside the libraries alone over the same schemas.
 */
async function measure(label: string, limitMs: number | undefined, schemasDir: string, configFile?: string): Promise<Row> {
  const ctx = resolveContext({ cwd: repo, ...(configFile ? { config: configFile } : { schemas: schemasDir, out: path.join(repo, '.cache/bench-out') }) });
  const gen = time(() => render(buildModel(ctx), ctx));
  const files = findSchemaFiles(ctx.schemasDir, repo);
  const avroFiles = files.filter((f) => f.format === 'avro').map((f) => f.abs);
  const jsonFiles = files.filter((f) => f.format === 'json').map((f) => f.abs);
  const avsc = time(() => avscAlone(avroFiles)).ms;
  const jstt = await timeAsync(() => jsttAlone(jsonFiles));
  const row: Row = {
    corpus: label,
    schemas: files.length,
    'files out': gen.value.size,
    'MB out': Number(([...gen.value.values()].reduce((n, text) => n + Buffer.byteLength(text), 0) / 1e6).toFixed(1)),
    'kafkagen ms': Math.round(gen.ms),
    'avsc alone ms': Math.round(avsc),
    'json-schema-to-typescript alone ms': Math.round(jstt),
    'ratio to baseline': Number((gen.ms / (avsc + jstt)).toFixed(2)),
    target: limitMs === undefined ? 'info (no target)' : `< ${limitMs} ms: ${gen.ms < limitMs ? 'PASS' : 'FAIL'}`,
  };
  console.error(`${label}: ${row['kafkagen ms']} ms`);
  return row;
}

/** The CLI as a user runs it: process start, tsx, imports, then generate --check in-process. */
function cli(): { wallMs: number; inProcessMs: number } {
  const start = performance.now();
  const run = spawnSync(process.execPath, [path.join(repo, 'bin/kafkagen.mjs'), 'generate', '--check'], { cwd: repo, encoding: 'utf8' });
  const wallMs = performance.now() - start;
  const reported = /, (\d+) ms\)/.exec(run.stdout);
  if (run.status !== 0 || !reported) throw new Error(`kafkagen generate --check failed:\n${run.stdout}${run.stderr}`);
  return { wallMs, inProcessMs: Number(reported[1]) };
}

const DOMAIN_LIMIT = 1000;
const CORPUS_LIMIT = 10_000;
const command = cli();
const rows = [await measure('example domain (schemas/)', DOMAIN_LIMIT, path.join(repo, 'schemas'), path.join(repo, 'kafkagen.yaml'))];
const domainCtx = resolveContext({ cwd: repo, config: path.join(repo, 'kafkagen.yaml') });
const again = time(() => render(buildModel(domainCtx), domainCtx)).ms;
const corpusDir = path.join(repo, '.cache/bench-corpus');
writeCorpus(corpusDir, count);
rows.push(await measure(`synthetic ${count}`, count === 1000 ? CORPUS_LIMIT : Math.round((CORPUS_LIMIT * count) / 1000), corpusDir));
const chainDir = path.join(repo, '.cache/bench-chain');
writeChainCorpus(chainDir, depth);
rows.push(await measure(`deep chain (${depth} deep, per format)`, undefined, chainDir));
console.table(rows);
console.log(`example domain, second run in the same process: ${Math.round(again)} ms`);
console.log(`kafkagen generate --check (CLI): ${Math.round(command.wallMs)} ms wall, of which ${command.inProcessMs} ms generate in-process and ${Math.round(command.wallMs - command.inProcessMs)} ms process start, tsx and imports; target < ${DOMAIN_LIMIT} ms: ${command.wallMs < DOMAIN_LIMIT ? 'PASS' : 'FAIL'}`);
if (count !== 1000) console.log(`(the corpus target is for 1,000 schemas; ${count} is checked against ${rows[1]!.target.split(':')[0]}, scaled linearly)`);
