// Avro (.avsc) files -> model. A file holds one named type or an array of named types
// (a list of definitions). Named types defined in one file are used by full name in others.
// Names are resolved here, per the Avro specification (a bare name is qualified by the
// enclosing namespace), and every schema the emitters see uses full names only.
import { createAvroType, recordTags } from '../../runtime/avro.js';
import { closest, forEachReportingAll, KafkagenError } from '../errors.js';
import { avscAcceptsAll } from './avro-check.js';
import type { AvroInfo, FieldNode, NamedType, SchemaModule, TypeNode } from '../model.js';
import { typeIdentifier } from '../names.js';
import { type SchemaFile, modulePath, readJsonFile } from './files.js';
import { lineOfPointer } from '../json-position.js';

export interface AvroLoadOptions {
  long: 'bigint' | 'number';
}

type Json = unknown;
type Obj = Record<string, Json>;

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAMED = new Set(['record', 'error', 'enum', 'fixed']);
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Definition {
  fullName: string;
  namespace: string;
  raw: Obj;
  file: SchemaFile;
  text: string;
  pointer: string;
  /** Full name of the top-level definition this one is nested in (itself if top-level). */
  owner: string;
}

/** Loads every .avsc file into modules of named types. */
export function loadAvroSchemas(files: SchemaFile[], opts: AvroLoadOptions): { modules: SchemaModule[]; types: NamedType[] } {
  const defs = new Map<string, Definition>();
  const perFile: Array<{ file: SchemaFile; names: string[] }> = [];
  // Every file is read, and each broken one reported, before any reference is resolved (a
  // broken file's types are missing, so resolving would only add follow-on errors).
  forEachReportingAll(files, (file) => {
    const { value, text } = readJsonFile(file);
    const roots = Array.isArray(value) ? value.map((v, i) => [v, `/${i}`] as const) : [[value, ''] as const];
    const names: string[] = [];
    for (const [root, pointer] of roots) {
      if (!isObj(root) || !NAMED.has(root.type as string)) {
        throw located('SCHEMA_INVALID', 'an .avsc file must hold a named type (record, enum, fixed) or an array of them', file, text, pointer, 'wrap the schema in a named record, or move it into a field of one');
      }
      collect(root, '', file, text, pointer, defs, names, undefined);
    }
    perFile.push({ file, names });
  });

  const build = new Builder(defs, opts);
  const types: NamedType[] = [];
  const modules: SchemaModule[] = [];
  // Then each file's first problem (an unknown type name, say), all files at once.
  forEachReportingAll(perFile, ({ file, names }) => {
    const moduleTypes = names.map((n) => build.namedType(n, modulePath(file.rel)));
    ensureUniqueNames(moduleTypes, file);
    modules.push({ path: modulePath(file.rel), sourceFile: file.display, format: 'avro', types: moduleTypes });
    types.push(...moduleTypes);
  });
  // avsc is the reference parser: anything it refuses (a bad default, say) is refused here,
  // with the location of the type it came from. Parsing every type's self-contained schema
  // costs the sum of their sizes, quadratic in a chain of references, so all definitions are
  // first parsed once together; only when that fails does the per-type pass run, to name
  // the type the way it always has.
  if (!avscAcceptsAll(types, (t, defined) => build.definition(t.avro!.fullName, defined), opts)) checkEachWithAvsc(types, defs, opts);
  return { modules, types };
}

function checkEachWithAvsc(types: NamedType[], defs: Map<string, Definition>, opts: AvroLoadOptions): void {
  for (const t of types) {
    try {
      createAvroType(t.avro!.selfContained, { long: opts.long });
    } catch (e) {
      const d = defs.get(t.avro!.fullName)!;
      throw located('SCHEMA_INVALID', `avsc rejects ${t.avro!.fullName}: ${(e as Error).message}`, d.file, d.text, d.pointer, 'fix the schema so it follows the Avro specification (defaults must match the first union branch)', e);
    }
  }
}

function collect(schema: Obj, enclosingNs: string, file: SchemaFile, text: string, pointer: string, defs: Map<string, Definition>, names: string[], owner: string | undefined): void {
  const name = schema.name;
  if (typeof name !== 'string' || name === '') {
    throw located('SCHEMA_INVALID', `a ${String(schema.type)} needs a "name"`, file, text, pointer, 'add "name": "MyType"');
  }
  const { fullName, namespace } = qualify(name, schema.namespace, enclosingNs);
  for (const part of fullName.split('.')) {
    if (!NAME_PATTERN.test(part)) {
      throw located('SCHEMA_INVALID', `${JSON.stringify(fullName)} is not a valid Avro name`, file, text, `${pointer}/name`, 'Avro names use letters A-Z, a-z, digits and _, and do not start with a digit');
    }
  }
  const existing = defs.get(fullName);
  if (existing) {
    throw located('TYPE_DUPLICATE', `${fullName} is defined twice (also in ${existing.file.display} at ${existing.pointer || '/'})`, file, text, pointer, 'keep one definition and refer to it by its full name elsewhere');
  }
  defs.set(fullName, { fullName, namespace, raw: schema, file, text, pointer, owner: owner ?? fullName });
  names.push(fullName);
  if (schema.type === 'record' || schema.type === 'error') {
    if (!Array.isArray(schema.fields)) {
      throw located('SCHEMA_INVALID', `record ${fullName} needs a "fields" array`, file, text, pointer, 'add "fields": []');
    }
    schema.fields.forEach((f, i) => {
      if (!isObj(f) || typeof f.name !== 'string') {
        throw located('SCHEMA_INVALID', 'a field needs a "name" and a "type"', file, text, `${pointer}/fields/${i}`, 'write fields as { "name": "...", "type": ... }');
      }
      collectNested(f.type, namespace, file, text, `${pointer}/fields/${i}/type`, defs, names, owner ?? fullName);
    });
  }
}

function collectNested(schema: Json, ns: string, file: SchemaFile, text: string, pointer: string, defs: Map<string, Definition>, names: string[], owner: string): void {
  if (Array.isArray(schema)) {
    schema.forEach((s, i) => collectNested(s, ns, file, text, `${pointer}/${i}`, defs, names, owner));
  } else if (isObj(schema)) {
    if (NAMED.has(schema.type as string)) collect(schema, ns, file, text, pointer, defs, names, owner);
    else if (schema.type === 'array') collectNested(schema.items, ns, file, text, `${pointer}/items`, defs, names, owner);
    else if (schema.type === 'map') collectNested(schema.values, ns, file, text, `${pointer}/values`, defs, names, owner);
    else if (isObj(schema.type) || Array.isArray(schema.type)) collectNested(schema.type, ns, file, text, `${pointer}/type`, defs, names, owner);
  }
}

function qualify(name: string, explicitNs: Json, enclosingNs: string): { fullName: string; namespace: string } {
  if (name.includes('.')) return { fullName: name, namespace: name.slice(0, name.lastIndexOf('.')) };
  const ns = typeof explicitNs === 'string' ? explicitNs : enclosingNs;
  return { fullName: ns ? `${ns}.${name}` : name, namespace: ns };
}

/** Turns definitions into NamedTypes: TypeNodes plus normalized schemas. */
class Builder {
  constructor(
    private readonly defs: Map<string, Definition>,
    private readonly opts: AvroLoadOptions,
  ) {}

  namedType(fullName: string, module: string): NamedType {
    const d = this.defs.get(fullName)!;
    const raw = d.raw;
    const shortName = fullName.slice(fullName.lastIndexOf('.') + 1);
    const base = {
      id: fullName,
      name: typeIdentifier(shortName),
      module,
      format: 'avro' as const,
      doc: typeof raw.doc === 'string' ? raw.doc : undefined,
      source: { file: d.file.display, pointer: d.pointer },
      avro: this.avroInfo(d),
    };
    if (raw.type === 'enum') {
      const symbols = raw.symbols;
      if (!Array.isArray(symbols) || symbols.length === 0 || !symbols.every((s) => typeof s === 'string' && NAME_PATTERN.test(s))) {
        throw located('SCHEMA_INVALID', `enum ${fullName} needs "symbols": a non-empty array of Avro names`, d.file, d.text, `${d.pointer}/symbols`, 'list the symbols, e.g. ["LOW", "HIGH"]');
      }
      return { ...base, kind: 'enum', symbols: symbols as string[], node: { kind: 'union', members: (symbols as string[]).map((s) => ({ kind: 'literal', value: s })) } };
    }
    if (raw.type === 'fixed') {
      if (typeof raw.size !== 'number' || !Number.isInteger(raw.size) || raw.size < 0) {
        throw located('SCHEMA_INVALID', `fixed ${fullName} needs an integer "size"`, d.file, d.text, d.pointer, 'add "size": <bytes>');
      }
      return { ...base, kind: 'fixed', node: logicalNode(raw, this.opts) ?? { kind: 'primitive', type: 'Buffer' } };
    }
    const fields: FieldNode[] = (raw.fields as Obj[]).map((f, i) => {
      const node = this.node(f.type, d.namespace, d, `${d.pointer}/fields/${i}/type`);
      const hasDefault = 'default' in f;
      return {
        name: f.name as string,
        doc: typeof f.doc === 'string' ? f.doc : undefined,
        type: node,
        optional: false,
        optionalOnInput: hasDefault,
        defaultText: hasDefault ? JSON.stringify(f.default) : undefined,
      };
    });
    return { ...base, kind: 'record', node: { kind: 'object', fields } };
  }

  private node(schema: Json, ns: string, d: Definition, pointer: string): TypeNode {
    if (typeof schema === 'string') return this.refNode(schema, ns, d, pointer);
    if (Array.isArray(schema)) return this.unionNode(schema, ns, d, pointer);
    if (!isObj(schema)) {
      throw located('SCHEMA_INVALID', `not an Avro type: ${JSON.stringify(schema)}`, d.file, d.text, pointer, 'use a type name, a type object, or an array (union)');
    }
    const type = schema.type;
    if (NAMED.has(type as string)) return this.refNode(qualify(schema.name as string, schema.namespace, ns).fullName, '', d, pointer);
    if (type === 'array') return { kind: 'array', items: this.node(schema.items, ns, d, `${pointer}/items`) };
    if (type === 'map') return { kind: 'map', values: this.node(schema.values, ns, d, `${pointer}/values`) };
    if (typeof type === 'string' && PRIMITIVES.has(type)) {
      if (schema.logicalType !== undefined) {
        const logical = logicalNode(schema, this.opts);
        if (logical) return logical;
        checkLogical(schema, d, pointer);
      }
      return primitiveNode(type, this.opts);
    }
    if (isObj(type) || Array.isArray(type)) return this.node(type, ns, d, `${pointer}/type`);
    throw located('TYPE_UNKNOWN', `unknown type ${JSON.stringify(type)}`, d.file, d.text, `${pointer}/type`, 'use a primitive (string, int, long, ...), record, enum, fixed, array or map');
  }

  private unionNode(branches: Json[], ns: string, d: Definition, pointer: string): TypeNode {
    const members = branches.map((b, i) => this.node(b, ns, d, `${pointer}/${i}`));
    const nonNull = members.filter((m) => !(m.kind === 'primitive' && m.type === 'null'));
    if (nonNull.length >= 2) {
      const recordIds = members.filter((m): m is Extract<TypeNode, { kind: 'ref' }> => m.kind === 'ref' && this.defs.get(m.id)?.raw.type !== 'enum' && this.defs.get(m.id)?.raw.type !== 'fixed').map((m) => m.id);
      const tags = recordTags(recordIds);
      return { kind: 'union', members: members.map((m) => (m.kind === 'ref' && tags.has(m.id) ? { ...m, tag: tags.get(m.id)! } : m)) };
    }
    return { kind: 'union', members };
  }

  private refNode(name: string, ns: string, d: Definition, pointer: string): TypeNode {
    if (PRIMITIVES.has(name)) return primitiveNode(name, this.opts);
    const fullName = this.resolveName(name, ns, d, pointer);
    return { kind: 'ref', id: fullName };
  }

  private resolveName(name: string, ns: string, d: Definition, pointer: string): string {
    const full = qualify(name, undefined, ns).fullName;
    if (this.defs.has(full)) return full;
    const candidates = closest(name, this.defs.keys());
    const hint = candidates.length > 0 ? `did you mean ${candidates.map((c) => JSON.stringify(c)).join(' or ')}? Use the full name` : `define ${full} in an .avsc file under the schemas folder, or fix the spelling`;
    throw located('TYPE_UNKNOWN', `unknown type name ${JSON.stringify(name)} (resolved as ${full})`, d.file, d.text, pointer, hint);
  }

  /**
   * The definition of `fullName` with full names, inlining every named type it uses that is
   * not yet in `defined` (and adding it there), as in a self-contained schema.
   */
  definition(fullName: string, defined: Set<string>): Json {
    const d = this.defs.get(fullName)!;
    return this.normalize(d.raw, d.namespace, d, d.pointer, { onReference: () => {}, inlineOnce: defined });
  }

  private avroInfo(d: Definition): AvroInfo {
    const references: string[] = [];
    const standalone = this.normalize(d.raw, d.namespace, d, d.pointer, {
      onReference: (fullName) => {
        // A type defined inside this one is written inline; anything else is a reference.
        if (this.defs.get(fullName)?.owner !== d.owner || fullName === d.fullName) {
          if (!references.includes(fullName) && fullName !== d.fullName) references.push(fullName);
        }
      },
      inlineOnce: undefined,
    });
    const defined = new Set<string>();
    const selfContained = this.normalize(d.raw, d.namespace, d, d.pointer, { onReference: () => {}, inlineOnce: defined });
    return { fullName: d.fullName, standalone, selfContained, references };
  }

  /**
   * Rewrites a schema with full names only. With `inlineOnce`, the first use of every named
   * type is replaced by its definition (a self-contained schema); otherwise names stay names.
   */
  private normalize(schema: Json, ns: string, d: Definition, pointer: string, mode: { onReference: (n: string) => void; inlineOnce: Set<string> | undefined }): Json {
    if (typeof schema === 'string') {
      if (PRIMITIVES.has(schema)) return schema;
      const full = this.resolveName(schema, ns, d, pointer);
      mode.onReference(full);
      if (mode.inlineOnce && !mode.inlineOnce.has(full)) {
        const target = this.defs.get(full)!;
        return this.normalize(target.raw, target.namespace, target, target.pointer, mode);
      }
      return full;
    }
    if (Array.isArray(schema)) return schema.map((s, i) => this.normalize(s, ns, d, `${pointer}/${i}`, mode));
    if (!isObj(schema)) return schema;
    const type = schema.type;
    if (NAMED.has(type as string)) {
      const { fullName, namespace } = qualify(schema.name as string, schema.namespace, ns);
      if (mode.inlineOnce) {
        if (mode.inlineOnce.has(fullName)) return fullName;
        mode.inlineOnce.add(fullName);
      }
      const target = this.defs.get(fullName)!;
      const out: Obj = {};
      for (const [k, v] of Object.entries(schema)) {
        if (k === 'namespace') continue;
        if (k === 'name') out.name = fullName;
        else if (k === 'aliases' && Array.isArray(v)) out.aliases = v.map((a) => (typeof a === 'string' ? qualify(a, undefined, namespace).fullName : a));
        else if (k === 'fields' && Array.isArray(v)) {
          out.fields = v.map((f, i) => {
            const field = f as Obj;
            const copy: Obj = {};
            for (const [fk, fv] of Object.entries(field)) copy[fk] = fk === 'type' ? this.normalize(fv, namespace, target, `${target.pointer}/fields/${i}/type`, mode) : fv;
            return copy;
          });
        } else out[k] = v;
      }
      return out;
    }
    const out: Obj = {};
    for (const [k, v] of Object.entries(schema)) {
      if (k === 'items' || k === 'values' || (k === 'type' && typeof v !== 'string')) out[k] = this.normalize(v, ns, d, `${pointer}/${k}`, mode);
      else if (k === 'type' && typeof v === 'string' && !PRIMITIVES.has(v) && v !== 'array' && v !== 'map') out[k] = this.normalize(v, ns, d, `${pointer}/${k}`, mode);
      else out[k] = v;
    }
    return out;
  }
}

function primitiveNode(type: string, opts: AvroLoadOptions): TypeNode {
  switch (type) {
    case 'null':
      return { kind: 'primitive', type: 'null' };
    case 'boolean':
      return { kind: 'primitive', type: 'boolean' };
    case 'int':
    case 'float':
    case 'double':
      return { kind: 'primitive', type: 'number' };
    case 'long':
      return { kind: 'primitive', type: opts.long };
    case 'bytes':
      return { kind: 'primitive', type: 'Buffer' };
    default:
      return { kind: 'primitive', type: 'string' };
  }
}

/** The TypeNode of a logical type, matching runtime/logical.ts; undefined when it does not apply. */
function logicalNode(schema: Obj, opts: AvroLoadOptions): TypeNode | undefined {
  const base = schema.type;
  switch (schema.logicalType) {
    case 'timestamp-millis':
    case 'local-timestamp-millis':
      return base === 'long' ? { kind: 'primitive', type: 'Date' } : undefined;
    case 'timestamp-micros':
    case 'local-timestamp-micros':
    case 'time-micros':
      return base === 'long' ? { kind: 'primitive', type: opts.long } : undefined;
    case 'time-millis':
      return base === 'int' ? { kind: 'primitive', type: 'number' } : undefined;
    case 'date':
      return base === 'int' ? { kind: 'primitive', type: 'string' } : undefined;
    case 'uuid':
      return base === 'string' ? { kind: 'primitive', type: 'string' } : undefined;
    case 'decimal':
      return (base === 'bytes' || base === 'fixed') && validDecimal(schema) ? { kind: 'primitive', type: 'string' } : undefined;
    default:
      return undefined;
  }
}

function validDecimal(schema: Obj): boolean {
  const p = schema.precision;
  const s = schema.scale ?? 0;
  return typeof p === 'number' && Number.isInteger(p) && p >= 1 && typeof s === 'number' && Number.isInteger(s) && s >= 0 && s <= p;
}

const KNOWN_LOGICAL: Record<string, string> = {
  'timestamp-millis': 'long',
  'local-timestamp-millis': 'long',
  'timestamp-micros': 'long',
  'local-timestamp-micros': 'long',
  'time-micros': 'long',
  'time-millis': 'int',
  date: 'int',
  uuid: 'string',
  decimal: 'bytes or fixed with "precision" (and optional "scale" <= precision)',
};

// The Avro spec says to ignore an invalid logical type; a user who wrote one almost
// certainly made a mistake, so kafkagen says so instead of silently typing it as its base.
function checkLogical(schema: Obj, d: Definition, pointer: string): void {
  const expected = KNOWN_LOGICAL[schema.logicalType as string];
  if (expected) {
    throw located('SCHEMA_INVALID', `logicalType ${JSON.stringify(schema.logicalType)} does not apply to ${JSON.stringify(schema.type)}`, d.file, d.text, pointer, `annotate ${expected}`);
  }
}

// Two types of one file that share a short name (com.a.Id, com.b.Id) are named after
// their full names instead (ComAId, ComBId); anything still clashing is an error.
function ensureUniqueNames(types: NamedType[], file: SchemaFile): void {
  const count = new Map<string, number>();
  for (const t of types) count.set(t.name, (count.get(t.name) ?? 0) + 1);
  for (const t of types) if (count.get(t.name)! > 1) t.name = typeIdentifier(t.avro!.fullName.split('.').join(' '));
  const seen = new Map<string, NamedType>();
  for (const t of types) {
    const other = seen.get(t.name);
    if (other) {
      throw new KafkagenError('NAME_CLASH', `${other.id} and ${t.id} would both be the TypeScript type ${t.name}`, { file: file.display, pointer: t.source.pointer }, 'rename one of them, or move it to its own .avsc file');
    }
    seen.set(t.name, t);
  }
}

function located(code: 'SCHEMA_INVALID' | 'TYPE_UNKNOWN' | 'TYPE_DUPLICATE', message: string, file: SchemaFile, text: string, pointer: string, hint: string, cause?: unknown): KafkagenError {
  return new KafkagenError(code, message, { file: file.display, pointer, line: lineOfPointer(text, pointer) }, hint, cause);
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
