// Reading JSON Schema files into documents: draft, base URI, checks every subschema, and
// resolves every `$ref` (in any schema position) to a document and JSON Pointer.
import path from 'node:path';
import { KafkagenError, type KafkagenErrorCode, closest, forEachReportingAll } from '../../errors.js';
import { type SchemaFile, readJsonFile } from '../files.js';
import { lineOfPointer } from '../../json-position.js';
import { type Obj, escapePointer, forEachSubschema, isObj, resolvePointer, unescapePointer } from './keywords.js';
import { type Draft, META_URI, metaSchemaProblem } from './meta.js';

export type { Draft };

/** Base URI of a file without `$id`: its path under the schemas folder. */
export const LOCAL_BASE = 'https://kafkagen.local/schemas/';

export interface Doc {
  file: SchemaFile;
  text: string;
  /** Absolute URI of the document: its `$id`, or LOCAL_BASE + its path. No fragment. */
  id: string;
  /** LOCAL_BASE + its path (the same as `id` when the file has no `$id`). */
  pathId: string;
  schema: unknown;
  draft: Draft;
  /** JSON Pointer of each schema object holding a `$ref` -> what it refers to. */
  refs: Map<string, Target>;
  /** Documents this one refers to directly, in order of first reference. */
  deps: Doc[];
}

export interface Target {
  doc: Doc;
  /** JSON Pointer (escaped, not URI-encoded) in the target document. */
  pointer: string;
}

interface PendingRef {
  doc: Doc;
  /** Pointer of the schema object holding the `$ref`. */
  pointer: string;
  ref: string;
  base: string;
}

const DRAFTS: Record<string, Draft> = {
  'json-schema.org/draft-07/schema': 'draft-07',
  'json-schema.org/draft/2020-12/schema': '2020-12',
};
const TYPES = ['string', 'number', 'integer', 'boolean', 'null', 'array', 'object'];

export function located(code: KafkagenErrorCode, message: string, doc: { file: SchemaFile; text: string }, pointer: string, hint: string): KafkagenError {
  return new KafkagenError(code, message, { file: doc.file.display, pointer, line: lineOfPointer(doc.text, pointer) }, hint);
}

/** Reads, checks and links every file. Throws the first problem as a KafkagenError. */
export function readDocuments(files: SchemaFile[]): Doc[] {
  const docs: Doc[] = [];
  /** Absolute URI (no fragment) -> the document and pointer of that resource. */
  const resources = new Map<string, Target>();
  const anchors = new Map<string, Target>();
  const byPath = new Map<string, Doc>();
  const pending: PendingRef[] = [];
  const visited = new Map<Doc, Set<string>>();
  const ctx: WalkContext = { resources, anchors, pending, visited };

  forEachReportingAll(files, readDocument);

  function readDocument(file: SchemaFile): void {
    const { value: schema, text } = readJsonFile(file);
    const where = { file, text };
    if (!isObj(schema) && typeof schema !== 'boolean') {
      throw located('SCHEMA_INVALID', `a JSON Schema file must hold an object (or a boolean), not ${describe(schema)}`, where, '', 'write the schema as an object, e.g. { "type": "object", "properties": { ... } }');
    }
    const draft = draftOf(schema, where);
    const pathId = new URL(file.rel.split('/').map(encodeURIComponent).join('/'), LOCAL_BASE).href;
    const id = isObj(schema) && typeof schema.$id === 'string' ? rootId(schema.$id, pathId, where) : pathId;
    const doc: Doc = { file, text, id, pathId, schema, draft, refs: new Map(), deps: [] };
    addResource(resources, id, { doc, pointer: '' }, where, '/$id');
    byPath.set(pathId, doc);
    docs.push(doc);
    visited.set(doc, new Set());
    walk(doc, schema, '', id, ctx);
    const problem = metaSchemaProblem(schema, draft);
    if (problem) {
      throw located('SCHEMA_INVALID', `not a valid ${draft} schema: ${problem.pointer || '/'} ${problem.message}`, where, problem.pointer, `see the ${draft} meta-schema (${META_URI[draft]}) for what this keyword accepts`);
    }
  }

  // `pending` grows when a $ref points into a place no schema keyword reaches (walked then).
  for (let i = 0; i < pending.length; i++) {
    const p = pending[i]!;
    const target = resolveRef(p, resources, anchors, byPath, docs);
    if (!visited.get(target.doc)!.has(target.pointer)) {
      const value = resolvePointer(target.doc.schema, target.pointer);
      if (!isObj(value) && typeof value !== 'boolean') {
        throw located('REF_UNRESOLVED', `$ref ${JSON.stringify(p.ref)} points at ${describe(value)} in ${target.doc.file.display}, which is not a schema`, p.doc, `${p.pointer}/$ref`, 'point it at a schema, e.g. an entry of $defs');
      }
      walk(target.doc, value, target.pointer, target.doc.id, ctx);
    }
    p.doc.refs.set(p.pointer, target);
    if (target.doc !== p.doc && !p.doc.deps.includes(target.doc)) p.doc.deps.push(target.doc);
  }
  return docs;
}

function draftOf(schema: unknown, where: { file: SchemaFile; text: string }): Draft {
  if (!isObj(schema) || schema.$schema === undefined) return '2020-12';
  const declared = schema.$schema;
  const key = typeof declared === 'string' ? declared.replace(/^https?:\/\//, '').replace(/#?$/, '') : undefined;
  const draft = key === undefined ? undefined : DRAFTS[key];
  if (!draft) {
    throw located('SCHEMA_INVALID', `unsupported $schema ${JSON.stringify(declared)}`, where, '/$schema', `use "${META_URI['draft-07']}" or "${META_URI['2020-12']}" (or leave $schema out for 2020-12)`);
  }
  return draft;
}

function rootId(declared: string, pathId: string, where: { file: SchemaFile; text: string }): string {
  let url: URL;
  try {
    url = new URL(declared, pathId);
  } catch {
    throw located('SCHEMA_INVALID', `$id ${JSON.stringify(declared)} is not a valid URI`, where, '/$id', 'use an absolute URI such as "https://example.com/schemas/user-event.schema.json"');
  }
  if (url.hash !== '' && url.hash !== '#') throw located('SCHEMA_INVALID', `the root $id ${JSON.stringify(declared)} has a fragment`, where, '/$id', 'remove the part from # on');
  url.hash = '';
  return url.href;
}

function addResource(resources: Map<string, Target>, uri: string, target: Target, where: { file: SchemaFile; text: string }, pointer: string): void {
  const other = resources.get(uri);
  if (other) {
    const at = other.pointer === '' ? other.doc.file.display : `${other.doc.file.display} at ${other.pointer}`;
    throw located('TYPE_DUPLICATE', `$id ${uri} is also used by ${at}`, where, pointer, 'give every schema file (and every embedded schema with an $id) its own $id');
  }
  resources.set(uri, target);
}

/** Checks every subschema and records embedded `$id`s, anchors and `$ref`s. */
interface WalkContext {
  resources: Map<string, Target>;
  anchors: Map<string, Target>;
  pending: PendingRef[];
  /** Pointers of the schemas walked in each document. */
  visited: Map<Doc, Set<string>>;
}

function walk(doc: Doc, schema: unknown, pointer: string, base: string, ctx: WalkContext): void {
  const { resources, anchors, pending } = ctx;
  const seen = ctx.visited.get(doc)!;
  if (seen.has(pointer)) return;
  seen.add(pointer);
  if (typeof schema === 'boolean') return;
  if (!isObj(schema)) {
    const hint = typeof schema === 'string' && TYPES.includes(schema) ? `write { "type": ${JSON.stringify(schema)} }` : 'write the schema as an object, e.g. { "type": "string" } (or true / false)';
    throw located('SCHEMA_INVALID', `not a schema: expected an object or a boolean, found ${describe(schema)}`, doc, pointer, hint);
  }
  if (pointer !== '' && typeof schema.$id === 'string') {
    if (doc.draft === 'draft-07' && schema.$id.startsWith('#')) anchors.set(`${base}${schema.$id}`, { doc, pointer });
    else {
      try {
        const url = new URL(schema.$id, base);
        url.hash = '';
        base = url.href;
      } catch {
        throw located('SCHEMA_INVALID', `$id ${JSON.stringify(schema.$id)} is not a valid URI`, doc, `${pointer}/$id`, 'use a URI (relative to the file) or remove the $id');
      }
      addResource(resources, base, { doc, pointer }, doc, `${pointer}/$id`);
    }
  }
  if (typeof schema.$anchor === 'string') anchors.set(`${base}#${schema.$anchor}`, { doc, pointer });
  if (typeof schema.$ref === 'string') pending.push({ doc, pointer, ref: schema.$ref, base });
  checkType(doc, schema, pointer);
  checkPatterns(doc, schema, pointer);
  forEachSubschema(schema, pointer, (sub, at) => walk(doc, sub, at, base, ctx));
}

function checkType(doc: Doc, schema: Obj, pointer: string): void {
  const list = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  list.forEach((t, i) => {
    if (typeof t === 'string' && TYPES.includes(t)) return;
    const at = Array.isArray(schema.type) ? `${pointer}/type/${i}` : `${pointer}/type`;
    const near = typeof t === 'string' ? closest(t, TYPES, 1) : [];
    throw located('SCHEMA_INVALID', `unknown type ${JSON.stringify(t)}`, doc, at, `${near.length ? `did you mean "${near[0]}"? ` : ''}use one of ${TYPES.join(', ')}`);
  });
}

function checkPatterns(doc: Doc, schema: Obj, pointer: string): void {
  const check = (source: unknown, at: string): void => {
    if (typeof source !== 'string') return;
    try {
      new RegExp(source, 'u');
    } catch (e) {
      throw located('SCHEMA_INVALID', `${JSON.stringify(source)} is not a valid regular expression with the u flag (how validators compile patterns): ${(e as Error).message}`, doc, at, 'remove escapes that are not needed (like \\- outside a character class or \\/), or escape the character that starts the error');
    }
  };
  check(schema.pattern, `${pointer}/pattern`);
  if (isObj(schema.patternProperties)) for (const key of Object.keys(schema.patternProperties)) check(key, `${pointer}/patternProperties/${escapePointer(key)}`);
}

function resolveRef(p: PendingRef, resources: Map<string, Target>, anchors: Map<string, Target>, byPath: Map<string, Doc>, docs: Doc[]): Target {
  const at = `${p.pointer}/$ref`;
  const ref = JSON.stringify(p.ref);
  let url: URL;
  let fragment: string;
  try {
    url = new URL(p.ref, p.base);
    fragment = decodeURIComponent(url.hash.slice(1));
    url.hash = '';
  } catch {
    throw located('REF_UNRESOLVED', `$ref ${ref} is not a valid URI reference`, p.doc, at, 'write a path relative to this file (e.g. "common.schema.json#/$defs/Money") or an absolute URI; percent-encode "%" as %25');
  }
  const base = url.href;
  if (fragment === '' || fragment.startsWith('/')) {
    const resource = resources.get(base);
    if (!resource) throw noSuchDocument(p, base, fragment, byPath, docs);
    const pointer = resource.pointer + fragment;
    if (resolvePointer(resource.doc.schema, pointer) === undefined) {
      const target = resource.doc.file.display;
      throw located('REF_UNRESOLVED', `$ref ${ref} does not resolve: ${target} has nothing at ${fragment}`, p.doc, at, `${suggestPointer(resource.doc.schema, resource.pointer, fragment, p.ref)}the part after # is a JSON Pointer into ${target} and is case-sensitive`);
    }
    return { doc: resource.doc, pointer };
  }
  const anchor = anchors.get(`${base}#${fragment}`);
  if (anchor) return anchor;
  if (!resources.has(base)) throw noSuchDocument(p, base, fragment, byPath, docs);
  throw located('REF_UNRESOLVED', `$ref ${ref} does not resolve: ${resources.get(base)!.doc.file.display} has no $anchor ${JSON.stringify(fragment)}`, p.doc, at, 'a fragment that does not start with / names an $anchor; use a JSON Pointer such as #/$defs/Name, or add the $anchor');
}

function noSuchDocument(p: PendingRef, base: string, fragment: string, byPath: Map<string, Doc>, docs: Doc[]): KafkagenError {
  const hash = fragment === '' ? '' : `#${fragment}`;
  let hint = 'point the $ref at a file under the schemas folder (a path relative to this file) or at the $id one of them declares';
  // Resolved against this file's path instead of its $id, the reference may name a file.
  let byPathTarget: Doc | undefined;
  try {
    const url = new URL(p.ref, p.doc.pathId);
    url.hash = '';
    byPathTarget = byPath.get(url.href);
  } catch {
    // not a path either
  }
  if (byPathTarget) {
    const file = `${JSON.stringify(p.ref.replace(/#.*$/, ''))} is the file ${byPathTarget.file.display}`;
    hint =
      byPathTarget.id === byPathTarget.pathId
        ? `${file}, but this file declares an $id, so its references resolve against that: give ${byPathTarget.file.display} "$id": "${base}", or write "${byPathTarget.id}${hash}"`
        : `${file}, but it declares an $id, so references resolve against $ids: write "${relativeRef(p.doc.id, byPathTarget.id)}${hash}"`;
  } else {
    const wanted = base.slice(base.lastIndexOf('/') + 1);
    const same = docs.filter((d) => d.id.slice(d.id.lastIndexOf('/') + 1) === wanted);
    if (same.length > 0) hint = `did you mean ${same.map((d) => `"${relativeRef(p.doc.id, d.id)}${hash}"`).join(' or ')}? ${hint}`;
  }
  return located('REF_UNRESOLVED', `$ref ${JSON.stringify(p.ref)} does not resolve: no schema file has the $id ${base}`, p.doc, `${p.pointer}/$ref`, hint);
}

/** A reference to `to` written relative to `from` when both share an origin. */
function relativeRef(from: string, to: string): string {
  const a = new URL(from);
  const b = new URL(to);
  if (a.origin === 'null' || a.origin !== b.origin) return to;
  const rel = path.posix.relative(path.posix.dirname(a.pathname), b.pathname);
  return rel === '' ? b.pathname.slice(b.pathname.lastIndexOf('/') + 1) : rel;
}

/** "did you mean #/$defs/Near? " for a pointer whose last existing parent has a close key. */
function suggestPointer(schema: unknown, resourcePointer: string, fragment: string, ref: string): string {
  const segments = fragment.split('/').slice(1);
  let parent = resourcePointer;
  for (let i = 0; i < segments.length; i++) {
    const next = `${parent}/${segments[i]}`;
    if (resolvePointer(schema, next) === undefined) {
      const holder = resolvePointer(schema, parent);
      const near = isObj(holder) ? closest(unescapePointer(segments[i]!), Object.keys(holder), 1) : [];
      if (near.length === 0) return '';
      const fixed = [...segments.slice(0, i), escapePointer(near[0]!), ...segments.slice(i + 1)].map((s) => `/${s}`).join('');
      return `did you mean "${ref.replace(/#.*$/, '')}#${fixed}"? `;
    }
    parent = next;
  }
  return '';
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v} (${JSON.stringify(v).slice(0, 40)})`;
}
