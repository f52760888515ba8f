// Every option resolved once, from CLI flags and the catalog, into one context object.
// Loaders and emitters read this, never raw flags or the environment.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, parseDocument, type Document } from 'yaml';
import { KafkagenError } from './errors.js';
import { displayPath } from './load/files.js';
import { lineOf } from './json-position.js';
import type { CompatibilityLevel } from './model.js';

export interface GeneratorContext {
  cwd: string;
  schemasDir: string;
  outDir: string;
  runtimeImport: string;
  long: 'bigint' | 'number';
  /** Compatibility level for subjects the catalog does not name (referenced schemas). */
  defaultCompatibility: CompatibilityLevel;
  /** The catalog, when there is one (generation without a catalog makes types and validators only). */
  catalog?: CatalogSource;
}

export interface CatalogSource {
  abs: string;
  display: string;
  text: string;
  doc: Document;
  value: Record<string, unknown>;
}

export interface ContextFlags {
  config?: string;
  schemas?: string;
  out?: string;
  cwd: string;
}

export const DEFAULT_CONFIG_FILES = ['kafkagen.yaml', 'kafkagen.yml', 'kafkagen.json'];
export const DEFAULT_RUNTIME_IMPORT = 'kafkagen/runtime';

export function resolveContext(flags: ContextFlags): GeneratorContext {
  const cwd = flags.cwd;
  let configPath = flags.config ? path.resolve(cwd, flags.config) : undefined;
  if (configPath && !existsSync(configPath)) {
    throw new KafkagenError('CONFIG_NOT_FOUND', `catalog ${displayPath(configPath, cwd)} does not exist`, {}, 'check the --config path');
  }
  if (!configPath && !flags.schemas) {
    configPath = DEFAULT_CONFIG_FILES.map((f) => path.join(cwd, f)).find((f) => existsSync(f));
    if (!configPath) {
      throw new KafkagenError('CONFIG_NOT_FOUND', `no kafkagen.yaml in ${cwd}`, {}, 'create kafkagen.yaml (see README), pass --config FILE, or run without a catalog: kafkagen generate --schemas DIR --out DIR');
    }
  }
  const catalog = configPath ? readCatalog(configPath, cwd) : undefined;
  const base = configPath ? path.dirname(configPath) : cwd;
  const v = catalog?.value ?? {};
  const str = (key: string): string | undefined => (typeof v[key] === 'string' ? (v[key] as string) : undefined);
  const types = (v.types ?? {}) as { long?: unknown };
  return {
    cwd,
    schemasDir: flags.schemas ? path.resolve(cwd, flags.schemas) : path.resolve(base, str('schemas') ?? 'schemas'),
    outDir: flags.out ? path.resolve(cwd, flags.out) : path.resolve(base, str('out') ?? 'generated'),
    runtimeImport: str('runtime') ?? DEFAULT_RUNTIME_IMPORT,
    long: types.long === 'number' ? 'number' : 'bigint',
    defaultCompatibility: ((v.defaults as { compatibility?: CompatibilityLevel } | undefined)?.compatibility ?? 'BACKWARD'),
    catalog,
  };
}

function readCatalog(abs: string, cwd: string): CatalogSource {
  const display = displayPath(abs, cwd);
  const text = readFileSync(abs, 'utf8');
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new KafkagenError('CATALOG_INVALID', `not valid YAML: ${e.message.split('\n')[0]}`, { file: display, line: lineOf(text, e.pos[0]) }, 'fix the YAML syntax (indentation and quoting are the usual causes)');
  }
  const value = doc.toJS();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new KafkagenError('CATALOG_INVALID', 'the catalog must be a mapping with a `topics` key', { file: display, line: 1 }, 'start from the example kafkagen.yaml in the README');
  }
  return { abs, display, text, doc, value: value as Record<string, unknown> };
}

/** Line of a JSON Pointer in the catalog (YAML or JSON), for error messages: the key's line where there is one. */
export function catalogLine(catalog: CatalogSource, pointer: string): number | undefined {
  const segments = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  for (let n = segments.length; n >= 0; n--) {
    const parent = catalog.doc.getIn(segments.slice(0, Math.max(0, n - 1)), true) as unknown;
    if (n > 0 && isMap(parent)) {
      const pair = parent.items.find((p) => (p.key as { value?: unknown })?.value === segments[n - 1]);
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return lineOf(catalog.text, range[0]);
    }
    const node = catalog.doc.getIn(segments.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return lineOf(catalog.text, node.range[0]);
  }
  return undefined;
}
