// Helpers for the JSON Schema loader/emitter tests: load inline schema files or a fixture
// folder, catch the KafkagenError a bad input raises, and emit + import the validators.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isKafkagenError, type KafkagenError } from '../../../generator/errors.js';
import { findSchemaFiles } from '../../../generator/load/files.js';
import { loadJsonSchemas } from '../../../generator/load/jsonschema.js';
import { emitJsonValidators } from '../../../generator/emit/json-validators.js';
import { runtimeSpecifier } from '../../../generator/emit/module.js';
import type { NamedType, SchemaModule, TypeNode } from '../../../generator/model.js';
import type { AjvValidateFunction } from '../../../runtime/validation.js';
import { schemaDir } from '../../support/schemas.js';

export const repo = path.resolve(import.meta.dirname, '../../..');
export const fixtures = path.join(repo, 'test/fixtures/jsonschema');
/** Emitted validators are written here (gitignored) and imported from here. */
export const outRoot = path.join(repo, '.cache/test-jsv');

export interface Loaded {
  modules: SchemaModule[];
  types: Map<string, NamedType>;
  list: NamedType[];
  dir: string;
}

/** Loads inline files (relative path -> JSON value or raw text); paths are shown relative to their folder. */
export function loadJson(files: Record<string, unknown>): Loaded {
  const dir = schemaDir(files);
  return loadDir(dir, dir);
}

export function loadFixture(name: string): Loaded {
  return loadDir(path.join(fixtures, name), repo);
}

export function loadDir(dir: string, cwd: string): Loaded {
  const r = loadJsonSchemas(findSchemaFiles(dir, cwd).filter((f) => f.format === 'json'));
  return { modules: r.modules, list: r.types, types: new Map(r.types.map((t) => [t.id, t])), dir };
}

export function errorOf(files: Record<string, unknown>): KafkagenError {
  try {
    loadJson(files);
  } catch (e) {
    if (isKafkagenError(e)) return e;
    throw e;
  }
  throw new Error('expected a KafkagenError, but the schemas loaded');
}

const made: string[] = [];

/** A fresh folder under .cache/test-jsv, removed by removeOutput(). */
export function outputDir(prefix: string): string {
  mkdirSync(outRoot, { recursive: true });
  const dir = mkdtempSync(path.join(outRoot, prefix));
  made.push(dir);
  return dir;
}

/** Removes the folders this test file wrote (call from afterAll). */
export function removeOutput(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Writes each module's emitted validators to a fresh folder (as generated/ would hold them)
 * and imports them, by module path. With `types`, modules import each other's validators.
 */
export async function importValidators(modules: SchemaModule[], types?: ReadonlyMap<string, NamedType>): Promise<Map<string, Record<string, AjvValidateFunction>>> {
  const dir = outputDir('run-');
  const out = new Map<string, Record<string, AjvValidateFunction>>();
  // The validators import their helpers from the runtime, as generated/ does (relative to the output folder).
  const runtimeImport = path.relative(dir, path.join(repo, 'runtime/index.js')).split(path.sep).join('/');
  for (const m of modules) {
    if (m.types.length === 0) continue;
    const { js } = emitJsonValidators(m, { runtimeImport: runtimeSpecifier(runtimeImport, m.path), types });
    const file = path.join(dir, `${m.path}.validate.js`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, js);
  }
  for (const m of modules) {
    if (m.types.length > 0) out.set(m.path, (await import(pathToFileURL(path.join(dir, `${m.path}.validate.js`)).href)) as Record<string, AjvValidateFunction>);
  }
  return out;
}

/** The instancePaths of a failed validation, in ajv's order ([] when valid). */
export function paths(fn: AjvValidateFunction, value: unknown): string[] {
  return fn(value) ? [] : (fn.errors ?? []).map((e) => e.instancePath);
}

// TypeNode shorthands for exact expectations.
export const T = {
  string: { kind: 'primitive', type: 'string' } as TypeNode,
  number: { kind: 'primitive', type: 'number' } as TypeNode,
  boolean: { kind: 'primitive', type: 'boolean' } as TypeNode,
  null: { kind: 'primitive', type: 'null' } as TypeNode,
  unknown: { kind: 'primitive', type: 'unknown' } as TypeNode,
  never: { kind: 'union', members: [] } as TypeNode,
  lit: (value: string | number | boolean | null): TypeNode => ({ kind: 'literal', value }),
  union: (...members: TypeNode[]): TypeNode => ({ kind: 'union', members }),
  and: (...members: TypeNode[]): TypeNode => ({ kind: 'intersection', members }),
  array: (items: TypeNode): TypeNode => ({ kind: 'array', items }),
  map: (values: TypeNode): TypeNode => ({ kind: 'map', values }),
  ref: (id: string): TypeNode => ({ kind: 'ref', id }),
  object: (fields: Array<[string, TypeNode, boolean?]>, additional?: TypeNode): TypeNode => ({
    kind: 'object',
    fields: fields.map(([name, type, required]) => ({ name, type, optional: !required, optionalOnInput: !required })),
    ...(additional ? { additional } : {}),
  }),
};
