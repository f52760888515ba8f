// kafkagen as a user gets it: `npm pack` (prepack builds dist/), the tarball installed into a
// fresh project outside this repo, then `npx kafkagen`, generated code importing
// `kafkagen/runtime`, `tsc --strict` (NodeNext) and plain `node` on the compiled output.
// No network: the tarball is unpacked into node_modules/kafkagen and the package's declared
// dependencies are linked from this repo's node_modules (as npm would hoist them), so a
// dependency missing from package.json fails here. Needs no Kafka or registry.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunResult, runChild } from '../support/child.js';

const repo = path.resolve(import.meta.dirname, '../..');
const isWindows = process.platform === 'win32';

let work: string; // temp root: the packed tarball and the project
let project: string; // the user's project
let tarballFiles: string[];

/** The environment of a user's shell: no npm_* variables from a surrounding `npm test`, and npm kept offline. */
function userEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, npm_config_offline: 'true', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}

function run(cmd: string, args: string[], cwd: string): Promise<RunResult> {
  return runChild(cmd, args, { cwd, env: userEnv(), shell: isWindows, timeoutMs: 240_000 });
}

const describeResult = (r: RunResult): string => `exit ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

/** `npx kafkagen ...` in the project; `--no` so npx can never fetch a `kafkagen` from the registry instead. */
const kafkagen = (...args: string[]): Promise<RunResult> => run('npx', ['--no', '--', 'kafkagen', ...args], project);
const tsc = (...args: string[]): Promise<RunResult> => run(process.execPath, [path.join(project, 'node_modules/typescript/bin/tsc'), ...args], project);

function link(name: string): void {
  const target = path.join(repo, 'node_modules', name);
  if (!existsSync(target)) throw new Error(`${name} is not in ${repo}/node_modules: run npm install`);
  const at = path.join(project, 'node_modules', name);
  if (existsSync(at)) return;
  mkdirSync(path.dirname(at), { recursive: true });
  symlinkSync(target, at, 'junction');
}

function write(rel: string, content: unknown): void {
  const abs = path.join(project, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
}

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name)).split(path.sep).join('/')]));
}

const INSPECTION_AVSC = {
  type: 'record',
  name: 'InspectionCompleted',
  namespace: 'com.example.inspection',
  fields: [
    { name: 'inspection_id', type: 'string' },
    { name: 'completed_at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'duration_ms', type: 'long' },
    { name: 'result', type: { type: 'enum', name: 'Verdict', symbols: ['PASS', 'FAIL'] } },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};

const ORDER_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://example.com/order-placed.schema.json',
  title: 'OrderPlaced',
  type: 'object',
  additionalProperties: false,
  required: ['order_id', 'placed_at', 'amount'],
  properties: {
    order_id: { type: 'string', minLength: 1 },
    placed_at: { type: 'string', format: 'date-time' },
    amount: { type: 'number', minimum: 0 },
  },
};

// Uses the generated types, validator and codec, and the runtime by its package specifier.
const MAIN_TS = `import { frame, isKafkagenRuntimeError, MAGIC_BYTE, type ValidationResult } from 'kafkagen/runtime';
import { type InspectionCompletedInput, InspectionCompletedCodec, type OrderPlaced, validateOrderPlaced } from './generated/index.js';

const order: OrderPlaced = { order_id: 'o-1', placed_at: '2024-05-01T10:00:00Z', amount: 12.5 };
const good: ValidationResult<OrderPlaced> = validateOrderPlaced(order);
const bad = validateOrderPlaced({ order_id: '', placed_at: 'yesterday', amount: -1 });

const inspection: InspectionCompletedInput = { inspection_id: 'INS-1', completed_at: new Date(0), duration_ms: 5400n, result: 'PASS' };
const bytes = frame(7, InspectionCompletedCodec.encode(inspection));
const decoded = InspectionCompletedCodec.decode(bytes.subarray(5));

console.log(JSON.stringify({
  good: good.ok,
  bad: bad.ok ? [] : bad.errors.map((e) => e.path),
  magic: bytes[0] === MAGIC_BYTE,
  schemaId: bytes.readUInt32BE(1),
  decoded: { ...decoded, completed_at: decoded.completed_at.toISOString(), duration_ms: decoded.duration_ms.toString() },
  runtimeError: isKafkagenRuntimeError(new Error('plain')),
}));
`;

describe('kafkagen installed from its npm tarball', () => {
  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'kafkagen-package-'));
    project = path.join(work, 'app');

    // npm pack runs prepack (the build); the tarball is what `npm publish` would upload.
    const packed = await run('npm', ['pack', '--pack-destination', work], repo);
    expect(packed.status, describeResult(packed)).toBe(0);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    expect(tarball, describeResult(packed)).toBeDefined();

    // Install it the way npm lays it out: node_modules/kafkagen, its bin in node_modules/.bin.
    const pkgDir = path.join(project, 'node_modules/kafkagen');
    mkdirSync(pkgDir, { recursive: true });
    const untar = await run('tar', ['-xzf', path.join(work, tarball!), '-C', pkgDir, '--strip-components=1'], work);
    expect(untar.status, describeResult(untar)).toBe(0);
    tarballFiles = filesUnder(pkgDir);
    const manifest = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { bin: Record<string, string>; dependencies?: Record<string, string> };
    for (const name of Object.keys(manifest.dependencies ?? {})) link(name);
    link('@types/node'); // the user's own devDependencies, for their tsc (README: npm install -D typescript @types/node)
    link('typescript');
    const bin = path.join(pkgDir, manifest.bin.kafkagen!);
    chmodSync(bin, 0o755);
    mkdirSync(path.join(project, 'node_modules/.bin'), { recursive: true });
    symlinkSync(path.relative(path.join(project, 'node_modules/.bin'), bin), path.join(project, 'node_modules/.bin/kafkagen'));

    write('package.json', { name: 'app', private: true, type: 'module', dependencies: { kafkagen: `file:${path.join(work, tarball!)}` } });
    write('tsconfig.json', {
      compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: ['node'], allowJs: true, outDir: 'build' },
      include: ['src'],
    });
    write('schemas/inspection.avsc', INSPECTION_AVSC);
    write('schemas/order-placed.schema.json', ORDER_SCHEMA);
  }, 240_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships the compiled CLI and runtime, the catalog schema and README, and no sources, tests or examples', () => {
    for (const f of ['package.json', 'README.md', 'bin/kafkagen.mjs', 'generator/catalog.schema.json', 'dist/generator/cli.js', 'dist/generator/catalog.schema.json', 'dist/runtime/index.js', 'dist/runtime/index.d.ts']) {
      expect(tarballFiles, f).toContain(f);
    }
    const unexpected = tarballFiles.filter((f) => /^(test|schemas|generated|bench|docs|scripts)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')));
    expect(unexpected).toEqual([]);
  });

  it('`npx kafkagen --help` exits 0 with the usage', async () => {
    const r = await kafkagen('--help');
    expect(r.status, describeResult(r)).toBe(0);
    expect(r.stdout).toContain('Usage: kafkagen <command> [options]');
  });

  it('`npx kafkagen generate --schemas --out` writes types and validators that import kafkagen/runtime', async () => {
    const r = await kafkagen('generate', '--schemas', 'schemas', '--out', 'src/generated');
    expect(r.status, describeResult(r)).toBe(0);
    expect(r.stdout).toMatch(/2 schemas read, 5 files written/);
    expect(filesUnder(path.join(project, 'src/generated')).sort()).toEqual(['index.ts', 'inspection.ts', 'order-placed.ts', 'order-placed.validate.d.ts', 'order-placed.validate.js']);
    expect(readFileSync(path.join(project, 'src/generated/order-placed.ts'), 'utf8')).toContain('import * as runtime from "kafkagen/runtime";');
  });

  it('generated code and kafkagen/runtime compile under tsc --strict (NodeNext) and run under plain node', async () => {
    write('src/main.ts', MAIN_TS);
    // One tsc run: exit 0 means no errors under strict (lib check on) and build/ written.
    const build = await tsc('-p', '.');
    expect(build.status, describeResult(build)).toBe(0);
    const r = await run(process.execPath, ['build/main.js'], project);
    expect(r.status, describeResult(r)).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      good: true,
      bad: ['/order_id', '/placed_at', '/amount'],
      magic: true,
      schemaId: 7,
      decoded: { inspection_id: 'INS-1', completed_at: '1970-01-01T00:00:00.000Z', duration_ms: '5400', result: 'PASS', note: null },
      runtimeError: false,
    });
  }, 180_000);

  it('generates topic clients from a kafkagen.yaml catalog (checked against the shipped catalog schema) that compile', async () => {
    write(
      'kafkagen.yaml',
      `# yaml-language-server: $schema=./node_modules/kafkagen/generator/catalog.schema.json
schemas: schemas
out: src/generated
topics:
  inspections:
    value: com.example.inspection.InspectionCompleted
    key: { field: inspection_id }
  orders:
    value: order-placed.schema.json
    key: { field: order_id }
`,
    );
    const r = await kafkagen('generate');
    expect(r.status, describeResult(r)).toBe(0);
    for (const f of ['topics/inspections.ts', 'topics/orders.ts', 'registry.json', 'register.ts']) expect(existsSync(path.join(project, 'src/generated', f)), f).toBe(true);
    const check = await kafkagen('generate', '--check');
    expect(check.status, describeResult(check)).toBe(0);
    expect(check.stdout).toContain('src/generated is up to date');
    write('src/use-clients.ts', `import { KafkaClient } from 'kafkagen/runtime';
import { InspectionsProducer, OrdersConsumer } from './generated/index.js';

export function clients(client: KafkaClient): [InspectionsProducer, OrdersConsumer] {
  return [new InspectionsProducer(client), new OrdersConsumer(client, async (event) => console.log(event.order_id))];
}
`);
    const types = await tsc('-p', '.', '--noEmit');
    expect(types.status, describeResult(types)).toBe(0);

    write('bad.yaml', 'topics:\n  x: { valu: 1 }\n');
    const bad = await kafkagen('generate', '--config', 'bad.yaml');
    expect(bad.status, describeResult(bad)).toBe(2);
    expect(bad.stderr).toContain('must NOT have additional properties ("valu")');
  }, 180_000);
});
