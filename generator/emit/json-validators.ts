// Ahead-of-time compiled JSON Schema validators: ajv standalone code per schema module
// (`<module>.validate.js` + `.validate.d.ts`), so nothing is compiled at run time.
//
// One Ajv2020 instance holds every document a module reaches, whatever its draft: draft-07
// documents are rewritten to their 2020-12 form first (tuple `items` -> `prefixItems`,
// `$id: "#a"` -> `$anchor`), so cross-file references between drafts just work.
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import addFormats from 'ajv-formats';
import ts from 'typescript';
import { KafkagenError, isKafkagenError } from '../errors.js';
import type { JsonDocument, SchemaModule } from '../model.js';
import { stringLiteral } from '../names.js';
import { draft07To2020, isObj } from '../load/jsonschema/keywords.js';
import { header } from './header.js';

const require = createRequire(import.meta.url);
const draft07Meta = require('ajv/dist/refs/json-schema-draft-07.json') as object;

export interface JsonValidatorsOptions {
  /** Import specifier of the runtime, as the generated `.validate.d.ts` should write it. */
  runtimeImport: string;
}

/**
 * `validate<TypeName>` for every named type of a JSON Schema module: ajv standalone ESM
 * (`js`, formatted, deterministic) and its declarations (`dts`).
 */
export function emitJsonValidators(module: SchemaModule, opts: JsonValidatorsOptions): { js: string; dts: string } {
  const ajv = jsonSchemaAjv(module.jsonDocuments ?? [], true);
  // ajv only accepts ASCII export names; type names may be any identifier (`Größe`), so
  // ajv exports placeholders and the reprint renames them.
  const exports: Record<string, string> = {};
  const names = new Map<string, string>();
  module.types.forEach((t, i) => {
    if (!t.json) throw new Error(`internal: ${t.id} has no JSON Schema reference`);
    exports[`kafkagenExport${i}`] = t.json.ref;
    names.set(`kafkagenExport${i}`, `validate${t.name}`);
  });
  let code: string;
  try {
    code = standaloneCode.default(ajv, exports);
  } catch (e) {
    throw ajvError(e, module.sourceFile, 'compiling validators');
  }
  const js = `${header(module.sourceFile)}${reprint(esmRequire(code), names)}`;
  const dts = `${header(module.sourceFile)}import type { AjvValidateFunction } from ${stringLiteral(opts.runtimeImport)};\n\n${[...names.values()]
    .map((n) => `export declare const ${n}: AjvValidateFunction;\n`)
    .join('')}`;
  return { js, dts };
}

/**
 * An Ajv2020 instance (allErrors, formats, not strict) holding `documents`, draft-07 and
 * 2020-12 alike, each under its `id`. With `standalone`, it keeps the source for standalone code.
 */
export function jsonSchemaAjv(documents: JsonDocument[], standalone = false): Ajv2020 {
  const ajv = new Ajv2020({ ...(standalone ? { code: { source: true, esm: true, lines: false } } : {}), allErrors: true, strict: false, allowUnionTypes: true, validateSchema: false, ownProperties: true });
  ajv.addMetaSchema(draft07Meta);
  addFormats.default(ajv);
  const seen = new Set<string>();
  for (const doc of documents) {
    if (seen.has(doc.id)) continue;
    seen.add(doc.id);
    try {
      ajv.addSchema(ajvDocument(doc) as object, doc.id);
    } catch (e) {
      throw ajvError(e, doc.file, 'adding the schema to ajv');
    }
  }
  return ajv;
}

/**
 * The document as ajv gets it: 2020-12 form, its `$id` the absolute id the loader resolved
 * references against (so relative `$id`s and files without one resolve the same way).
 */
export function ajvDocument(doc: JsonDocument): unknown {
  const schema = doc.schema;
  if (!isObj(schema)) return schema;
  const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
  const converted = (/json-schema\.org\/draft-0[4-7]\/schema/.test(declared) ? draft07To2020(schema) : schema) as Record<string, unknown>;
  const { $schema: _meta, $id: _id, ...rest } = converted;
  return { $id: doc.id, ...rest };
}

function ajvError(e: unknown, file: string, doing: string): KafkagenError {
  if (isKafkagenError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  const missing = /can't resolve reference (\S+)/.exec(message);
  if (missing) {
    return new KafkagenError('REF_UNRESOLVED', `ajv cannot resolve ${missing[1]} while ${doing}`, { file }, 'every document a $ref reaches must be among the module\'s jsonDocuments (load the schemas with loadJsonSchemas)', e);
  }
  return new KafkagenError('SCHEMA_INVALID', `ajv rejected the schema while ${doing}: ${message}`, { file }, 'fix the schema keyword ajv names (the loader checks the meta-schema, so this is usually a keyword value ajv cannot compile)', e);
}

// ajv's ESM output still calls require() for its runtime helpers (formats, ucs2length).
function esmRequire(code: string): string {
  return `import { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);\n${code.replace(/^"use strict";/, '')}`;
}

/** Object and array literals longer than this (as ajv writes them) are printed one entry a line. */
const WIDE = 80;

/**
 * Reprints ajv's one-line output with the TypeScript printer: every block and long literal
 * one entry a line, so diffs are readable. String and regex literals keep their exact text.
 * `rename` maps ajv's placeholder export names to the real ones.
 */
function reprint(code: string, rename: Map<string, string>): string {
  const source = ts.createSourceFile('validate.js', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const multiline: ts.TransformerFactory<ts.SourceFile> = (context) => {
    const f = context.factory;
    const visit = (node: ts.Node): ts.Node => {
      const wide = !ts.isSourceFile(node) && node.pos >= 0 && node.end - node.pos > WIDE;
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && rename.has(node.name.text)) {
        return f.updateVariableDeclaration(node, f.createIdentifier(rename.get(node.name.text)!), node.exclamationToken, node.type, node.initializer);
      }
      // `"__proto__": x` in an object literal sets the prototype; ajv serialises schemas that
      // way, so a property named __proto__ would vanish from the embedded schema.
      if (ts.isPropertyAssignment(node) && (ts.isStringLiteral(node.name) || ts.isIdentifier(node.name)) && node.name.text === '__proto__') {
        return f.createPropertyAssignment(f.createComputedPropertyName(f.createStringLiteral('__proto__')), ts.visitNode(node.initializer, visit) as ts.Expression);
      }
      const out = ts.visitEachChild(node, visit, context);
      if (ts.isBlock(out)) return ts.setTextRange(f.createBlock(out.statements, true), node);
      // New property nodes: the printer keeps original nodes on the line they were written on.
      if (ts.isObjectLiteralExpression(out) && wide) return ts.setTextRange(f.createObjectLiteralExpression(out.properties.map(fresh), true), node);
      if (ts.isArrayLiteralExpression(out) && wide && out.elements.some((e) => ts.isObjectLiteralExpression(e))) return ts.setTextRange(f.createArrayLiteralExpression(out.elements, true), node);
      return out;
    };
    const fresh = (p: ts.ObjectLiteralElementLike): ts.ObjectLiteralElementLike => {
      if (ts.isPropertyAssignment(p)) return f.createPropertyAssignment(p.name, p.initializer);
      if (ts.isShorthandPropertyAssignment(p)) return f.createShorthandPropertyAssignment(p.name, p.objectAssignmentInitializer);
      if (ts.isSpreadAssignment(p)) return f.createSpreadAssignment(p.expression);
      return p;
    };
    return (sf) => visit(sf) as ts.SourceFile;
  };
  const result = ts.transform(source, [multiline]);
  const printed = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed }).printFile(result.transformed[0]!);
  result.dispose();
  return printed;
}
