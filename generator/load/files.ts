// Finding and reading schema files. Parse errors name the file, line and column.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { KafkagenError } from '../errors.js';

export interface SchemaFile {
  /** Absolute path. */
  abs: string;
  /** Path relative to the schemas folder, with '/' separators. */
  rel: string;
  /** Path shown to users (relative to the working directory). */
  display: string;
  format: 'avro' | 'json';
}

/** Every `.avsc` and `.json` file under `dir`, sorted so output never depends on the file system. */
export function findSchemaFiles(dir: string, cwd: string): SchemaFile[] {
  let stat;
  try {
    stat = statSync(dir);
  } catch {
    throw new KafkagenError('CONFIG_INVALID', `schemas folder ${JSON.stringify(dir)} does not exist`, {}, 'create it or point --schemas / `schemas:` in the catalog at your schema folder');
  }
  if (!stat.isDirectory()) throw new KafkagenError('CONFIG_INVALID', `${dir} is not a folder`, {}, 'point --schemas at a folder of .avsc / .json files');
  const out: SchemaFile[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const abs = path.join(d, entry.name);
      if (entry.isDirectory()) walk(abs);
      else if (entry.name.endsWith('.avsc') || entry.name.endsWith('.json')) {
        const rel = path.relative(dir, abs).split(path.sep).join('/');
        out.push({ abs, rel, display: displayPath(abs, cwd), format: entry.name.endsWith('.avsc') ? 'avro' : 'json' });
      }
    }
  };
  walk(dir);
  return out;
}

export function displayPath(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  return (rel.startsWith('..') ? abs : rel).split(path.sep).join('/');
}

/** The output module for a schema file: `a/b/user-event.schema.json` -> `a/b/user-event`. */
export function modulePath(rel: string): string {
  return rel.replace(/(\.schema)?\.json$|\.avsc$/, '');
}

/** Reads and parses a JSON file; a syntax error names the file, line and column. */
export function readJsonFile(file: SchemaFile | { abs: string; display: string }): { value: unknown; text: string } {
  const text = readFileSync(file.abs, 'utf8');
  return { value: parseJson(text, file.display), text };
}

export function parseJson(text: string, display: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const line = lineOf(text, jsonErrorOffset(text));
    throw new KafkagenError('SCHEMA_PARSE', `not valid JSON: ${message}`, { file: display, line }, 'fix the JSON syntax (a trailing comma or a missing quote is the usual cause)', e);
  }
}

export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Best-effort line of a JSON Pointer in a JSON text (for error messages and annotations). */
export function lineOfPointer(text: string, pointer: string): number | undefined {
  if (pointer === '') return 1;
  const segments = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let from = 0;
  for (const seg of segments) {
    if (/^\d+$/.test(seg)) continue; // array index: stay near the parent's position
    const at = text.indexOf(JSON.stringify(seg), from);
    if (at === -1) return lineOf(text, from);
    from = at;
  }
  return lineOf(text, from);
}

/**
 * Offset of the first JSON syntax error. V8's messages do not always carry a position, and a
 * line number is what a user needs, so a small scanner finds it. Only runs after JSON.parse failed.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (c === '"') string();
    else {
      const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
      if (!m) fail();
      i += m![0].length;
    }
  };
  const string = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  try {
    value();
    ws();
    return i < text.length ? i : text.length;
  } catch (at) {
    return typeof at === 'number' ? at : 0;
  }
}
