// `kafkagen check`: is today's catalog compatible with what it replaces? Every subject of
// the registration manifest (values, keys and the schemas they reference) is checked at the
// level the catalog gives it, against the same subject built from the schemas at a git ref
// (or in a folder), or by asking a registry.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type CheckSubject, type OutputFormat, type RegistrySubject, runCheck, runRegistryCheck } from '../compat/index.js';
import { registryHttp } from '../../runtime/registry.js';
import { type GeneratorContext, resolveContext } from '../context.js';
import { KafkagenError } from '../errors.js';
import { buildModel } from '../generate.js';
import type { Model } from '../model.js';
import { buildManifest, type ManifestSubject } from '../registration.js';

export interface CheckOptions {
  against?: string;
  registry?: string;
  config?: string;
  format: OutputFormat;
}

const HISTORY_LIMIT = 25;

export async function checkCommand(opts: CheckOptions, io: { out: (l: string) => void; cwd: string }): Promise<number> {
  if (!opts.against === !opts.registry) throw new KafkagenError('USAGE', 'check needs exactly one of --against REF|DIR and --registry URL', {}, 'kafkagen check --against main, or kafkagen check --registry http://registry:8081');
  const ctx = resolveContext({ config: opts.config, cwd: io.cwd });
  if (!ctx.catalog) throw new KafkagenError('CONFIG_NOT_FOUND', 'check needs a catalog', {}, 'create kafkagen.yaml or pass --config FILE');
  const current = snapshot(ctx);

  if (opts.registry) {
    const http = registryHttp({ url: opts.registry, basicAuth: process.env.SCHEMA_REGISTRY_AUTH, bearerToken: process.env.SCHEMA_REGISTRY_TOKEN });
    const subjects: RegistrySubject[] = [];
    for (const s of current.subjects) {
      subjects.push({ ...subjectBase(s, io.cwd), candidate: JSON.parse(s.schema), registryReferences: await Promise.all(s.references.map(async (r) => ({ ...r, version: await latestVersion(http, r.subject) }))) });
    }
    return runRegistryCheck(subjects, opts.registry, { output: opts.format, write: io.out, cwd: io.cwd, basicAuth: process.env.SCHEMA_REGISTRY_AUTH, bearerToken: process.env.SCHEMA_REGISTRY_TOKEN });
  }

  const against = opts.against!;
  const isDir = existsSync(path.resolve(io.cwd, against)) && !isGitRef(against, io.cwd);
  const transitive = current.subjects.some((s) => s.compatibility.endsWith('_TRANSITIVE'));
  const baselines = isDir ? [snapshotOfDir(ctx, path.resolve(io.cwd, against))] : snapshotsAtRef(ctx, against, transitive);
  const subjects: CheckSubject[] = current.subjects.map((s) => {
    const previous = versionsOf(s, baselines, s.compatibility.endsWith('_TRANSITIVE'));
    return {
      ...subjectBase(s, io.cwd),
      candidate: JSON.parse(s.schema),
      references: current.references,
      baseline: previous.map((p) => JSON.parse(p.subject.schema)),
      baselineReferences: previous.map((p) => p.references),
    };
  });
  return runCheck({ subjects, output: opts.format, write: io.out, cwd: io.cwd });
}

interface Snapshot {
  subjects: ManifestSubject[];
  /** Avro full name -> standalone schema; JSON Schema $id -> document. */
  references: Record<string, unknown>;
}

function snapshot(ctx: GeneratorContext): Snapshot {
  const model = buildModel(ctx);
  return { subjects: buildManifest(model, ctx.defaultCompatibility).subjects, references: referencesOf(model) };
}

function referencesOf(model: Model): Record<string, unknown> {
  const refs: Record<string, unknown> = {};
  for (const t of model.types.values()) if (t.avro) refs[t.avro.fullName] = t.avro.standalone;
  for (const m of model.modules) for (const d of m.jsonDocuments ?? []) refs[d.id] = d.schema;
  return refs;
}

function subjectBase(s: ManifestSubject, cwd: string): Pick<CheckSubject, 'subject' | 'format' | 'level' | 'file'> {
  const file = path.isAbsolute(s.source.file) ? path.relative(cwd, s.source.file) : s.source.file;
  return { subject: s.subject, format: s.schemaType, level: s.compatibility, file };
}

/** The previous versions of a subject, oldest first (only the newest unless transitive). */
function versionsOf(s: ManifestSubject, baselines: Snapshot[], transitive: boolean): Array<{ subject: ManifestSubject; references: Record<string, unknown> }> {
  const found: Array<{ subject: ManifestSubject; references: Record<string, unknown> }> = [];
  for (const b of baselines) {
    const old = b.subjects.find((x) => x.subject === s.subject);
    if (old && found[found.length - 1]?.subject.schema !== old.schema) found.push({ subject: old, references: b.references });
  }
  return transitive ? found : found.slice(-1);
}

/** The same project with its schemas folder swapped for an older copy. */
function snapshotOfDir(ctx: GeneratorContext, dir: string): Snapshot {
  const schemas = existsSync(path.join(dir, path.relative(path.dirname(ctx.catalog!.abs), ctx.schemasDir))) ? path.join(dir, path.relative(path.dirname(ctx.catalog!.abs), ctx.schemasDir)) : dir;
  return snapshot({ ...ctx, schemasDir: schemas });
}

/**
 * The project as it was at `ref` (and, for transitive levels, at every earlier commit that
 * touched the schemas or the catalog), oldest first. Read with `git archive`: no checkout.
 */
function snapshotsAtRef(ctx: GeneratorContext, ref: string, history: boolean): Snapshot[] {
  const root = git(['rev-parse', '--show-toplevel'], ctx.cwd).trim();
  const schemasRel = path.relative(root, ctx.schemasDir);
  const catalogRel = path.relative(root, ctx.catalog!.abs);
  const commit = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root, `unknown git ref ${JSON.stringify(ref)}`).trim();
  const commits = history ? git(['log', '--format=%H', `-n${HISTORY_LIMIT}`, commit, '--', schemasRel, catalogRel], root).trim().split('\n').filter(Boolean).reverse() : [commit];
  if (!commits.includes(commit)) commits.push(commit);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kafkagen-check-'));
  try {
    return commits.flatMap((c, i) => {
      const dir = path.join(tmp, String(i));
      mkdirSync(dir);
      const paths = [schemasRel, catalogRel].filter((p) => git(['ls-tree', '--name-only', c, '--', p], root).trim() !== '');
      if (!paths.includes(schemasRel)) return [];
      execFileSync('sh', ['-c', 'git archive "$1" -- "$2" "$3" | tar -x -C "$4"', 'sh', c, ...(paths.length === 2 ? paths : [paths[0]!, paths[0]!]), dir], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
      const oldCatalog = path.join(dir, catalogRel);
      const oldCtx = existsSync(oldCatalog) ? resolveContext({ cwd: dir, config: oldCatalog }) : { ...ctx, cwd: dir, catalog: ctx.catalog };
      try {
        return [snapshot({ ...oldCtx, schemasDir: path.join(dir, schemasRel), outDir: ctx.outDir })];
      } catch {
        return []; // a commit whose schemas did not load is no baseline
      }
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function isGitRef(ref: string, cwd: string): boolean {
  try {
    execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function git(args: string[], cwd: string, failure?: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const stderr = String((e as { stderr?: string }).stderr ?? '').trim();
    if (/not a git repository/i.test(stderr)) throw new KafkagenError('USAGE', `${cwd} is not inside a git repository`, {}, 'run kafkagen check in the repository, or use --against DIR');
    throw new KafkagenError('USAGE', failure ?? `git ${args.join(' ')} failed: ${stderr}`, {}, failure ? 'give a branch, tag or commit that exists (in CI fetch history: fetch-depth: 0)' : undefined);
  }
}

async function latestVersion(http: ReturnType<typeof registryHttp>, subject: string): Promise<number> {
  try {
    return ((await http('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`)) as { version: number }).version;
  } catch {
    return 1; // not registered yet: the registry will say so for the subject itself
  }
}
