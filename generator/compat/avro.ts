// Avro schema resolution, as the specification and Apache Avro's SchemaCompatibility (the
// checker both Confluent Schema Registry and Apicurio Registry run) define it: can a reader
// schema decode everything a writer schema wrote?
//
//   - records match by unqualified name or a reader alias of the writer's full name; each
//     reader field is found in the writer by name or field alias, or needs a default
//   - promotions: int -> long -> float -> double, string <-> bytes
//   - enums: every writer symbol must be a reader symbol, unless the reader has an enum default
//   - fixed: same name and size
//   - unions: every writer branch needs a readable reader branch; a non-union writer needs one
//     readable reader branch; a union writer read by a non-union reader needs every branch readable
//   - arrays and maps: their items / values resolve
//   - recursive types: a pair already being compared counts as compatible (no loop)
//
// One addition the registries do not make (Avro's Java checker ignores logical types): two
// logical types on the same underlying type must mean the same thing. A decimal's scale must not
// change and its precision must not shrink; timestamp-millis is not timestamp-micros. Otherwise
// old bytes decode to different numbers, silently. Rule LOGICAL_TYPE_MISMATCH.
//
// Schemas must be self-contained, or name what they use from elsewhere in `references`
// (full name -> schema of that named type).
import avro from 'avsc';
import { CompatError } from './errors.js';
import { renderPath, type SchemaPath, type Segment } from './paths.js';
import type { Reason, Roles } from './types.js';

type Json = unknown;
type Obj = Record<string, Json>;

const PRIMITIVES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const;
type Primitive = (typeof PRIMITIVES)[number];
const PRIMITIVE_SET: ReadonlySet<string> = new Set(PRIMITIVES);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Logical {
  name: string;
  precision?: number;
  scale?: number;
}

interface Located {
  /** Where the type is written (for a named type: where it is defined). */
  path: SchemaPath;
  /** The reference this node came from; undefined for the checked document itself. */
  doc: string | undefined;
}

export type AvroNode =
  | (Located & { kind: 'primitive'; type: Primitive; logical?: Logical })
  | (Located & { kind: 'record'; name: string; fullName: string; aliases: string[]; fields: AvroField[] })
  | (Located & { kind: 'enum'; name: string; fullName: string; aliases: string[]; symbols: string[]; default?: string })
  | (Located & { kind: 'fixed'; name: string; fullName: string; aliases: string[]; size: number; logical?: Logical })
  | (Located & { kind: 'array'; items: AvroNode })
  | (Located & { kind: 'map'; values: AvroNode })
  | (Located & { kind: 'union'; branches: AvroNode[] });

export interface AvroField {
  name: string;
  aliases: string[];
  type: AvroNode;
  hasDefault: boolean;
  path: SchemaPath;
}

type NamedNode = Extract<AvroNode, { kind: 'record' | 'enum' | 'fixed' }>;

// ---------------------------------------------------------------------------------------------
// Parsing

/** Parses an Avro schema (parsed JSON) into a graph with every name resolved. Throws CompatError. */
export function parseAvro(schema: Json, references: Readonly<Record<string, Json>> = {}, label = 'schema'): AvroNode {
  validateWithAvsc(schema, references, label);
  return new Parser(references, label).root(schema);
}

function validateWithAvsc(schema: Json, references: Readonly<Record<string, Json>>, label: string): void {
  try {
    avscType(schema, references, {}, new Set());
  } catch (e) {
    if (e instanceof CompatError) throw e;
    const message = (e as Error).message;
    if (/^(undefined type name|unknown type)/.test(message)) {
      throw new CompatError('REF_UNRESOLVED', `the ${label} uses a type it does not define: ${message.replace(/^unknown type/, 'undefined type name')}`, {
        hint: 'check self-contained schemas, or pass the named types it uses as references',
        cause: e,
      });
    }
    throw new CompatError('SCHEMA_INVALID', `the ${label} is not a valid Avro schema: ${message}`, { cause: e });
  }
}

/**
 * Parses with avsc (the reference parser: it refuses what Avro's Java parser refuses, such as
 * a default that does not match the first union branch). References are added only when a name
 * is missing, so a reference the schema also defines itself is no duplicate.
 */
function avscType(schema: Json, references: Readonly<Record<string, Json>>, registry: Record<string, avro.Type>, adding: Set<string>): void {
  for (;;) {
    const attempt = { ...registry };
    try {
      avro.Type.forSchema(schema as avro.Schema, { registry: attempt });
      Object.assign(registry, attempt);
      return;
    } catch (e) {
      const missing = /^undefined type name: (\S+)/.exec((e as Error).message)?.[1];
      const key = missing === undefined ? undefined : referenceKey(missing, references);
      if (key === undefined || adding.has(key) || key in registry) throw e;
      adding.add(key);
      try {
        avscType(references[key], references, registry, adding);
      } catch (inner) {
        if (inner instanceof CompatError) throw inner;
        throw new CompatError('SCHEMA_INVALID', `the Avro reference ${key} is not a valid schema: ${(inner as Error).message}`, { cause: inner });
      } finally {
        adding.delete(key);
      }
      if (missing !== undefined && !(missing in registry)) throw e;
    }
  }
}

function referenceKey(name: string, references: Readonly<Record<string, Json>>): string | undefined {
  if (name in references) return name;
  const short = name.slice(name.lastIndexOf('.') + 1);
  const matches = Object.keys(references).filter((k) => !k.includes('.') && k === short);
  return matches.length === 1 ? matches[0] : undefined;
}

class Parser {
  private readonly named = new Map<string, NamedNode>();
  private readonly parsingRefs = new Set<string>();

  constructor(
    private readonly references: Readonly<Record<string, Json>>,
    private readonly label: string,
  ) {}

  root(schema: Json): AvroNode {
    return this.parse(schema, '', [], undefined);
  }

  private fail(message: string, path: SchemaPath, doc: string | undefined): never {
    const where = doc ? `${doc}#${renderPath(path)}` : renderPath(path) || 'the root';
    throw new CompatError('SCHEMA_INVALID', `${this.label}: ${message} (at ${where})`);
  }

  private parse(schema: Json, ns: string, path: SchemaPath, doc: string | undefined): AvroNode {
    if (typeof schema === 'string') return this.byName(schema, ns, path, doc);
    if (Array.isArray(schema)) {
      return { kind: 'union', branches: schema.map((b, i) => this.parse(b, ns, [...path, i], doc)), path, doc };
    }
    if (typeof schema !== 'object' || schema === null) this.fail(`${JSON.stringify(schema)} is not an Avro type`, path, doc);
    const obj = schema as Obj;
    const type = obj.type;
    if (typeof type === 'object' && type !== null) return this.parse(type, ns, [...path, 'type'], doc);
    if (typeof type !== 'string') this.fail('a type object needs a "type"', path, doc);
    switch (type) {
      case 'record':
      case 'error':
        return this.record(obj, ns, path, doc);
      case 'enum': {
        const node = this.named_(obj, 'enum', ns, path, doc) as Extract<AvroNode, { kind: 'enum' }>;
        node.symbols = Array.isArray(obj.symbols) ? obj.symbols.map(String) : [];
        if (typeof obj.default === 'string') node.default = obj.default;
        return node;
      }
      case 'fixed': {
        const node = this.named_(obj, 'fixed', ns, path, doc) as Extract<AvroNode, { kind: 'fixed' }>;
        node.size = typeof obj.size === 'number' ? obj.size : 0;
        const logical = logicalOf(obj, 'fixed', node.size);
        if (logical) node.logical = logical;
        return node;
      }
      case 'array':
        return { kind: 'array', items: this.parse(obj.items, ns, [...path, 'items'], doc), path, doc };
      case 'map':
        return { kind: 'map', values: this.parse(obj.values, ns, [...path, 'values'], doc), path, doc };
      default: {
        if (PRIMITIVE_SET.has(type)) {
          const node: AvroNode = { kind: 'primitive', type: type as Primitive, path, doc };
          const logical = logicalOf(obj, type as Primitive);
          if (logical) node.logical = logical;
          return node;
        }
        return this.byName(type, ns, path, doc);
      }
    }
  }

  private byName(name: string, ns: string, path: SchemaPath, doc: string | undefined): AvroNode {
    if (PRIMITIVE_SET.has(name)) return { kind: 'primitive', type: name as Primitive, path, doc };
    const candidates = name.includes('.') ? [name] : ns ? [`${ns}.${name}`, name] : [name];
    for (const c of candidates) {
      const found = this.named.get(c);
      if (found) return found;
    }
    for (const c of candidates) {
      if (c in this.references && !this.parsingRefs.has(c)) {
        this.parsingRefs.add(c);
        const node = this.parse(this.references[c], '', [], c);
        const found = this.named.get(c);
        if (found) return found;
        return node;
      }
    }
    throw new CompatError('REF_UNRESOLVED', `${this.label}: unknown type ${JSON.stringify(name)} (at ${renderPath(path) || 'the root'})`, {
      hint: 'check self-contained schemas, or pass the named types they use as references',
    });
  }

  private named_(obj: Obj, kind: 'record' | 'enum' | 'fixed', ns: string, path: SchemaPath, doc: string | undefined): NamedNode {
    if (typeof obj.name !== 'string' || obj.name === '') this.fail(`a ${kind} needs a "name"`, path, doc);
    const { fullName, namespace } = qualify(obj.name, obj.namespace, ns);
    for (const part of fullName.split('.')) if (!NAME.test(part)) this.fail(`${JSON.stringify(fullName)} is not a valid Avro name`, [...path, 'name'], doc);
    if (this.named.has(fullName)) this.fail(`${fullName} is defined twice`, path, doc);
    const aliases = Array.isArray(obj.aliases) ? obj.aliases.map((a) => qualify(String(a), undefined, namespace).fullName) : [];
    const name = fullName.slice(fullName.lastIndexOf('.') + 1);
    const node = { kind, name, fullName, aliases, path, doc } as NamedNode;
    this.named.set(fullName, node);
    return node;
  }

  private record(obj: Obj, ns: string, path: SchemaPath, doc: string | undefined): AvroNode {
    const node = this.named_(obj, 'record', ns, path, doc) as Extract<AvroNode, { kind: 'record' }>;
    const inner = node.fullName.includes('.') ? node.fullName.slice(0, node.fullName.lastIndexOf('.')) : '';
    node.fields = [];
    const fields = Array.isArray(obj.fields) ? obj.fields : [];
    fields.forEach((f, i) => {
      const fieldPath = [...path, 'fields', i];
      if (typeof f !== 'object' || f === null || typeof (f as Obj).name !== 'string') this.fail('a field needs a "name"', fieldPath, doc);
      const field = f as Obj;
      node.fields.push({
        name: field.name as string,
        aliases: Array.isArray(field.aliases) ? field.aliases.map(String) : [],
        type: this.parse(field.type, inner, [...fieldPath, 'type'], doc),
        hasDefault: 'default' in field,
        path: fieldPath,
      });
    });
    return node;
  }
}

function qualify(name: string, namespace: Json, enclosing: string): { fullName: string; namespace: string } {
  if (name.includes('.')) return { fullName: name, namespace: name.slice(0, name.lastIndexOf('.')) };
  const ns = typeof namespace === 'string' ? namespace : enclosing;
  return { fullName: ns ? `${ns}.${name}` : name, namespace: ns };
}

/** The logical type Avro's Java library would accept (an invalid one is ignored there too). */
function logicalOf(obj: Obj, type: Primitive | 'fixed', fixedSize = 0): Logical | undefined {
  const name = obj.logicalType;
  if (typeof name !== 'string') return undefined;
  if (name === 'decimal') {
    if (type !== 'bytes' && type !== 'fixed') return undefined;
    const precision = obj.precision;
    const scale = obj.scale === undefined ? 0 : obj.scale;
    if (typeof precision !== 'number' || !Number.isInteger(precision) || precision <= 0) return undefined;
    if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision) return undefined;
    if (type === 'fixed' && precision > Math.floor(Math.log10(2) * (8 * fixedSize - 1))) return undefined;
    return { name, precision, scale };
  }
  const on: Record<string, string> = {
    date: 'int',
    'time-millis': 'int',
    'time-micros': 'long',
    'timestamp-millis': 'long',
    'timestamp-micros': 'long',
    'timestamp-nanos': 'long',
    'local-timestamp-millis': 'long',
    'local-timestamp-micros': 'long',
    'local-timestamp-nanos': 'long',
    uuid: 'string',
    duration: 'fixed',
  };
  if (on[name] === undefined) return { name }; // a custom logical type: compared by name only
  if (on[name] !== type && !(name === 'uuid' && type === 'fixed')) return undefined;
  if (name === 'duration' && fixedSize !== 12) return undefined;
  return { name };
}

// ---------------------------------------------------------------------------------------------
// Checking

/** Reasons the reader cannot decode what the writer wrote; empty if it always can. */
export function checkAvro(reader: AvroNode, writer: AvroNode, candidateIsReader: boolean, roles: Roles): Reason[] {
  return new Checker(candidateIsReader, roles).check(reader, writer, '');
}

type Memo = Map<AvroNode, Map<AvroNode, Reason[] | 'in-progress'>>;

class Checker {
  private readonly memo: Memo = new Map();

  constructor(
    private readonly candidateIsReader: boolean,
    private readonly roles: Roles,
  ) {}

  check(r: AvroNode, w: AvroNode, field: string): Reason[] {
    let byWriter = this.memo.get(r);
    if (!byWriter) this.memo.set(r, (byWriter = new Map()));
    const known = byWriter.get(w);
    if (known === 'in-progress') return []; // recursion: compatible unless proven otherwise
    if (known) return known;
    byWriter.set(w, 'in-progress');
    const result = this.calculate(r, w, field);
    byWriter.set(w, result);
    return result;
  }

  /** The candidate's side of a pair: where a reason points. */
  private at(r: AvroNode, w: AvroNode, ...suffix: Segment[]): string {
    const node = this.candidateIsReader ? r : w;
    const path = renderPath([...node.path, ...suffix]);
    return node.doc ? `${node.doc}#${path}` : path;
  }

  private get reader(): string {
    return this.candidateIsReader ? this.roles.candidate : this.roles.previous;
  }

  private get writer(): string {
    return this.candidateIsReader ? this.roles.previous : this.roles.candidate;
  }

  private calculate(r: AvroNode, w: AvroNode, field: string): Reason[] {
    const rt = typeKey(r);
    const wt = typeKey(w);
    if (rt === wt) {
      switch (r.kind) {
        case 'primitive':
          return this.logical(r, w, field);
        case 'array':
          return this.check(r.items, (w as typeof r).items, `${field}[]`);
        case 'map':
          return this.check(r.values, (w as typeof r).values, `${field}{}`);
        case 'fixed': {
          const wf = w as typeof r;
          const reasons = this.names(r, wf, field);
          if (r.size !== wf.size) {
            reasons.push({
              path: this.at(r, w, 'size'),
              rule: 'FIXED_SIZE_MISMATCH',
              message: `${subject(field, `fixed ${this.candidateName(r, w)}`)} changed size from ${this.prev(r, w, r.size, wf.size)} to ${this.cand(r, w, r.size, wf.size)} bytes`,
              hint: 'a fixed type keeps its size; add a new field with a new fixed type (and a default) instead',
            });
          }
          return reasons.length ? reasons : this.logical(r, w, field);
        }
        case 'enum':
          return [...this.names(r, w as typeof r, field), ...this.symbols(r, w as typeof r, field)];
        case 'record':
          return [...this.names(r, w as typeof r, field), ...this.fields(r, w as typeof r, field)];
        case 'union': {
          const reasons: Reason[] = [];
          (w as typeof r).branches.forEach((wb) => {
            if (this.check(r, wb, field).length > 0) reasons.push(...this.unionBranch(r as Extract<AvroNode, { kind: 'union' }>, wb, field));
          });
          return reasons;
        }
      }
    }
    // A union writer: every branch it may have written must be readable.
    if (w.kind === 'union') return w.branches.flatMap((wb) => this.check(r, wb, field));
    if (r.kind === 'union') {
      if (r.branches.some((rb) => this.check(rb, w, field).length === 0)) return [];
      return this.unionBranch(r, w, field);
    }
    if (promotes(w, r)) return [];
    return [this.typeMismatch(r, w, field)];
  }

  private candidateName(r: AvroNode, w: AvroNode): string {
    const node = (this.candidateIsReader ? r : w) as NamedNode;
    return node.fullName;
  }

  private prev<T>(_r: AvroNode, _w: AvroNode, rv: T, wv: T): T {
    return this.candidateIsReader ? wv : rv;
  }

  private cand<T>(_r: AvroNode, _w: AvroNode, rv: T, wv: T): T {
    return this.candidateIsReader ? rv : wv;
  }

  private names(r: NamedNode, w: NamedNode, field: string): Reason[] {
    if (r.name === w.name || r.aliases.includes(w.fullName)) return [];
    const [from, to] = this.candidateIsReader ? [w.fullName, r.fullName] : [r.fullName, w.fullName];
    return [
      {
        path: this.at(r, w, 'name'),
        rule: 'NAME_MISMATCH',
        message: `${subject(field, `the ${r.kind}`)} was renamed from ${from} to ${to}`,
        hint: this.candidateIsReader
          ? `keep the name ${from}, or add "aliases": [${JSON.stringify(from)}] to ${to}`
          : `keep the name ${from}: an alias lets the new schema read old data, but ${this.roles.previous} cannot know the new name (use BACKWARD, or keep the name)`,
      },
    ];
  }

  private symbols(r: Extract<AvroNode, { kind: 'enum' }>, w: Extract<AvroNode, { kind: 'enum' }>, field: string): Reason[] {
    const missing = [...new Set(w.symbols)].filter((s) => !r.symbols.includes(s)).sort();
    if (missing.length === 0) return [];
    if (r.default !== undefined && r.symbols.includes(r.default)) return [];
    const list = missing.map((s) => JSON.stringify(s)).join(', ');
    const name = this.candidateName(r, w);
    if (this.candidateIsReader) {
      return [
        {
          path: this.at(r, w, 'symbols'),
          rule: 'MISSING_ENUM_SYMBOLS',
          message: `${subject(field, `enum ${name}`)} no longer has symbol${missing.length > 1 ? 's' : ''} ${list}, which ${this.writer} writes`,
          hint: `keep ${list} in "symbols", or give the enum a "default" symbol that unknown symbols are read as`,
        },
      ];
    }
    return [
      {
        path: this.at(r, w, 'symbols'),
        rule: 'MISSING_ENUM_SYMBOLS',
        message: `${subject(field, `enum ${name}`)} gained symbol${missing.length > 1 ? 's' : ''} ${list}, which ${this.reader} cannot read (it has no enum "default")`,
        hint: `first release a version whose enum has a "default" symbol and let consumers pick it up, then add ${list}`,
      },
    ];
  }

  private fields(r: Extract<AvroNode, { kind: 'record' }>, w: Extract<AvroNode, { kind: 'record' }>, field: string): Reason[] {
    const reasons: Reason[] = [];
    for (const rf of r.fields) {
      const wf = lookupWriterField(w, rf);
      const dotted = field ? `${field}.${rf.name}` : rf.name;
      if (wf === undefined) {
        if (rf.hasDefault) continue;
        if (this.candidateIsReader) {
          reasons.push({
            path: this.at(r, w, 'fields', r.fields.indexOf(rf)),
            rule: 'READER_FIELD_MISSING_DEFAULT_VALUE',
            message: `field ${JSON.stringify(dotted)} was added without a default, so ${this.reader} cannot read records ${this.writer} wrote without it`,
            hint: `give ${JSON.stringify(rf.name)} a default (for an optional field: "type": ["null", ...] with "default": null)`,
          });
        } else {
          reasons.push({
            path: this.at(r, w, 'fields'),
            rule: 'READER_FIELD_MISSING_DEFAULT_VALUE',
            message: `field ${JSON.stringify(dotted)} was removed, but it has no default in ${this.reader}, which cannot read new records without it`,
            hint: `keep ${JSON.stringify(rf.name)}, or first release a version that gives it a default and let consumers pick it up, then remove it`,
          });
        }
        continue;
      }
      reasons.push(...this.check(rf.type, wf.type, dotted));
    }
    return reasons;
  }

  /**
   * No reader branch reads writer type `w`. Avro's checker says MISSING_UNION_BRANCH; when the
   * reader union has a branch that is clearly meant for `w` (same kind and name, e.g. the record
   * in ["null", Record]), what is wrong inside it is the more useful reason.
   */
  private unionBranch(r: Extract<AvroNode, { kind: 'union' }>, w: AvroNode, field: string): Reason[] {
    const counterparts = r.branches.filter((rb) => {
      if (typeKey(rb) !== typeKey(w) || rb.kind === 'primitive') return false;
      if (rb.kind === 'record' || rb.kind === 'enum' || rb.kind === 'fixed') {
        const wn = w as NamedNode;
        return rb.name === wn.name || rb.aliases.includes(wn.fullName);
      }
      return true;
    });
    if (counterparts.length === 1) {
      const inner = this.check(counterparts[0]!, w, field);
      if (inner.length > 0) return inner;
    }
    return [this.missingBranch(r, w, field)];
  }

  private missingBranch(r: AvroNode, w: AvroNode, field: string): Reason {
    const branch = describe(w);
    if (this.candidateIsReader) {
      return {
        path: this.at(r, w),
        rule: 'MISSING_UNION_BRANCH',
        message: `${subject(field, 'the union')} has no branch that can read ${branch}, which ${this.writer} writes`,
        hint: `keep a ${branch} branch in the union`,
      };
    }
    return {
      path: this.at(r, w),
      rule: 'MISSING_UNION_BRANCH',
      message: `${subject(field, 'the schema')} now writes ${branch}, which ${this.reader} cannot read (its union has no such branch)`,
      hint: `only write branches ${this.reader} knows; first release a version whose union has a ${branch} branch`,
    };
  }

  private typeMismatch(r: AvroNode, w: AvroNode, field: string): Reason {
    const [from, to] = this.candidateIsReader ? [describe(w), describe(r)] : [describe(r), describe(w)];
    const widened = this.candidateIsReader ? false : promotes(r, w);
    return {
      path: this.at(r, w),
      rule: 'TYPE_MISMATCH',
      message: `${subject(field, 'the schema')} changed type from ${from} to ${to}; ${this.reader} cannot read ${describe(w)}`,
      hint: widened
        ? `widening ${from} to ${to} is only backward compatible; keep ${from} (FORWARD and FULL need it), or add a new field with a default`
        : 'only int -> long -> float -> double and string <-> bytes are promotions; add a new field (with a default) for the new type instead',
    };
  }

  private logical(r: AvroNode, w: AvroNode, field: string): Reason[] {
    const rl = 'logical' in r ? r.logical : undefined;
    const wl = 'logical' in w ? w.logical : undefined;
    if (!rl || !wl) return [];
    const [prevL, candL] = this.candidateIsReader ? [wl, rl] : [rl, wl];
    if (rl.name === 'decimal' && wl.name === 'decimal') {
      if (rl.scale === wl.scale && rl.precision! >= wl.precision!) return [];
      const what =
        rl.scale !== wl.scale
          ? `scale changed from ${prevL.scale} to ${candL.scale}: the same bytes are read as a number ${10 ** Math.abs(rl.scale! - wl.scale!)} times ${rl.scale! > wl.scale! ? 'smaller' : 'larger'}`
          : `precision shrank from ${wl.precision} to ${rl.precision} for the reader: values ${this.writer} writes may not fit`;
      return [
        {
          path: this.at(r, w),
          rule: 'LOGICAL_TYPE_MISMATCH',
          message: `${subject(field, 'the decimal')} ${what}`,
          hint: 'keep the scale (precision may only grow for the reader); add a new field for the new scale',
        },
      ];
    }
    if (rl.name === wl.name) return [];
    return [
      {
        path: this.at(r, w),
        rule: 'LOGICAL_TYPE_MISMATCH',
        message: `${subject(field, 'the schema')} changed logical type from ${prevL.name} to ${candL.name}: the same ${describe(w)} values would be read with another meaning`,
        hint: `keep ${prevL.name}; add a new field with the ${candL.name} logical type (and a default) instead`,
      },
    ];
  }
}

function subject(field: string, otherwise: string): string {
  return field ? `field ${JSON.stringify(field)}` : otherwise;
}

function typeKey(n: AvroNode): string {
  return n.kind === 'primitive' ? n.type : n.kind;
}

/** Can a reader of type `r` read what a writer of type `w` wrote, by promotion? */
function promotes(w: AvroNode, r: AvroNode): boolean {
  if (w.kind !== 'primitive' || r.kind !== 'primitive') return false;
  const allowed: Record<string, string[]> = {
    long: ['int'],
    float: ['int', 'long'],
    double: ['int', 'long', 'float'],
    bytes: ['string'],
    string: ['bytes'],
  };
  return (allowed[r.type] ?? []).includes(w.type);
}

function describe(n: AvroNode): string {
  switch (n.kind) {
    case 'primitive':
      return n.logical ? `${n.type} (${n.logical.name})` : n.type;
    case 'record':
    case 'enum':
    case 'fixed':
      return `${n.kind} ${n.fullName}`;
    case 'array':
      return `array of ${describe(n.items)}`;
    case 'map':
      return `map of ${describe(n.values)}`;
    case 'union':
      return `union [${n.branches.map(describe).join(', ')}]`;
  }
}

function lookupWriterField(writer: Extract<AvroNode, { kind: 'record' }>, readerField: AvroField): AvroField | undefined {
  const direct = writer.fields.find((f) => f.name === readerField.name);
  if (direct) return direct;
  for (const alias of readerField.aliases) {
    const found = writer.fields.find((f) => f.name === alias);
    if (found) return found;
  }
  return undefined;
}
