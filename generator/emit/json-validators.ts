// Ahead-of-time compiled JSON Schema validators: ajv standalone code per schema module
// (`<module>.validate.js` + `.validate.d.ts`), so nothing is compiled at run time.
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import addFormats from 'ajv-formats';
import ts from 'typescript';
import type { JsonDocument, SchemaModule } from '../model.js';
import { stringLiteral } from '../names.js';
import { header } from './header.js';

const require = createRequire(import.meta.url);
const draft07 = require('ajv/dist/refs/json-schema-draft-07.json') as object;

export function emitJsonValidators(module: SchemaModule, opts: { runtimeImport: string }): { js: string; dts: string } {
  // One instance per module: it holds exactly the documents this module's schemas reach.
  const ajv = jsonSchemaAjv(module.jsonDocuments ?? [], true);
  const exports: Record<string, string> = {};
  for (const t of module.types) exports[`validate${t.name}`] = t.json!.ref;
  const code = standaloneCode.default(ajv, exports);
  const js = `${header(module.sourceFile)}${reprint(esmRequire(code))}`;
  const names = Object.keys(exports);
  const dts = `${header(module.sourceFile)}import type { AjvValidateFunction } from ${stringLiteral(opts.runtimeImport)};\n\n${names.map((n) => `export declare const ${n}: AjvValidateFunction;`).join('\n')}\n`;
  return { js, dts };
}

/** An ajv instance holding `documents` (draft-07 and 2020-12 alike), optionally emitting standalone code. */
export function jsonSchemaAjv(documents: JsonDocument[], standalone = false): Ajv2020 {
  const ajv = new Ajv2020({ ...(standalone ? { code: { source: true, esm: true, lines: false } } : {}), allErrors: true, strict: false, allowUnionTypes: true });
  ajv.addMetaSchema(draft07);
  addFormats.default(ajv);
  const seen = new Set<string>();
  for (const doc of documents) {
    if (seen.has(doc.id)) continue;
    seen.add(doc.id);
    ajv.addSchema(withoutMeta(doc.schema) as object, doc.id);
  }
  return ajv;
}

// The document's own `$schema` picks the draft in ajv; all drafts share one instance here,
// and the keywords kafkagen schemas use mean the same in draft-07 and 2020-12.
function withoutMeta(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return schema;
  const { $schema: _ignored, ...rest } = schema as Record<string, unknown>;
  return rest;
}

// ajv's ESM output still calls require() for its runtime helpers (formats, ucs2length).
function esmRequire(code: string): string {
  return `import { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);\n${code.replace(/^"use strict";/, '')}`;
}

/** Reprints ajv's one-line output with the TypeScript printer, so diffs are readable. */
function reprint(code: string): string {
  const source = ts.createSourceFile('validate.js', code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
  return ts.createPrinter({ newLine: ts.NewLineKind.LineFeed }).printFile(source);
}
