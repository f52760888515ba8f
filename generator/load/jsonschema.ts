// JSON Schema files -> model. draft-07 and 2020-12; `$ref` inside a file and across files
// (resolved against each file's `$id`, or a base URI made from its path); every file root that
// describes a value and every `$defs`/`definitions` entry becomes a named type.
import { KafkagenError } from '../errors.js';
import type { FieldNode, JsonDocument, NamedType, SchemaModule, TypeNode } from '../model.js';
import { typeIdentifier } from '../names.js';
import { type SchemaFile, lineOfPointer, modulePath, readJsonFile } from './files.js';

type Obj = Record<string, unknown>;
type Draft = 'draft-07' | '2020-12';

const DRAFTS: Record<string, Draft> = {
  'http://json-schema.org/draft-07/schema': 'draft-07',
  'https://json-schema.org/draft/2020-12/schema': '2020-12',
};
export const LOCAL_BASE = 'https://kafkagen.local/schemas/';
const VALUE_KEYWORDS = ['type', 'properties', 'oneOf', 'anyOf', 'allOf', 'enum', 'const', '$ref', 'items', 'additionalProperties', 'prefixItems', 'required'];
const DEF_KEYS = ['$defs', 'definitions'] as const;

interface LoadedFile {
  file: SchemaFile;
  text: string;
  id: string;
  schema: Obj;
  draft: Draft;
}

export function loadJsonSchemas(files: SchemaFile[]): { modules: SchemaModule[]; types: NamedType[] } {
  const byId = new Map<string, LoadedFile>();
  const loaded: LoadedFile[] = [];
  for (const file of files) {
    const { value, text } = readJsonFile(file);
    if (!isObj(value)) throw located('SCHEMA_INVALID', 'a JSON Schema file must hold an object', file, text, '', 'wrap the schema in { "type": ..., ... }');
    const declared = typeof value.$schema === 'string' ? value.$schema.replace(/#$/, '') : undefined;
    const draft = declared === undefined ? '2020-12' : DRAFTS[declared];
    if (!draft) throw located('SCHEMA_INVALID', `unsupported $schema ${JSON.stringify(value.$schema)}`, file, text, '/$schema', 'use http://json-schema.org/draft-07/schema# or https://json-schema.org/draft/2020-12/schema');
    const id = typeof value.$id === 'string' ? stripFragment(new URL(value.$id, LOCAL_BASE + file.rel).href) : LOCAL_BASE + file.rel;
    const other = byId.get(id);
    if (other) throw located('TYPE_DUPLICATE', `$id ${id} is also used by ${other.file.display}`, file, text, '/$id', 'give every schema file its own $id');
    const lf = { file, text, id, schema: value, draft };
    byId.set(id, lf);
    loaded.push(lf);
  }

  // First pass: every named type and its id, so refs can point at types in any file.
  const named = new Map<string, { lf: LoadedFile; pointer: string; schema: Obj; name: string }>();
  const perFile = new Map<LoadedFile, string[]>();
  for (const lf of loaded) {
    const ids: string[] = [];
    if (VALUE_KEYWORDS.some((k) => k in lf.schema)) {
      const name = typeIdentifier(typeof lf.schema.title === 'string' ? lf.schema.title : baseName(lf.file.rel));
      named.set(`${lf.file.rel}#`, { lf, pointer: '', schema: lf.schema, name });
      ids.push(`${lf.file.rel}#`);
    }
    for (const key of DEF_KEYS) {
      const defs = lf.schema[key];
      if (!isObj(defs)) continue;
      for (const [defName, def] of Object.entries(defs)) {
        const pointer = `/${key}/${escapePointer(defName)}`;
        if (!isObj(def)) throw located('SCHEMA_INVALID', `${key}/${defName} is not a schema object`, lf.file, lf.text, pointer, 'make it an object schema');
        named.set(`${lf.file.rel}#${pointer}`, { lf, pointer, schema: def, name: typeIdentifier(defName) });
        ids.push(`${lf.file.rel}#${pointer}`);
      }
    }
    perFile.set(lf, ids);
  }

  const converter = new Converter(byId, named);
  const modules: SchemaModule[] = [];
  const types: NamedType[] = [];
  for (const lf of loaded) {
    const moduleTypes: NamedType[] = [];
    for (const id of perFile.get(lf)!) {
      const n = named.get(id)!;
      const node = converter.node(n.schema, lf, n.pointer, true);
      const doc = [n.schema.title !== undefined && typeIdentifier(String(n.schema.title)) !== n.name ? String(n.schema.title) : undefined, typeof n.schema.description === 'string' ? n.schema.description : undefined].filter(Boolean).join('\n\n') || undefined;
      const isEnum = Array.isArray(n.schema.enum) && n.schema.enum.every((v) => typeof v === 'string');
      moduleTypes.push({
        id,
        name: n.name,
        module: modulePath(lf.file.rel),
        kind: isEnum ? 'enum' : node.kind === 'object' && node.fields.length > 0 ? 'record' : 'alias',
        format: 'json',
        doc,
        node,
        source: { file: lf.file.display, pointer: n.pointer },
        symbols: isEnum ? (n.schema.enum as string[]) : undefined,
        json: { ref: n.pointer === '' ? lf.id : `${lf.id}#${n.pointer}`, draft: lf.draft },
      });
    }
    ensureUnique(moduleTypes, lf);
    converter.checkCycles(moduleTypes);
    modules.push({ path: modulePath(lf.file.rel), sourceFile: lf.file.display, format: 'json', types: moduleTypes, jsonDocuments: converter.documentsFor(lf) });
    types.push(...moduleTypes);
  }
  return { modules, types };
}

class Converter {
  /** Named type id -> ids it reaches through refs/unions/intersections only (for cycle checks). */
  private readonly aliasEdges = new Map<string, Set<string>>();
  /** File -> files it refers to. */
  private readonly fileRefs = new Map<LoadedFile, Set<LoadedFile>>();

  constructor(
    private readonly byId: Map<string, LoadedFile>,
    private readonly named: Map<string, { lf: LoadedFile; pointer: string; schema: Obj; name: string }>,
  ) {}

  /** `top` is true for the schema of a named type itself (a ref there is an alias edge). */
  node(schema: unknown, lf: LoadedFile, pointer: string, top = false, ownerId = `${lf.file.rel}#${pointer}`, inlining = new Set<string>()): TypeNode {
    if (schema === true || schema === undefined) return { kind: 'primitive', type: 'unknown' };
    if (schema === false) return { kind: 'primitive', type: 'unknown' };
    if (!isObj(schema)) throw located('SCHEMA_INVALID', 'not a schema (expected an object or a boolean)', lf.file, lf.text, pointer, 'write the schema as an object, e.g. { "type": "string" }');
    const parts: TypeNode[] = [];
    const aliasLike = (id: string): void => {
      if (top || inlining.size > 0) {
        let set = this.aliasEdges.get(ownerId);
        if (!set) this.aliasEdges.set(ownerId, (set = new Set()));
        set.add(id);
      }
    };

    if (typeof schema.$ref === 'string') parts.push(this.ref(schema.$ref, lf, `${pointer}/$ref`, aliasLike, inlining, ownerId));
    if ('const' in schema) parts.push(literal(schema.const));
    else if (Array.isArray(schema.enum)) parts.push({ kind: 'union', members: schema.enum.map(literal) });
    else {
      const own = this.ownType(schema, lf, pointer, ownerId, inlining);
      if (own) parts.push(own);
    }
    for (const key of ['oneOf', 'anyOf'] as const) {
      const list = schema[key];
      if (Array.isArray(list)) parts.push({ kind: 'union', members: list.map((s, i) => this.node(s, lf, `${pointer}/${key}/${i}`, top, ownerId, inlining)) });
    }
    if (Array.isArray(schema.allOf)) {
      for (const [i, s] of schema.allOf.entries()) parts.push(this.node(s, lf, `${pointer}/allOf/${i}`, top, ownerId, inlining));
    }
    if (parts.length === 0) return { kind: 'primitive', type: 'unknown' };
    return parts.length === 1 ? parts[0]! : { kind: 'intersection', members: parts };
  }

  private ownType(schema: Obj, lf: LoadedFile, pointer: string, ownerId: string, inlining: Set<string>): TypeNode | undefined {
    const declared = schema.type;
    const types = Array.isArray(declared) ? (declared as string[]) : typeof declared === 'string' ? [declared] : inferTypes(schema);
    if (types.length === 0) return undefined;
    const members = types.map((t) => this.ofType(t, schema, lf, pointer, ownerId, inlining));
    return members.length === 1 ? members[0] : { kind: 'union', members };
  }

  private ofType(type: string, schema: Obj, lf: LoadedFile, pointer: string, ownerId: string, inlining: Set<string>): TypeNode {
    switch (type) {
      case 'string':
        return { kind: 'primitive', type: 'string' };
      case 'integer':
      case 'number':
        return { kind: 'primitive', type: 'number' };
      case 'boolean':
        return { kind: 'primitive', type: 'boolean' };
      case 'null':
        return { kind: 'primitive', type: 'null' };
      case 'array': {
        const items = schema.items;
        if (Array.isArray(items) || Array.isArray(schema.prefixItems)) return { kind: 'array', items: { kind: 'primitive', type: 'unknown' } };
        return { kind: 'array', items: this.node(items, lf, `${pointer}/items`, false, ownerId, inlining) };
      }
      case 'object': {
        const props = isObj(schema.properties) ? schema.properties : {};
        const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
        const fields: FieldNode[] = Object.entries(props).map(([name, p]) => {
          const optional = !required.has(name);
          const field: FieldNode = { name, type: this.node(p, lf, `${pointer}/properties/${escapePointer(name)}`, false, ownerId, inlining), optional, optionalOnInput: optional };
          if (isObj(p) && typeof p.description === 'string') field.doc = p.description;
          if (isObj(p) && 'default' in p) field.defaultText = JSON.stringify(p.default);
          return field;
        });
        const ap = schema.additionalProperties;
        const additional = isObj(ap) ? this.node(ap, lf, `${pointer}/additionalProperties`, false, ownerId, inlining) : undefined;
        if (fields.length === 0 && !additional && ap !== false) return { kind: 'map', values: { kind: 'primitive', type: 'unknown' } };
        return additional ? { kind: 'object', fields, additional } : { kind: 'object', fields };
      }
      default:
        throw located('SCHEMA_INVALID', `unknown type ${JSON.stringify(type)}`, lf.file, lf.text, `${pointer}/type`, 'use string, number, integer, boolean, null, array or object');
    }
  }

  private ref(ref: string, lf: LoadedFile, pointer: string, aliasLike: (id: string) => void, inlining: Set<string>, ownerId: string): TypeNode {
    const abs = new URL(ref, lf.id).href;
    const [base, fragment = ''] = abs.split('#') as [string, string?];
    const target = this.byId.get(base);
    if (!target) {
      throw located('REF_UNRESOLVED', `$ref ${JSON.stringify(ref)} does not resolve: no schema file has the $id ${base}`, lf.file, lf.text, pointer, 'point the $ref at a file under the schemas folder (relative path) or at a $id one of them declares');
    }
    if (target !== lf) {
      let set = this.fileRefs.get(lf);
      if (!set) this.fileRefs.set(lf, (set = new Set()));
      set.add(target);
    }
    const targetPointer = decodeURIComponent(fragment);
    const id = `${target.file.rel}#${targetPointer}`;
    if (this.named.has(id)) {
      aliasLike(id);
      return { kind: 'ref', id };
    }
    // A pointer to something that is not a named type (e.g. #/properties/a): inlined.
    const resolved = resolvePointer(target.schema, targetPointer);
    if (resolved === undefined) {
      throw located('REF_UNRESOLVED', `$ref ${JSON.stringify(ref)} does not resolve: ${target.file.display} has nothing at ${targetPointer || '/'}`, lf.file, lf.text, pointer, `check the JSON pointer after # (names in $defs are case-sensitive)`);
    }
    if (inlining.has(id)) {
      throw located('REF_CYCLE', `$ref ${JSON.stringify(ref)} refers back to itself through inlined schemas`, lf.file, lf.text, pointer, 'move the recursive part into $defs so it becomes a named type');
    }
    const next = new Set(inlining).add(id);
    return this.node(resolved, target, targetPointer, false, ownerId, next);
  }

  /** A named type that reaches itself only through refs/unions/intersections cannot be a TS type. */
  checkCycles(types: NamedType[]): void {
    for (const t of types) {
      const seen = new Set<string>();
      const stack = [...(this.aliasEdges.get(t.id) ?? [])];
      while (stack.length > 0) {
        const id = stack.pop()!;
        if (id === t.id) {
          const n = this.named.get(t.id)!;
          throw located('REF_CYCLE', `${t.name} refers to itself only through $ref, oneOf/anyOf or allOf, which TypeScript cannot express`, n.lf.file, n.lf.text, n.pointer, 'put the recursion inside an object property or array items');
        }
        if (seen.has(id)) continue;
        seen.add(id);
        stack.push(...(this.aliasEdges.get(id) ?? []));
      }
    }
  }

  /** This file and every file it references, transitively: what its validators need. */
  documentsFor(lf: LoadedFile): JsonDocument[] {
    const out: LoadedFile[] = [];
    const visit = (f: LoadedFile): void => {
      if (out.includes(f)) return;
      out.push(f);
      for (const r of this.fileRefs.get(f) ?? []) visit(r);
    };
    visit(lf);
    return out.map((f) => ({ id: f.id, file: f.file.display, schema: f.schema }));
  }
}

function inferTypes(schema: Obj): string[] {
  if (isObj(schema.properties) || 'additionalProperties' in schema || Array.isArray(schema.required)) return ['object'];
  if ('items' in schema || 'prefixItems' in schema) return ['array'];
  return [];
}

function literal(v: unknown): TypeNode {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return { kind: 'literal', value: v };
  return { kind: 'primitive', type: 'unknown' };
}

function resolvePointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let cur: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObj(cur) && Object.prototype.hasOwnProperty.call(cur, seg)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

function ensureUnique(types: NamedType[], lf: LoadedFile): void {
  const seen = new Map<string, NamedType>();
  for (const t of types) {
    const other = seen.get(t.name);
    if (other) {
      throw located('NAME_CLASH', `${other.source.pointer || 'the file root'} and ${t.source.pointer} would both be the TypeScript type ${t.name}`, lf.file, lf.text, t.source.pointer, 'rename one of them (or give the root a different "title")');
    }
    seen.set(t.name, t);
  }
}

function baseName(rel: string): string {
  return modulePath(rel).split('/').pop()!;
}

function stripFragment(url: string): string {
  return url.split('#')[0]!;
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function located(code: 'SCHEMA_INVALID' | 'REF_UNRESOLVED' | 'REF_CYCLE' | 'TYPE_DUPLICATE' | 'NAME_CLASH', message: string, file: SchemaFile, text: string, pointer: string, hint: string): KafkagenError {
  return new KafkagenError(code, message, { file: file.display, pointer, line: lineOfPointer(text, pointer) }, hint);
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
