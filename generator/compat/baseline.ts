// Where the previous versions of a schema come from, for `kafkagen check --against REF|DIR`:
//
//   a git ref     `git show <ref>:<file>`, without a checkout; for transitive levels the file's
//                 whole history on that ref: `git log --format=%H <ref> -- <file>`, oldest first,
//                 each version via `git show <commit>:<file>`
//   a directory   <DIR>/<file>: a copy of the repository as it was (e.g. an unpacked release
//                 artifact, or a `git worktree`), with files at the same repo-relative paths
//
// A file that does not exist at the ref / in the folder is a new subject: no previous versions.
// Errors (not a git repository, unknown ref, git missing, folder missing) are CompatErrors.
// In CI, history needs the commits: actions/checkout with `fetch-depth: 0`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CompatError } from './errors.js';
import { directions, parseLevel } from './levels.js';

export interface GitOptions {
  /** A directory inside the repository (default: process.cwd()). */
  cwd?: string;
}

export interface SchemaVersion {
  /** Commit id (git) or the file's path (folder). */
  source: string;
  text: string;
  schema: unknown;
}

function git(args: string[], cwd: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string; status?: number };
    if (err.code === 'ENOENT') throw new CompatError('GIT_FAILED', 'git is not installed (or not on PATH)', { cause: e, hint: 'install git, or use --against DIR' });
    const stderr = String(err.stderr ?? '').trim();
    if (/not a git repository/i.test(stderr)) {
      throw new CompatError('GIT_NOT_A_REPO', `${cwd} is not inside a git repository`, { cause: e, hint: 'run kafkagen check inside the repository, or use --against DIR' });
    }
    throw new CompatError('GIT_FAILED', `git ${args.join(' ')} failed: ${stderr || err.message}`, { cause: e });
  }
}

/** The repository's top-level directory. */
export function gitRoot(opts: GitOptions = {}): string {
  const cwd = opts.cwd ?? process.cwd();
  if (!existsSync(cwd)) throw new CompatError('GIT_NOT_A_REPO', `${cwd} does not exist`);
  return git(['rev-parse', '--show-toplevel'], cwd).trim();
}

/** The commit a ref names; CompatError GIT_UNKNOWN_REF if none. */
export function resolveRef(ref: string, opts: GitOptions = {}): string {
  const root = gitRoot(opts);
  if (ref.startsWith('-')) throw new CompatError('GIT_UNKNOWN_REF', `${JSON.stringify(ref)} is not a git ref`);
  try {
    return git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], root).trim();
  } catch (e) {
    if ((e as CompatError).code !== 'GIT_FAILED') throw e;
    throw new CompatError('GIT_UNKNOWN_REF', `unknown git ref ${JSON.stringify(ref)}`, {
      cause: e,
      hint: 'fetch it first (git fetch origin main; in GitHub Actions use actions/checkout with fetch-depth: 0), or name a branch, tag or commit that exists',
    });
  }
}

function toRepoPath(file: string, root: string, cwd: string): string {
  const abs = path.resolve(cwd, file);
  const rel = path.relative(root, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new CompatError('CHECK_USAGE', `${file} is outside the repository ${root}`);
  return rel.split(path.sep).join('/');
}

function showFile(spec: string, root: string): string | undefined {
  try {
    return git(['show', spec], root);
  } catch (e) {
    // the file does not exist in that commit
    if ((e as CompatError).code === 'GIT_FAILED' && /does not exist in|exists on disk, but not in/.test((e as Error).message)) return undefined;
    throw e;
  }
}

/**
 * The text of `file` at `ref`, or undefined if the file does not exist there. `file` is
 * relative to `cwd` (repo-relative when run from the top level).
 */
export function readAtRef(ref: string, file: string, opts: GitOptions = {}): string | undefined {
  const cwd = opts.cwd ?? process.cwd();
  const root = gitRoot({ cwd });
  const commit = resolveRef(ref, { cwd });
  return showFile(`${commit}:${toRepoPath(file, root, cwd)}`, root);
}

/** Every version of `file` on `ref`'s history, oldest first (consecutive equal versions once). */
export function historyAtRef(ref: string, file: string, opts: GitOptions = {}): SchemaVersion[] {
  const cwd = opts.cwd ?? process.cwd();
  const root = gitRoot({ cwd });
  const commit = resolveRef(ref, { cwd });
  const rel = toRepoPath(file, root, cwd);
  const commits = git(['log', '--format=%H', commit, '--', rel], root).split('\n').filter(Boolean).reverse();
  const versions: SchemaVersion[] = [];
  for (const c of commits) {
    const text = showFile(`${c}:${rel}`, root);
    if (text === undefined) continue; // the commit deleted the file
    const schema = parseSchemaText(text, `${rel} at ${c.slice(0, 12)}`);
    const last = versions.at(-1);
    if (last && JSON.stringify(last.schema) === JSON.stringify(schema)) continue;
    versions.push({ source: c, text, schema });
  }
  return versions;
}

/** The text of `file` under `dir` (same repo-relative path), or undefined if it is not there. */
export function readFromDir(dir: string, file: string): string | undefined {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CompatError('BASELINE_NOT_FOUND', `--against ${dir}: no such directory`, { hint: 'name a directory holding the previous schemas at the same relative paths, or a git ref' });
  }
  const abs = path.resolve(dir, file);
  return existsSync(abs) ? readFileSync(abs, 'utf8') : undefined;
}

export function parseSchemaText(text: string, display: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CompatError('SCHEMA_PARSE', `${display} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * The previous versions of `file` for a check at `level`, oldest first: from a directory if
 * `against` is one, else from the git ref `against`; the whole history for transitive levels,
 * the version at the ref otherwise. [] when the file is new.
 */
export function loadBaseline(against: string, file: string, level: string, opts: GitOptions = {}): SchemaVersion[] {
  const cwd = opts.cwd ?? process.cwd();
  const asDir = path.resolve(cwd, against);
  if (existsSync(asDir) && statSync(asDir).isDirectory()) {
    const text = readFromDir(asDir, file);
    return text === undefined ? [] : [{ source: path.join(asDir, file), text, schema: parseSchemaText(text, path.join(against, file)) }];
  }
  if (directions(parseLevel(level)).transitive) return historyAtRef(against, file, { cwd });
  const text = readAtRef(against, file, { cwd });
  return text === undefined ? [] : [{ source: against, text, schema: parseSchemaText(text, `${file} at ${against}`) }];
}
