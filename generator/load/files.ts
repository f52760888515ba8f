// Finding and reading schema files. Parse errors name the file, line and column.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { KafkagenError } from '../errors.js';
import { lineOf, syntaxErrorOffset } from '../json-position.js';

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
    const line = lineOf(text, syntaxErrorOffset(text));
    throw new KafkagenError('SCHEMA_PARSE', `not valid JSON: ${message}`, { file: display, line }, 'fix the JSON syntax (a trailing comma or a missing quote is the usual cause)', e);
  }
}
