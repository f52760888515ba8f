// Output of a check: text (one line per subject, reasons under breaking ones), JSON, and
// GitHub Actions annotations with the line of the offending part of the schema file.
import type { Reason } from './levels.js';

export type OutputFormat = 'text' | 'json' | 'github';

export interface SubjectResult {
  subject: string;
  format: 'AVRO' | 'JSON';
  level: string;
  /** Repo-relative path of the schema file. */
  file: string;
  compatible: boolean;
  reasons: Reason[];
  /** Set when the subject could not be checked (bad schema, registry error): exit code 2. */
  error?: string;
  /** Text of the schema file, for locating lines (GitHub output). */
  text?: string;
}

/** Text report: `OK        <subject>` / `BREAKING  <subject>` / `ERROR     <subject>`, reasons indented below. */
export function formatText(results: readonly SubjectResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    if (r.error !== undefined) {
      lines.push(`ERROR     ${r.subject}`, `  ${r.error}`);
      continue;
    }
    lines.push(`${r.compatible ? 'OK        ' : 'BREAKING  '}${r.subject}`);
    if (!r.compatible)
      for (const reason of r.reasons) lines.push(`  ${reason.path || '/'}: ${reason.message} (${reason.rule})`, `    hint: ${reason.hint}`);
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}

/** JSON report: `{ ok, subjects: [{ subject, file, format, level, compatible, reasons, error? }] }`. */
export function formatJson(results: readonly SubjectResult[]): string {
  const subjects = results.map(({ text: _text, ...r }) => r);
  return JSON.stringify({ ok: results.every((r) => r.compatible && r.error === undefined), subjects }, null, 2) + '\n';
}

/** GitHub Actions annotations: `::error file=<file>,line=<n>::<subject>: <message>` per reason (or error). */
export function formatGithub(results: readonly SubjectResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    if (r.error !== undefined) {
      lines.push(`::error file=${prop(r.file)},line=1::${data(`${r.subject}: ${r.error}`)}`);
      continue;
    }
    for (const reason of r.compatible ? [] : r.reasons) {
      const line = r.text === undefined ? 1 : lineOfPointer(r.text, reason.path);
      lines.push(`::error file=${prop(r.file)},line=${line}::${data(`${r.subject}: ${reason.message}`)}`);
    }
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}

export function formatResults(results: readonly SubjectResult[], output: OutputFormat): string {
  return output === 'json' ? formatJson(results) : output === 'github' ? formatGithub(results) : formatText(results);
}

function data(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function prop(s: string): string {
  return data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * The 1-based line where the value at JSON Pointer `pointer` starts in the JSON text `text`
 * (for an object member, the line of its key). When the pointer goes deeper than the
 * document, the line of its longest existing prefix; unparseable text: 1.
 */
export function lineOfPointer(text: string, pointer: string): number {
  const lines = new Map<string, number>();
  try {
    scan(text, lines);
  } catch {
    return lines.get('') ?? 1;
  }
  let p = pointer;
  for (;;) {
    const hit = lines.get(p);
    if (hit !== undefined) return hit;
    if (p === '') return 1;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

/** A small JSON scanner that records the line of every value by its JSON Pointer. */
function scan(text: string, lines: Map<string, number>): void {
  let i = 0;
  let line = 1;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) {
      if (text[i] === '\n') line++;
      i++;
    }
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text[i] === '\n') line++;
      i++;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  const value = (path: string, keyLine?: number): void => {
    ws();
    if (!lines.has(path)) lines.set(path, keyLine ?? line);
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') throw new Error('key expected');
        const kl = line;
        const key = str();
        ws();
        if (text[i] !== ':') throw new Error(': expected');
        i++;
        value(`${path}/${esc(key)}`, kl);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        throw new Error(', or } expected');
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        value(`${path}/${n}`);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        throw new Error(', or ] expected');
      }
    } else if (c === '"') str();
    else {
      const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
      if (!m) throw new Error('value expected');
      i += m[0].length;
    }
  };
  value('');
}
