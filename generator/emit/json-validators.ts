// Ahead-of-time compiled JSON Schema validators: ajv standalone code per schema module
// (`<module>.validate.js` + `.validate.d.ts`), so nothing is compiled at run time.
//
// One Ajv2020 instance holds every document a module reaches, whatever its draft: draft-07
// documents are rewritten to their 2020-12 form first (tuple `items` -> `prefixItems`,
// `$id: "#a"` -> `$anchor`), so cross-file references between drafts just work.
//
// Given every named type (`types`), a type defined in another file is not compiled again:
// its schema is replaced by a stub that calls `validate<Name>` imported from that file's
// `.validate.js`, so each document's code exists once and output grows linearly.
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Name } from 'ajv/dist/compile/codegen/index.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { callRef } from 'ajv/dist/vocabularies/core/ref.js';
import addFormats from 'ajv-formats';
import { KafkagenError, isKafkagenError } from '../errors.js';
import type { JsonDocument, NamedType, SchemaModule } from '../model.js';
import { stringLiteral } from '../names.js';
import { type Obj, anchorPointer, draft07To2020, forEachSubschema, isObj, replaceAt, resolvePointer } from '../load/jsonschema/keywords.js';
import { header } from './header.js';

const require = createRequire(import.meta.url);
const draft07Meta = require('ajv/dist/refs/json-schema-draft-07.json') as object;

export interface JsonValidatorsOptions {
  /** Import specifier of the runtime, as the generated `.validate.js` and `.validate.d.ts` should write it (relative to the module). */
  runtimeImport: string;
  /**
   * Every named type of the model (id -> type). With it, types of other modules are imported
   * from their `<module>.validate.js` (siblings in the output folder) instead of compiled
   * into this one; without it, the module's validators are self-contained.
   */
  types?: ReadonlyMap<string, NamedType>;
}

const IMPORT_KEYWORD = 'kafkagenImport';

/**
 * `validate<TypeName>` for every named type of a JSON Schema module: ajv standalone ESM
 * (`js`, formatted, deterministic) and its declarations (`dts`).
 */
export function emitJsonValidators(module: SchemaModule, opts: JsonValidatorsOptions): { js: string; dts: string } {
  const plan = opts.types ? planImports(module, opts.types) : undefined;
  const ajv = buildAjv(module.jsonDocuments ?? [], true, plan?.documents);
  // ajv only accepts ASCII export names; type names may be any identifier (`Größe`), so
  // ajv exports placeholders and finish() renames them.
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
  const js = `${header(module.sourceFile)}${finish(code, names, opts.runtimeImport, importStatements(code, plan?.imports ?? []))}`;
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
  return buildAjv(documents, standalone);
}

/** `planned`: the documents to add instead of `documents` (ajv forms, with import stubs). */
function buildAjv(documents: JsonDocument[], standalone: boolean, planned?: Map<string, unknown>): Ajv2020 {
  // validateSchema: the loader already checked every document against its meta-schema.
  // ownProperties: `constructor` or `toString` inherited from Object.prototype is not a property.
  // logger: an unknown `format` is an annotation (not validated); the CLI owns the console.
  const ajv = new Ajv2020({
    ...(standalone ? { code: { source: true, esm: true, lines: true } } : {}),
    allErrors: true,
    strict: false,
    allowUnionTypes: true,
    validateSchema: false,
    ownProperties: true,
    logger: { log: () => undefined, warn: () => undefined, error: (...args: unknown[]) => console.error(...args) },
  });
  ajv.addMetaSchema(draft07Meta);
  addFormats.default(ajv);
  if (planned) {
    // Calls the imported validate function the way ajv calls a compiled $ref (errors and
    // evaluated properties merged, instancePath passed down).
    ajv.addKeyword({ keyword: IMPORT_KEYWORD, schemaType: 'string', code: (cxt) => callRef(cxt, new Name(cxt.schema as string)) });
  }
  const seen = new Set<string>();
  for (const doc of documents) {
    if (seen.has(doc.id) || (planned && !planned.has(doc.id))) continue;
    seen.add(doc.id);
    try {
      ajv.addSchema((planned?.get(doc.id) ?? ajvDocument(doc)) as object, doc.id);
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

/** The import statements for the stubs the code calls, one per module, sorted by specifier. */
function importStatements(code: string, imports: ImportPlan['imports']): string[] {
  const bySpec = new Map<string, string[]>();
  for (const i of imports) if (calls(code, i.local)) (bySpec.get(i.spec) ?? bySpec.set(i.spec, []).get(i.spec)!).push(`${i.name} as ${i.local}`);
  return [...bySpec.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([spec, list]) => `import { ${list.join(', ')} } from ${stringLiteral(spec)};`);
}

/** Whether `code` uses the identifier `local` (not as the string the stub schema holds). */
function calls(code: string, local: string): boolean {
  for (let at = code.indexOf(local); at >= 0; at = code.indexOf(local, at + 1)) {
    const before = code[at - 1] ?? ' ';
    const after = code[at + local.length] ?? ' ';
    if (before !== '"' && after !== '"' && !/[\w$]/.test(before) && !/[\w$]/.test(after)) return true;
  }
  return false;
}

interface ImportPlan {
  /** The documents to give ajv, by id: this module's as they are, others with import stubs. */
  documents: Map<string, unknown>;
  imports: Array<{ spec: string; name: string; local: string }>;
}

const byDocumentCache = new WeakMap<ReadonlyMap<string, NamedType>, Map<string, NamedType[]>>();

/** JSON named types by document id (computed once per model). */
function typesByDocument(types: ReadonlyMap<string, NamedType>): Map<string, NamedType[]> {
  let out = byDocumentCache.get(types);
  if (!out) {
    out = new Map();
    for (const t of types.values()) {
      if (t.format !== 'json' || !t.json) continue;
      const docId = t.json.ref.split('#')[0]!;
      (out.get(docId) ?? out.set(docId, []).get(docId)!).push(t);
    }
    byDocumentCache.set(types, out);
  }
  return out;
}

/**
 * Which named types of other documents to import rather than compile. Starting from this
 * module's document, follows `$ref`s into other documents; a type they point at becomes a
 * stub, unless a `$ref` reaches inside it (a pointer below it) or it holds an embedded `$id`
 * or an `$anchor` below its top (which a stub would drop). A document holding embedded
 * `$id`s stays whole.
 * Only the documents still reachable are given to ajv, so the work per module stays small.
 */
function planImports(module: SchemaModule, types: ReadonlyMap<string, NamedType>): ImportPlan {
  const all = new Map((module.jsonDocuments ?? []).map((d) => [d.id, d]));
  const own = new Set(module.types.map((t) => t.json!.ref.split('#')[0]!));
  const byDocument = typesByDocument(types);
  const targets = new Map<string, Set<string>>();
  const whole = new Set<string>(own);
  let plan: ImportPlan = { documents: new Map(), imports: [] };
  // A fixed point: stubbing hides $refs, un-stubbing (a $ref found inside) reveals more.
  for (let round = 0; round < 100; round++) {
    const before = `${[...targets.entries()].map(([d, p]) => `${d}:${[...p].join(',')}`).join(';')}|${[...whole].join(';')}`;
    plan = stubPlan(module, all, own, byDocument, targets, whole);
    for (const [id, schema] of plan.documents) collectRefs(id, schema, all, targets, whole);
    if (before === `${[...targets.entries()].map(([d, p]) => `${d}:${[...p].join(',')}`).join(';')}|${[...whole].join(';')}`) break;
  }
  return plan;
}

function stubPlan(module: SchemaModule, all: Map<string, JsonDocument>, own: Set<string>, byDocument: Map<string, NamedType[]>, targets: Map<string, Set<string>>, whole: Set<string>): ImportPlan {
  const documents = new Map<string, unknown>();
  const imports: ImportPlan['imports'] = [];
  for (const doc of all.values()) {
    if (!own.has(doc.id) && !targets.has(doc.id) && !whole.has(doc.id)) continue;
    const schema = ajvDocument(doc);
    const candidates = own.has(doc.id) || whole.has(doc.id) ? [] : (byDocument.get(doc.id) ?? []).filter((t) => t.module !== module.path);
    const named = candidates.map((t) => t.source.pointer);
    // The named type a pointer lies in: the longest named pointer that is a prefix of it.
    const owner = (p: string): string | undefined => named.filter((q) => p === q || p.startsWith(`${q}/`)).sort((a, b) => b.length - a.length)[0];
    const inside = new Set([...(targets.get(doc.id) ?? [])].filter((p) => owner(p) !== p).map(owner));
    let stubbed = schema;
    for (const t of candidates) {
      const p = t.source.pointer;
      if (inside.has(p) || holdsIds(resolvePointer(schema, p), p === '')) continue;
      const local = `${IMPORT_KEYWORD}${imports.length}`;
      imports.push({ spec: relativeSpecifier(path.posix.dirname(module.path), `${t.module}.validate.js`), name: `validate${t.name}`, local });
      stubbed = replaceAt(stubbed, p, (old) => stub(old, local, p === ''));
    }
    documents.set(doc.id, stubbed);
  }
  return { documents, imports };
}

/** Records every `$ref` target in `schema` (document id -> JSON pointers); other kinds of target make a document whole. */
function collectRefs(docId: string, schema: unknown, all: Map<string, JsonDocument>, targets: Map<string, Set<string>>, whole: Set<string>): void {
  const visit = (s: unknown, pointer: string, base: string): void => {
    if (!isObj(s)) return;
    if (pointer !== '' && typeof s.$id === 'string') {
      whole.add(docId);
      try {
        base = new URL(s.$id, base).href.split('#')[0]!;
      } catch {
        // the loader rejected invalid ids already
      }
    }
    if (typeof s.$ref === 'string') {
      try {
        const url = new URL(s.$ref, base);
        let fragment: string | undefined = decodeURIComponent(url.hash.slice(1));
        url.hash = '';
        const target = all.get(url.href);
        if (target) {
          // A plain-name fragment is an anchor: the pointer of the schema declaring it.
          if (fragment !== '' && !fragment.startsWith('/')) fragment = anchorPointer(ajvDocument(target), fragment);
          if (fragment === undefined) whole.add(url.href);
          else (targets.get(url.href) ?? targets.set(url.href, new Set()).get(url.href)!).add(fragment);
        }
      } catch {
        // the loader rejected unresolvable refs already
      }
    }
    forEachSubschema(s, pointer, (sub, at) => visit(sub, at, base));
  };
  visit(schema, '', docId);
}

/** A stub keeps the type's `$anchor` (a $ref may use it) and, for a root, its `$id` and definitions (other types live there). */
function stub(schema: unknown, local: string, isRoot: boolean): Obj {
  const out: Obj = { [IMPORT_KEYWORD]: local };
  if (isObj(schema)) for (const key of isRoot ? ['$id', '$anchor', '$defs', 'definitions'] : ['$anchor']) if (key in schema) out[key] = schema[key];
  return out;
}

/** Whether a named type's schema declares an `$anchor` below its top, or an `$id` (but a root's own). */
function holdsIds(schema: unknown, isRoot: boolean): boolean {
  let found = false;
  const visit = (s: unknown, pointer: string): void => {
    if (found || !isObj(s)) return;
    if ((pointer !== '' && typeof s.$anchor === 'string') || ((pointer !== '' || !isRoot) && typeof s.$id === 'string')) found = true;
    forEachSubschema(s, pointer, (sub, at) => {
      // A root's definitions are other named types, checked on their own.
      if (!(isRoot && /^\/(\$defs|definitions)\/[^/]+$/.test(at))) visit(sub, at);
    });
  };
  visit(schema, '');
  return found;
}

function relativeSpecifier(fromDir: string, target: string): string {
  const rel = path.posix.relative(fromDir, target);
  return rel.startsWith('.') ? rel : `./${rel}`;
}


/** ajv's runtime helpers (as its standalone code requires them) -> the runtime export that provides them. */
const HELPERS: ReadonlyArray<readonly [string, string]> = [
  ['require("ajv/dist/runtime/ucs2length").default', 'jsonSchemaUcs2length'],
  ['require("ajv/dist/runtime/equal").default', 'jsonSchemaEqual'],
  ['require("ajv-formats/dist/formats").fullFormats', 'jsonSchemaFormats'],
];

/**
 * ajv's standalone output (`code.lines`: one statement a line) as the generated module:
 * - its helpers come from the runtime (generated code never resolves ajv from the user's
 *   project, which pnpm and Yarn PnP would refuse), the stubs' validators from their files;
 * - the placeholder export names are renamed by exact token: each statement is on a line of
 *   its own and no string literal spans lines, so `^export const kafkagenExportN = ` is one;
 * - embedded schemas are printed one entry a line when long, `"__proto__"` keys computed
 *   (as a literal key it would set the prototype, and the property would vanish);
 * - lines are indented by bracket depth. Only whitespace is added, so the code is ajv's own,
 *   token for token (a reprint through a JS printer cost most of the generator's time).
 */
function finish(code: string, rename: Map<string, string>, runtimeImport: string, imports: string[]): string {
  const helpers: string[] = [];
  for (const [from, to] of HELPERS) {
    if (!code.includes(from)) continue;
    code = code.split(from).join(to);
    helpers.push(to);
  }
  // A quote is `\"` inside a string literal, so `require("` is always a call.
  const stray = /require\("[^"]*"\)/.exec(code);
  if (stray) throw new Error(`internal: ajv's standalone code needs ${stray[0]}, which the runtime does not provide`);
  const out: string[] = [];
  let depth = 0;
  for (const line of code.split('\n')) {
    if (line === '"use strict";' || line === '' || /^\/\*# sourceURL=.*\*\/;$/.test(line)) continue;
    // Regex literals (format patterns) are whole lines of their own, at the top level.
    const regex = /^const formats\d+ = \//.test(line);
    const closing = regex ? 0 : /^[)}\]]*/.exec(line)![0].length;
    const pad = '  '.repeat(Math.max(0, depth - closing));
    if (!regex) depth = Math.max(0, depth + nesting(line));
    const exported = /^export const (kafkagenExport\d+) = /.exec(line);
    const schema = /^const (schema\d+) = (.*);$/.exec(line);
    // A blank line before each function, so the file reads as one function after another.
    if (pad === '' && line.startsWith('function ')) out.push('');
    if (exported) out.push(`${pad}export const ${rename.get(exported[1]!)!} = ${line.slice(exported[0].length)}`);
    else if (schema) out.push(`${pad}const ${schema[1]} = ${prettyJson(JSON.parse(schema[2]!), pad)};`);
    else out.push(pad + (line.includes('"__proto__"') ? computedProtoKeys(line) : line));
  }
  const head = [...(helpers.length > 0 ? [`import { ${helpers.sort().join(', ')} } from ${stringLiteral(runtimeImport)};`] : []), ...imports];
  return `${[...head, ...out].join('\n')}\n`;
}

/** Brackets opened minus brackets closed on a line of code, outside string literals (ajv writes them in double quotes). */
function nesting(line: string): number {
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < line.length && line.charCodeAt(i) !== 34; i++) if (line.charCodeAt(i) === 92 /* \ */) i++;
    } else if (c === 123 || c === 40 || c === 91) n++;
    else if (c === 125 || c === 41 || c === 93) n--;
  }
  return n;
}

/** Object and array literals longer than this on one line are printed one entry a line. */
const WIDE = 80;

/** A JSON value (an embedded schema) as a JS literal: short literals on one line, long ones one entry a line. */
function prettyJson(value: unknown, indent: string): string {
  const flat = flatJson(value);
  if (flat.length <= WIDE || value === null || typeof value !== 'object') return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (!value.some((v) => v !== null && typeof v === 'object')) return flat;
    return `[\n${value.map((v) => `${inner}${prettyJson(v, inner)}`).join(',\n')}\n${indent}]`;
  }
  return `{\n${Object.keys(value).map((k) => `${inner}${jsonKey(k)}: ${prettyJson((value as Record<string, unknown>)[k], inner)}`).join(',\n')}\n${indent}}`;
}

function flatJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return jsString(value);
  if (Array.isArray(value)) return `[${value.map(flatJson).join(', ')}]`;
  const keys = Object.keys(value);
  return keys.length === 0 ? '{}' : `{ ${keys.map((k) => `${jsonKey(k)}: ${flatJson((value as Record<string, unknown>)[k])}`).join(', ')} }`;
}

function jsonKey(key: string): string {
  return key === '__proto__' ? '["__proto__"]' : jsString(key);
}

/** JSON text of a primitive, with U+2028/U+2029 escaped as ajv writes them. */
function jsString(value: unknown): string {
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** `"__proto__":` as an object key (outside string literals) -> `["__proto__"]:`. */
function computedProtoKeys(line: string): string {
  let out = '';
  let last = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c !== '"') {
      out += c;
      if (c !== ' ') last = c;
      continue;
    }
    let j = i + 1;
    while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
    const literal = line.slice(i, j + 1);
    const next = line.slice(j + 1).trimStart()[0];
    out += literal === '"__proto__"' && (last === '{' || last === ',') && next === ':' ? `[${literal}]` : literal;
    last = '"';
    i = j;
  }
  return out;
}
