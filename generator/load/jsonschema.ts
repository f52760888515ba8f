// JSON Schema files -> model. draft-07 and 2020-12; `$ref` inside a file and across files
// (resolved against each file's `$id`, or a base URI made from its path); every file root that
// describes a value and every `$defs`/`definitions` entry becomes a named type.
//
//   jsonschema/documents.ts  reading, checking, `$id`s and `$ref` resolution
//   jsonschema/nodes.ts      schema -> TypeNode, alias cycles
//   jsonschema/keywords.ts   where subschemas live; the draft-07 -> 2020-12 rewrite for ajv
//   jsonschema/meta.ts       meta-schema check
import type { JsonDocument, NamedType, SchemaModule } from '../model.js';
import { typeIdentifier } from '../names.js';
import { type SchemaFile, modulePath } from './files.js';
import { type Doc, located, readDocuments } from './jsonschema/documents.js';
import { escapePointer, isObj } from './jsonschema/keywords.js';
import { type Named, NodeBuilder, findAliasCycle } from './jsonschema/nodes.js';

export { LOCAL_BASE } from './jsonschema/documents.js';

/** Keywords that make a file root describe a value (a root with only `$defs` has no type). */
const VALUE_KEYWORDS = ['type', 'properties', 'additionalProperties', 'patternProperties', 'required', 'items', 'prefixItems', 'oneOf', 'anyOf', 'allOf', 'not', 'if', 'enum', 'const', '$ref'];

export function loadJsonSchemas(files: SchemaFile[]): { modules: SchemaModule[]; types: NamedType[] } {
  const docs = readDocuments(files);

  const named = new Map<string, Named>();
  const perDoc = new Map<Doc, Named[]>();
  for (const doc of docs) {
    const list: Named[] = [];
    const add = (pointer: string, schema: unknown, fallbackName: string): void => {
      const title = isObj(schema) && typeof schema.title === 'string' ? schema.title : undefined;
      const n: Named = { id: `${doc.file.rel}#${pointer}`, doc, pointer, schema, name: typeIdentifier(title ?? fallbackName) };
      named.set(n.id, n);
      list.push(n);
    };
    const root = doc.schema;
    if (isObj(root)) {
      if (VALUE_KEYWORDS.some((k) => k in root)) add('', root, modulePath(doc.file.rel).split('/').pop()!);
      for (const key of Object.keys(root)) {
        const defs = root[key];
        if ((key !== '$defs' && key !== 'definitions') || !isObj(defs)) continue;
        for (const name of Object.keys(defs)) add(`/${key}/${escapePointer(name)}`, defs[name], name);
      }
    }
    perDoc.set(doc, list);
  }

  const builder = new NodeBuilder(named);
  const modules: SchemaModule[] = [];
  const types: NamedType[] = [];
  const documents = new Map<Doc, JsonDocument>();
  const documentOf = (d: Doc): JsonDocument => {
    let j = documents.get(d);
    if (!j) documents.set(d, (j = { id: d.id, file: d.file.display, schema: d.schema }));
    return j;
  };
  for (const doc of docs) {
    const moduleTypes = perDoc.get(doc)!.map((n) => namedType(n, builder));
    ensureUnique(moduleTypes, doc);
    modules.push({ path: modulePath(doc.file.rel), sourceFile: doc.file.display, format: 'json', types: moduleTypes, jsonDocuments: closure(doc).map(documentOf) });
    types.push(...moduleTypes);
  }

  const cycle = findAliasCycle([...named.keys()], builder.aliasEdges);
  if (cycle) {
    const first = named.get(cycle[0]!)!;
    const path = [...cycle, cycle[0]!].map((id) => named.get(id)!.name).join(' -> ');
    throw located('REF_CYCLE', `${first.name} refers to itself only through $ref, oneOf/anyOf/allOf or additionalProperties (${path}), which TypeScript cannot express`, first.doc, first.pointer, 'put the recursion inside an object property or array items, e.g. { "type": "object", "properties": { "next": { "$ref": ... } } }');
  }
  return { modules, types };
}

function namedType(n: Named, builder: NodeBuilder): NamedType {
  const node = builder.build(n);
  const s = isObj(n.schema) ? n.schema : {};
  const title = typeof s.title === 'string' && s.title.trim() !== n.name ? s.title.trim() : undefined;
  const description = typeof s.description === 'string' && s.description.trim() !== '' ? s.description : undefined;
  const doc = [title, description].filter((x) => x !== undefined).join('\n\n');
  const symbols = Array.isArray(s.enum) && s.enum.length > 0 && s.enum.every((v) => typeof v === 'string') && node.kind === 'union' && node.members.every((m) => m.kind === 'literal') ? (s.enum as string[]) : undefined;
  const t: NamedType = {
    id: n.id,
    name: n.name,
    module: modulePath(n.doc.file.rel),
    kind: symbols ? 'enum' : node.kind === 'object' && node.fields.length > 0 ? 'record' : 'alias',
    format: 'json',
    node,
    source: { file: n.doc.file.display, pointer: n.pointer },
    json: { ref: n.pointer === '' ? n.doc.id : `${n.doc.id}#${uriFragment(n.pointer)}`, draft: n.doc.draft },
  };
  if (doc !== '') t.doc = doc;
  if (symbols) t.symbols = [...symbols];
  return t;
}

function ensureUnique(types: NamedType[], doc: Doc): void {
  const seen = new Map<string, NamedType>();
  for (const t of types) {
    const other = seen.get(t.name);
    if (other) {
      const first = other.source.pointer || 'the file root';
      throw located('NAME_CLASH', `${first} and ${t.source.pointer} would both be the TypeScript type ${t.name}`, doc, t.source.pointer, `give one of them a different "title" (the name comes from the title, else the $defs key${other.source.pointer === '' ? ', else the file name' : ''})`);
    }
    seen.set(t.name, t);
  }
}

/** The document and, transitively, every document it refers to, in order of first reference. */
function closure(doc: Doc): Doc[] {
  const out: Doc[] = [];
  const seen = new Set<Doc>();
  const visit = (d: Doc): void => {
    if (seen.has(d)) return;
    seen.add(d);
    out.push(d);
    for (const dep of d.deps) visit(dep);
  };
  visit(doc);
  return out;
}

/** A JSON Pointer as a URI fragment: characters a fragment cannot hold are percent-encoded. */
function uriFragment(pointer: string): string {
  return pointer.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/?]/gu, (c) => encodeURIComponent(c));
}
