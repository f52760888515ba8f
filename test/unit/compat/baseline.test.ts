// Previous versions from git (a temporary repository with a few commits) and from a folder,
// and the whole offline check on top of them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyAtRef, isCompatError, loadBaseline, readAtRef, readFromDir, resolveRef, runCheck } from '../../../generator/compat/index.js';

const order = (fields: unknown[]) => ({ type: 'record', name: 'Order', namespace: 'shop', fields });
const v1 = order([{ name: 'id', type: 'string' }]);
const v2 = order([{ name: 'id', type: 'string' }, { name: 'channel', type: 'string', default: 'web' }]);
const v3 = order([{ name: 'id', type: 'string' }, { name: 'channel', type: 'string' }]);
const file = 'schemas/order.avsc';

let repo: string;
let outside: string;

function git(...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=kafkagen', '-c', 'user.email=kafkagen@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8' });
}

function write(rel: string, value: unknown, pretty = true): void {
  mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
  writeFileSync(path.join(repo, rel), pretty ? `${JSON.stringify(value, null, 2)}\n` : JSON.stringify(value));
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    expect(isCompatError(e)).toBe(true);
    return (e as { code: string }).code;
  }
}

beforeAll(() => {
  repo = mkdtempSync(path.join(tmpdir(), 'kafkagen-compat-git-'));
  outside = mkdtempSync(path.join(tmpdir(), 'kafkagen-compat-nogit-'));
  git('init', '-q', '-b', 'main');
  write(file, v1);
  git('add', '.');
  git('commit', '-q', '-m', 'v1');
  git('tag', 'v1');
  write('README.md', 'unrelated');
  git('add', '.');
  git('commit', '-q', '-m', 'unrelated');
  write(file, v2);
  git('add', '.');
  git('commit', '-q', '-m', 'v2');
  write(file, v2, false); // the same schema, reformatted: not a new version
  git('add', '.');
  git('commit', '-q', '-m', 'reformat');
  write(file, v3); // the candidate: uncommitted
});

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('git baselines', () => {
  it('reads a file at a ref without touching the work tree', () => {
    expect(JSON.parse(readAtRef('v1', file, { cwd: repo })!)).toEqual(v1);
    expect(JSON.parse(readAtRef('main', file, { cwd: repo })!)).toEqual(v2);
    expect(JSON.parse(readAtRef('HEAD~3', file, { cwd: repo })!)).toEqual(v1);
    expect(readAtRef('main', 'schemas/new.avsc', { cwd: repo })).toBeUndefined();
    // relative to cwd, like a path typed in a subfolder
    expect(JSON.parse(readAtRef('main', 'order.avsc', { cwd: path.join(repo, 'schemas') })!)).toEqual(v2);
  });

  it("lists the file's history on a ref, oldest first, one entry per distinct schema", () => {
    const history = historyAtRef('main', file, { cwd: repo });
    expect(history.map((h) => h.schema)).toEqual([v1, v2]);
    expect(history[0]!.source).toBe(resolveRef('v1', { cwd: repo }));
    expect(historyAtRef('v1', file, { cwd: repo }).map((h) => h.schema)).toEqual([v1]);
  });

  it('loads the latest version for plain levels and the history for transitive ones', () => {
    expect(loadBaseline('main', file, 'BACKWARD', { cwd: repo }).map((v) => v.schema)).toEqual([v2]);
    expect(loadBaseline('main', file, 'FULL_TRANSITIVE', { cwd: repo }).map((v) => v.schema)).toEqual([v1, v2]);
    expect(loadBaseline('main', 'schemas/new.avsc', 'BACKWARD', { cwd: repo })).toEqual([]);
  });

  it('says clearly when the ref or the repository does not exist', () => {
    expect(codeOf(() => readAtRef('no-such-branch', file, { cwd: repo }))).toBe('GIT_UNKNOWN_REF');
    expect(codeOf(() => loadBaseline('origin/main', file, 'BACKWARD', { cwd: repo }))).toBe('GIT_UNKNOWN_REF');
    expect(codeOf(() => readAtRef('--output=x', file, { cwd: repo }))).toBe('GIT_UNKNOWN_REF');
    expect(codeOf(() => readAtRef('main', file, { cwd: outside }))).toBe('GIT_NOT_A_REPO');
    expect(() => readAtRef('no-such-branch', file, { cwd: repo })).toThrow(/unknown git ref "no-such-branch"[\s\S]*fetch-depth: 0/);
  });
});

describe('folder baselines', () => {
  it('reads the same relative path under the folder', () => {
    const dir = path.join(outside, 'release-1.0');
    mkdirSync(path.join(dir, 'schemas'), { recursive: true });
    writeFileSync(path.join(dir, file), JSON.stringify(v1));
    expect(loadBaseline(dir, file, 'BACKWARD_TRANSITIVE', { cwd: repo }).map((v) => v.schema)).toEqual([v1]);
    expect(loadBaseline(dir, 'schemas/new.avsc', 'BACKWARD', { cwd: repo })).toEqual([]);
    expect(readFromDir(dir, file)).toBe(JSON.stringify(v1));
    expect(codeOf(() => readFromDir(path.join(outside, 'missing'), file))).toBe('BASELINE_NOT_FOUND');
    writeFileSync(path.join(dir, 'schemas/bad.avsc'), '{ nope');
    expect(codeOf(() => loadBaseline(dir, 'schemas/bad.avsc', 'BACKWARD', { cwd: repo }))).toBe('SCHEMA_PARSE');
  });
});

describe('check against git', () => {
  it('finds the uncommitted change breaking against v1 only under a transitive level', () => {
    const subject = (level: string) => ({ subject: 'orders-value', format: 'AVRO' as const, level, file, candidate: v3, baseline: loadBaseline('main', file, level, { cwd: repo }).map((v) => v.schema) });
    const lines: string[] = [];
    expect(runCheck({ subjects: [subject('BACKWARD')], output: 'text', write: (l) => lines.push(l), cwd: repo })).toBe(0);
    expect(lines).toEqual(['OK  orders-value']);
    lines.length = 0;
    expect(runCheck({ subjects: [subject('BACKWARD_TRANSITIVE')], output: 'github', write: (l) => lines.push(l), cwd: repo })).toBe(1);
    expect(lines).toEqual([
      'BREAKING  orders-value',
      '  fields[1]: field "channel" was added without a default, so the new schema cannot read records the previous schema wrote without it (breaks against version 1 of 2) (READER_FIELD_MISSING_DEFAULT_VALUE)',
      '    hint: give "channel" a default (for an optional field: "type": ["null", ...] with "default": null)',
      '::error file=schemas/order.avsc,line=10::orders-value: fields[1]: field "channel" was added without a default, so the new schema cannot read records the previous schema wrote without it (breaks against version 1 of 2) (READER_FIELD_MISSING_DEFAULT_VALUE). Hint: give "channel" a default (for an optional field: "type": ["null", ...] with "default": null)',
    ]);
  });
});
