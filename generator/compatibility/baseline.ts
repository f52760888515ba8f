// Where the previous versions of a schema come from, offline: a git ref (without a
// checkout), the history of the file on a ref, or a folder (e.g. a checkout of main).
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CompatibilityError } from './levels.js';

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

function git(cwd: string, args: string[]): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && typeof (err as { code?: unknown }).code !== 'number') {
        reject(new CompatibilityError('GIT_FAILED', `cannot run git in ${cwd}: ${err.message}`, { cause: err }));
        return;
      }
      resolve({ code: err ? Number((err as { code: number }).code) : 0, stdout, stderr });
    });
  });
}

async function ensureRepo(repoDir: string): Promise<void> {
  const r = await git(repoDir, ['rev-parse', '--git-dir']).catch((e: unknown) => {
    throw new CompatibilityError('NOT_A_REPO', `${repoDir} is not a git repository`, { cause: e });
  });
  if (r.code !== 0) throw new CompatibilityError('NOT_A_REPO', `${repoDir} is not a git repository`, { cause: r.stderr.trim() });
}

async function ensureRef(repoDir: string, ref: string): Promise<void> {
  await ensureRepo(repoDir);
  const r = await git(repoDir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (r.code !== 0) throw new CompatibilityError('UNKNOWN_REF', `unknown git ref "${ref}" in ${repoDir} (fetch it first, e.g. git fetch origin ${ref})`);
}

function parse(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CompatibilityError('BASELINE_UNREADABLE', `${where} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

function posix(p: string): string {
  return p.split(path.sep).join('/').replace(/^\.\//, '');
}

/**
 * The text of `file` (repo-relative) at `ref`, via `git show <ref>:<file>`; `undefined` when
 * the file does not exist at that ref (a new subject). Throws NOT_A_REPO / UNKNOWN_REF.
 */
export async function readTextAtRef(repoDir: string, ref: string, file: string): Promise<string | undefined> {
  await ensureRef(repoDir, ref);
  const r = await git(repoDir, ['show', `${ref}:${posix(file)}`]);
  if (r.code !== 0) return undefined;
  return r.stdout;
}

/** The baseline at a ref: `[schema]`, or `[]` when the file is not there. */
export async function baselineAtRef(repoDir: string, ref: string, file: string): Promise<unknown[]> {
  const text = await readTextAtRef(repoDir, ref, file);
  return text === undefined ? [] : [parse(text, `${ref}:${file}`)];
}

/**
 * Every committed version of `file` on `ref`, oldest first (`git log --format=%H <ref> -- <file>`,
 * each read with `git show`). Commits where the file was deleted are skipped; consecutive
 * identical versions are kept once.
 */
export async function historyAtRef(repoDir: string, ref: string, file: string): Promise<unknown[]> {
  await ensureRef(repoDir, ref);
  const log = await git(repoDir, ['log', '--format=%H', ref, '--', posix(file)]);
  if (log.code !== 0) throw new CompatibilityError('GIT_FAILED', `git log failed: ${log.stderr.trim()}`);
  const hashes = log.stdout.split('\n').filter(Boolean).reverse();
  const out: unknown[] = [];
  let last: string | undefined;
  for (const h of hashes) {
    const r = await git(repoDir, ['show', `${h}:${posix(file)}`]);
    if (r.code !== 0) continue;
    if (r.stdout === last) continue;
    last = r.stdout;
    out.push(parse(r.stdout, `${h.slice(0, 12)}:${file}`));
  }
  return out;
}

/** The baseline from a folder: `[<dir>/<file>]`, or `[]` when it is not there. */
export async function baselineFromDir(dir: string, file: string): Promise<unknown[]> {
  const full = path.join(dir, file);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new CompatibilityError('BASELINE_UNREADABLE', `baseline folder ${dir} does not exist`);
  const text = await readFile(full, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new CompatibilityError('BASELINE_UNREADABLE', `cannot read ${full}: ${e.message}`, { cause: e });
  });
  return text === undefined ? [] : [parse(text, full)];
}
