// Test helpers: write schema files to a throwaway folder and run the real loaders/emitters.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findSchemaFiles } from '../../generator/load/files.js';
import { loadAvroSchemas } from '../../generator/load/avro.js';
import type { NamedType, SchemaModule } from '../../generator/model.js';
import { emitModule } from '../../generator/emit/module.js';
import { typesWithDistinctInput } from '../../generator/emit/types.js';

const root = path.resolve(import.meta.dirname, '../../.cache/test-schemas');

/** Writes `files` (relative path -> content; objects are JSON-encoded) into a new folder. */
export function schemaDir(files: Record<string, unknown>): string {
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(path.join(root, 'case-'));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

export function loadAvro(files: Record<string, unknown>, long: 'bigint' | 'number' = 'bigint') {
  const dir = schemaDir(files);
  const result = loadAvroSchemas(findSchemaFiles(dir, dir), { long });
  const types = new Map<string, NamedType>(result.types.map((t) => [t.id, t]));
  return { ...result, types, dir };
}

export function emitAvro(files: Record<string, unknown>, long: 'bigint' | 'number' = 'bigint'): Map<string, string> {
  const { modules, types } = loadAvro(files, long);
  const differs = typesWithDistinctInput({ types });
  return new Map(modules.map((m: SchemaModule) => [m.path, emitModule(m, { types }, differs, { runtimeImport: 'kafkagen/runtime', long })]));
}
