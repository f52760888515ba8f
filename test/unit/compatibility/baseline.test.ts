// Baselines from git (a temporary repository under .cache/ with real commits) and from a folder.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baselineAtRef, baselineFromDir, CompatibilityError, historyAtRef, readTextAtRef, runCheck } from '../../../generator/compatibility/index.js';

const cacheDir = path.resolve(import.meta.dirname, '../../../.cache');
let repo: string;
const file = 'schemas/shop/order.avsc';
const v1 = { type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] };
const v2 = { ...v1, fields: [...v1.fields, { name: 'note', type: 'string', default: '' }] };
const v3 = { ...v1, fields: [...v1.fields, { name: 'note', type: 'string' }] };

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
}

function commit(schema: unknown, message: string): void {
  writeFileSync(path.join(repo, file), JSON.stringify(schema, null, 2) + '\n');
  git('add', file);
  git('commit', '-q', '-m', message);
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'none';
  } catch (e) {
    return e instanceof CompatibilityError ? e.code : `other: ${String(e)}`;
  }
}

beforeAll(() => {
  mkdirSync(cacheDir, { recursive: true });
  repo = mkdtempSync(path.join(cacheDir, 'compat-git-'));
  git('init', '-q', '-b', 'main');
  mkdirSync(path.join(repo, 'schemas/shop'), { recursive: true });
  commit(v1, 'v1');
  commit(v2, 'v2');
  git('tag', 'release-1');
  writeFileSync(path.join(repo, 'README'), 'unrelated\n');
  git('add', 'README');
  git('commit', '-q', '-m', 'unrelated');
});

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
});

describe('git baselines', () => {
  it('reads a file at a ref without a checkout', async () => {
    expect(await baselineAtRef(repo, 'main', file)).toEqual([v2]);
    expect(await baselineAtRef(repo, 'HEAD~2', file)).toEqual([v1]);
    expect(await readTextAtRef(repo, 'release-1', file)).toBe(JSON.stringify(v2, null, 2) + '\n');
  });

  it('a file missing at the ref is a new subject: no baseline', async () => {
    expect(await baselineAtRef(repo, 'main', 'schemas/shop/new.avsc')).toEqual([]);
    expect(await historyAtRef(repo, 'main', 'schemas/shop/new.avsc')).toEqual([]);
  });

  it('reads the history of a file, oldest first, skipping commits that did not touch it', async () => {
    expect(await historyAtRef(repo, 'main', file)).toEqual([v1, v2]);
    expect(await historyAtRef(repo, 'HEAD~2', file)).toEqual([v1]);
  });

  it('the history feeds a transitive check', async () => {
    let out = '';
    const subject = { subject: 'shop.orders-value', format: 'AVRO' as const, file, candidate: v3, text: JSON.stringify(v3, null, 2) };
    const history = await historyAtRef(repo, 'main', file);
    expect(await runCheck({ subjects: [{ ...subject, level: 'BACKWARD', baseline: history }], output: 'text', write: (s) => (out += s) })).toBe(0);
    expect(await runCheck({ subjects: [{ ...subject, level: 'BACKWARD_TRANSITIVE', baseline: history }], output: 'text', write: (s) => (out += s) })).toBe(1);
    expect(out).toBe(
      'OK        shop.orders-value\n' +
        'BREAKING  shop.orders-value\n' +
        '  /fields/1: field "note" of Order is new and has no default, so data written with the previous schema cannot be read (READER_FIELD_MISSING_DEFAULT_VALUE)\n' +
        '    hint: give the new field a default (e.g. make it ["null", ...] with "default": null)\n',
    );
  });

  it('an unknown ref or a folder that is not a repository: typed errors', async () => {
    expect(await codeOf(baselineAtRef(repo, 'no-such-branch', file))).toBe('UNKNOWN_REF');
    expect(await codeOf(historyAtRef(repo, 'origin/main', file))).toBe('UNKNOWN_REF');
    const plain = mkdtempSync(path.join(cacheDir, 'compat-plain-'));
    try {
      writeFileSync(path.join(plain, '.git'), 'gitdir: /nonexistent\n'); // stops git searching the parents
      expect(await codeOf(baselineAtRef(plain, 'main', file))).toBe('NOT_A_REPO');
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});

describe('folder baselines', () => {
  it('reads the file from a folder, [] when absent, an error when the folder is missing', async () => {
    expect(await baselineFromDir(repo, file)).toEqual([v2]);
    expect(await baselineFromDir(repo, 'schemas/none.avsc')).toEqual([]);
    expect(await codeOf(baselineFromDir(path.join(repo, 'nope'), file))).toBe('BASELINE_UNREADABLE');
  });

  it('a file that is not JSON: BASELINE_UNREADABLE', async () => {
    writeFileSync(path.join(repo, 'broken.avsc'), '{ nope');
    expect(await codeOf(baselineFromDir(repo, 'broken.avsc'))).toBe('BASELINE_UNREADABLE');
  });
});
