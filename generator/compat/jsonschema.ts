// JSON Schema compatibility, with the rules Confluent Schema Registry applies (its
// `SchemaDiff`, compatibility policy STRICT): compare an original schema with an update and
// classify every difference; the update is compatible if every difference is one of the
// compatible kinds. Backward = compare(previous, candidate): the candidate must accept all data
// the previous schema accepted. Forward = compare(candidate, previous).
//
// Schemas are first read the way Confluent's JSON Schema library (everit) reads them, because
// the rules depend on that shape: `{"type": "string", "enum": [...]}` is an allOf of a string
// schema and an enum schema, `{"type": ["string", "null"]}` an anyOf of a string and a null
// schema, `{}` and `true` accept anything, keywords of a type without "type" imply that type.
// This file is an independent TypeScript implementation of those rules; rule ids are Confluent's
// `Difference.Type` names so a reason reads the same here and in the registry's answer.
//
// Local references (`#/$defs/X`, `#/definitions/X`, any JSON Pointer) resolve in the document;
// other documents come from `references` (keyed by the `$ref` URI as written, by the URI
// resolved against the root `$id`, or by the referenced document's own `$id`).
import { CompatError } from './errors.js';
import { renderPath, type SchemaPath, type Segment } from './paths.js';
import type { Reason, Roles } from './types.js';

type Json = unknown;
type Obj = Record<string, Json>;
type Criterion = 'allOf' | 'anyOf' | 'oneOf';

// ---------------------------------------------------------------------------------------------
// The model

interface Doc {
  role: 'candidate' | 'previous';
  /** Reference key for documents other than the checked one. */
  name: string | undefined;
  root: Json;
  base: string | undefined;
  cache: Map<object, JNode>;
  resolver: Resolver;
}

interface Base {
  path: SchemaPath;
  doc: Doc;
  raw: Json;
  hasDefault: boolean;
  connectType?: string;
}

export type JNode =
  | (Base & { kind: 'empty' })
  | (Base & { kind: 'false' })
  | (Base & { kind: 'boolean' })
  | (Base & { kind: 'null' })
  | (Base & { kind: 'string'; minLength?: number; maxLength?: number; pattern?: string })
  | (Base & {
      kind: 'number';
      integer: boolean;
      minimum?: number;
      maximum?: number;
      exclusiveMinimum?: number;
      exclusiveMaximum?: number;
      multipleOf?: number;
    })
  | (Base & {
      kind: 'object';
      properties: Map<string, JNode>;
      required: string[];
      permitsAdditional: boolean;
      additional?: JNode;
      patternProperties: Array<[string, JNode]>;
      unevaluated?: JNode;
      minProperties?: number;
      maxProperties?: number;
      propertyDependencies: Map<string, string[]>;
      schemaDependencies: Map<string, JNode>;
    })
  | (Base & {
      kind: 'array';
      items?: JNode;
      itemSchemas?: JNode[];
      permitsAdditionalItems: boolean;
      additionalItems?: JNode;
      unevaluatedItems?: JNode;
      minItems?: number;
      maxItems?: number;
      uniqueItems: boolean;
      minContains?: number;
      maxContains?: number;
    })
  | (Base & { kind: 'enum'; values: Json[] })
  | (Base & { kind: 'const'; value: Json })
  | (Base & { kind: 'combined'; criterion: Criterion; subs: JNode[]; synthetic: boolean })
  | (Base & { kind: 'not'; not: JNode })
  | (Base & { kind: 'ref'; ref: string; target?: JNode })
  | (Base & { kind: 'conditional' });

type Kind = JNode['kind'];
type Of<K extends Kind> = Extract<JNode, { kind: K }>;

const STRING_KEYWORDS = ['minLength', 'maxLength', 'pattern', 'format'];
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const OBJECT_KEYWORDS = ['properties', 'required', 'minProperties', 'maxProperties', 'dependencies', 'dependentRequired', 'dependentSchemas', 'patternProperties', 'additionalProperties', 'propertyNames', 'unevaluatedProperties'];
const ARRAY_KEYWORDS = ['items', 'additionalItems', 'prefixItems', 'minItems', 'maxItems', 'uniqueItems', 'contains', 'minContains', 'maxContains', 'unevaluatedItems'];

class Resolver {
  private readonly docs = new Map<string, Doc>();

  constructor(
    readonly role: 'candidate' | 'previous',
    private readonly references: Readonly<Record<string, Json>>,
    private readonly label: string,
  ) {}

  main(root: Json): Doc {
    return this.doc(root, undefined);
  }

  private doc(root: Json, name: string | undefined): Doc {
    const id = isObj(root) && typeof root.$id === 'string' ? root.$id : undefined;
    let base: string | undefined;
    try {
      base = id ? new URL(id).href : undefined;
    } catch {
      base = undefined;
    }
    return { role: this.role, name, root, base, cache: new Map(), resolver: this };
  }

  /** The document a `$ref` URI (the part before '#') names, seen from `from`. */
  external(uri: string, from: Doc, at: string): Doc {
    let absolute: string | undefined;
    try {
      absolute = new URL(uri, from.base).href;
    } catch {
      absolute = undefined;
    }
    if (absolute !== undefined && from.base !== undefined && stripFragment(absolute) === stripFragment(from.base)) return from;
    const keys = Object.keys(this.references);
    let key = keys.find((k) => k === uri) ?? (absolute ? keys.find((k) => k === absolute) : undefined);
    key ??= keys.find((k) => {
      const r = this.references[k];
      return absolute !== undefined && isObj(r) && typeof r.$id === 'string' && safeUrl(r.$id) === absolute;
    });
    if (key === undefined) {
      const base = uri.slice(uri.lastIndexOf('/') + 1);
      const byBase = keys.filter((k) => k.slice(k.lastIndexOf('/') + 1) === base);
      if (byBase.length === 1) key = byBase[0];
    }
    if (key === undefined) {
      throw new CompatError('REF_UNRESOLVED', `${this.label}: $ref ${JSON.stringify(uri)} (at ${at}) names a document that was not given`, {
        hint: 'pass the referenced schema in `references`, keyed by the $ref URI',
      });
    }
    let doc = this.docs.get(key);
    if (!doc) this.docs.set(key, (doc = this.doc(this.references[key], key)));
    return doc;
  }
}

function safeUrl(s: string): string | undefined {
  try {
    return new URL(s).href;
  } catch {
    return undefined;
  }
}

function stripFragment(u: string): string {
  const i = u.indexOf('#');
  return i === -1 ? u : u.slice(0, i);
}

function isObj(v: Json): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function where(doc: Doc, path: SchemaPath): string {
  const p = renderPath(path);
  return doc.name ? `${doc.name}#${p}` : p;
}

/** Reads a JSON Schema into the model. Throws CompatError for what is not a schema. */
export function loadJsonSchema(root: Json, role: 'candidate' | 'previous', references: Readonly<Record<string, Json>> = {}, label = 'schema'): JNode {
  if (!isObj(root) && typeof root !== 'boolean') throw new CompatError('SCHEMA_INVALID', `the ${label} is not a JSON Schema (expected an object or a boolean)`);
  const resolver = new Resolver(role, references, label);
  const doc = resolver.main(root);
  const node = load(root, [], doc);
  // Resolve every reference now, so a dangling $ref is bad input even where no comparison reaches it.
  const seen = new Set<JNode>();
  const visit = (n: JNode | undefined): void => {
    if (!n || seen.has(n)) return;
    seen.add(n);
    for (const child of children(n)) visit(child);
  };
  visit(node);
  return node;
}

function children(n: JNode): JNode[] {
  switch (n.kind) {
    case 'ref':
      return [deref(n)];
    case 'object':
      return [...n.properties.values(), ...(n.additional ? [n.additional] : []), ...n.patternProperties.map(([, s]) => s), ...n.schemaDependencies.values(), ...(n.unevaluated ? [n.unevaluated] : [])];
    case 'array':
      return [...(n.items ? [n.items] : []), ...(n.itemSchemas ?? []), ...(n.additionalItems ? [n.additionalItems] : []), ...(n.unevaluatedItems ? [n.unevaluatedItems] : [])];
    case 'combined':
      return n.subs;
    case 'not':
      return [n.not];
    default:
      return [];
  }
}

function load(raw: Json, path: SchemaPath, doc: Doc): JNode {
  if (raw === true) return { kind: 'empty', path, doc, raw, hasDefault: false };
  if (raw === false) return { kind: 'false', path, doc, raw, hasDefault: false };
  if (!isObj(raw)) throw new CompatError('SCHEMA_INVALID', `${where(doc, path) || 'the root'}: ${JSON.stringify(raw)} is not a schema (expected an object or a boolean)`);
  const cached = doc.cache.get(raw);
  if (cached) return cached;
  const base: Base = { path, doc, raw, hasDefault: 'default' in raw };
  if (typeof raw['connect.type'] === 'string') base.connectType = raw['connect.type'];
  if (typeof raw.$ref === 'string') {
    const node: JNode = { ...base, kind: 'ref', ref: raw.$ref };
    doc.cache.set(raw, node);
    return node;
  }
  const parts: JNode[] = [];
  if (Array.isArray(raw.enum)) parts.push({ ...base, kind: 'enum', values: raw.enum });
  for (const criterion of ['allOf', 'anyOf', 'oneOf'] as const) {
    const subs = raw[criterion];
    if (Array.isArray(subs)) parts.push({ ...base, kind: 'combined', criterion, synthetic: false, subs: subs.map((s, i) => load(s, [...path, criterion, i], doc)) });
  }
  if ('not' in raw) parts.push({ ...base, kind: 'not', not: load(raw.not, [...path, 'not'], doc) });
  if ('const' in raw) parts.push({ ...base, kind: 'const', value: raw.const });
  if (typeof raw.type === 'string') parts.push(typed(raw.type, raw, base));
  else if (Array.isArray(raw.type)) parts.push({ ...base, kind: 'combined', criterion: 'anyOf', synthetic: true, subs: raw.type.map((t) => typed(String(t), raw, base)) });
  else {
    if (STRING_KEYWORDS.some((k) => k in raw)) parts.push(typed('string', raw, base));
    if (NUMBER_KEYWORDS.some((k) => k in raw)) parts.push(typed('number', raw, base));
    if (OBJECT_KEYWORDS.some((k) => k in raw)) parts.push(typed('object', raw, base));
    if (ARRAY_KEYWORDS.some((k) => k in raw)) parts.push(typed('array', raw, base));
  }
  if ('if' in raw) parts.push({ ...base, kind: 'conditional' });
  const node: JNode = parts.length === 0 ? { ...base, kind: 'empty' } : parts.length === 1 ? parts[0]! : { ...base, kind: 'combined', criterion: 'allOf', synthetic: true, subs: parts };
  doc.cache.set(raw, node);
  return node;
}

function num(v: Json): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function typed(type: string, raw: Obj, base: Base): JNode {
  const { path, doc } = base;
  switch (type) {
    case 'string':
      return { ...base, kind: 'string', minLength: num(raw.minLength), maxLength: num(raw.maxLength), pattern: typeof raw.pattern === 'string' ? raw.pattern : undefined };
    case 'number':
    case 'integer':
      return {
        ...base,
        kind: 'number',
        integer: type === 'integer',
        minimum: num(raw.minimum),
        maximum: num(raw.maximum),
        // draft-04's boolean exclusiveMinimum/Maximum only qualifies minimum/maximum
        exclusiveMinimum: num(raw.exclusiveMinimum),
        exclusiveMaximum: num(raw.exclusiveMaximum),
        multipleOf: num(raw.multipleOf),
      };
    case 'boolean':
      return { ...base, kind: 'boolean' };
    case 'null':
      return { ...base, kind: 'null' };
    case 'object': {
      const properties = new Map<string, JNode>();
      if (isObj(raw.properties)) for (const [k, v] of Object.entries(raw.properties)) properties.set(k, load(v, [...path, 'properties', k], doc));
      const patternProperties: Array<[string, JNode]> = isObj(raw.patternProperties) ? Object.entries(raw.patternProperties).map(([k, v]) => [k, load(v, [...path, 'patternProperties', k], doc)]) : [];
      const propertyDependencies = new Map<string, string[]>();
      const schemaDependencies = new Map<string, JNode>();
      for (const [keyword, value] of [['dependencies', raw.dependencies], ['dependentRequired', raw.dependentRequired], ['dependentSchemas', raw.dependentSchemas]] as const) {
        if (!isObj(value)) continue;
        for (const [k, v] of Object.entries(value)) {
          if (Array.isArray(v)) propertyDependencies.set(k, v.map(String));
          else schemaDependencies.set(k, load(v, [...path, keyword, k], doc));
        }
      }
      const ap = raw.additionalProperties;
      return {
        ...base,
        kind: 'object',
        properties,
        required: Array.isArray(raw.required) ? raw.required.map(String) : [],
        permitsAdditional: ap !== false,
        additional: ap === undefined || typeof ap === 'boolean' ? undefined : load(ap, [...path, 'additionalProperties'], doc),
        patternProperties,
        unevaluated: raw.unevaluatedProperties === undefined ? undefined : load(raw.unevaluatedProperties, [...path, 'unevaluatedProperties'], doc),
        minProperties: num(raw.minProperties),
        maxProperties: num(raw.maxProperties),
        propertyDependencies,
        schemaDependencies,
      };
    }
    case 'array': {
      let items: JNode | undefined;
      let itemSchemas: JNode[] | undefined;
      let additional: Json = raw.additionalItems;
      let additionalPath: Segment = 'additionalItems';
      if (Array.isArray(raw.prefixItems)) {
        itemSchemas = raw.prefixItems.map((s, i) => load(s, [...path, 'prefixItems', i], doc));
        additional = raw.items;
        additionalPath = 'items';
      } else if (Array.isArray(raw.items)) {
        itemSchemas = raw.items.map((s, i) => load(s, [...path, 'items', i], doc));
      } else if (raw.items !== undefined) {
        items = load(raw.items, [...path, 'items'], doc);
      }
      return {
        ...base,
        kind: 'array',
        items,
        itemSchemas,
        permitsAdditionalItems: additional !== false,
        additionalItems: additional === undefined || typeof additional === 'boolean' ? undefined : load(additional, [...path, additionalPath], doc),
        unevaluatedItems: raw.unevaluatedItems === undefined ? undefined : load(raw.unevaluatedItems, [...path, 'unevaluatedItems'], doc),
        minItems: num(raw.minItems),
        maxItems: num(raw.maxItems),
        uniqueItems: raw.uniqueItems === true,
        minContains: num(raw.minContains),
        maxContains: num(raw.maxContains),
      };
    }
    default:
      throw new CompatError('SCHEMA_INVALID', `${where(doc, path) || 'the root'}: unknown type ${JSON.stringify(type)}`, {
        hint: 'JSON Schema types are string, number, integer, boolean, null, object and array',
      });
  }
}

/** Follows `$ref`s to the schema they name. */
function deref(node: JNode): JNode {
  let n = node;
  const seen = new Set<JNode>();
  while (n.kind === 'ref') {
    if (seen.has(n)) throw new CompatError('REF_UNRESOLVED', `${where(n.doc, n.path)}: $ref ${JSON.stringify(n.ref)} refers to itself`);
    seen.add(n);
    n.target ??= resolveRef(n);
    n = n.target;
  }
  return n;
}

function resolveRef(n: Of<'ref'>): JNode {
  const at = where(n.doc, n.path) || 'the root';
  const hash = n.ref.indexOf('#');
  const uri = hash === -1 ? n.ref : n.ref.slice(0, hash);
  const fragment = hash === -1 ? '' : n.ref.slice(hash + 1);
  const doc = uri === '' ? n.doc : n.doc.resolver.external(uri, n.doc, at);
  if (fragment !== '' && !fragment.startsWith('/')) {
    throw new CompatError('REF_UNRESOLVED', `${at}: $ref ${JSON.stringify(n.ref)}: only JSON Pointer fragments (#/...) are supported`);
  }
  let value: Json = doc.root;
  const path: Segment[] = [];
  for (const raw of fragment === '' ? [] : fragment.slice(1).split('/')) {
    const seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value) && /^\d+$/.test(seg)) {
      value = value[Number(seg)];
      path.push(Number(seg));
    } else if (isObj(value) && seg in value) {
      value = value[seg];
      path.push(seg);
    } else {
      throw new CompatError('REF_UNRESOLVED', `${at}: $ref ${JSON.stringify(n.ref)} points to nothing`, { hint: 'define the target (for example under "$defs") or fix the pointer' });
    }
  }
  return load(value, path, doc);
}

// ---------------------------------------------------------------------------------------------
// Comparing

/** Difference kinds that keep the update compatible (Confluent's STRICT policy). */
export const COMPATIBLE_CHANGES: ReadonlySet<string> = new Set([
  'ID_CHANGED', 'DESCRIPTION_CHANGED', 'TITLE_CHANGED', 'DEFAULT_CHANGED', 'SCHEMA_REMOVED', 'TYPE_EXTENDED',
  'MAX_LENGTH_INCREASED', 'MAX_LENGTH_REMOVED', 'MIN_LENGTH_DECREASED', 'MIN_LENGTH_REMOVED', 'PATTERN_REMOVED',
  'MAXIMUM_INCREASED', 'MAXIMUM_REMOVED', 'MINIMUM_DECREASED', 'MINIMUM_REMOVED',
  'EXCLUSIVE_MAXIMUM_INCREASED', 'EXCLUSIVE_MAXIMUM_REMOVED', 'EXCLUSIVE_MINIMUM_DECREASED', 'EXCLUSIVE_MINIMUM_REMOVED',
  'MULTIPLE_OF_REDUCED', 'MULTIPLE_OF_REMOVED',
  'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED', 'REQUIRED_ATTRIBUTE_REMOVED',
  'DEPENDENCY_ARRAY_NARROWED', 'DEPENDENCY_ARRAY_REMOVED', 'DEPENDENCY_SCHEMA_REMOVED',
  'MAX_PROPERTIES_INCREASED', 'MAX_PROPERTIES_REMOVED', 'MIN_PROPERTIES_DECREASED', 'MIN_PROPERTIES_REMOVED',
  'ADDITIONAL_PROPERTIES_ADDED', 'ADDITIONAL_PROPERTIES_EXTENDED', 'UNEVALUATED_PROPERTIES_ADDED', 'UNEVALUATED_PROPERTIES_EXTENDED',
  'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL', 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL',
  'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL',
  'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'MAX_ITEMS_INCREASED', 'MAX_ITEMS_REMOVED', 'MIN_ITEMS_DECREASED', 'MIN_ITEMS_REMOVED',
  'MAX_CONTAINS_INCREASED', 'MAX_CONTAINS_REMOVED', 'MIN_CONTAINS_DECREASED', 'MIN_CONTAINS_REMOVED',
  'UNIQUE_ITEMS_REMOVED', 'ADDITIONAL_ITEMS_ADDED', 'ADDITIONAL_ITEMS_EXTENDED', 'UNEVALUATED_ITEMS_ADDED', 'UNEVALUATED_ITEMS_EXTENDED',
  'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL', 'ITEM_ADDED_TO_CLOSED_CONTENT_MODEL',
  'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL', 'ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL',
  'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'ENUM_ARRAY_EXTENDED', 'COMBINED_TYPE_EXTENDED', 'PRODUCT_TYPE_NARROWED', 'SUM_TYPE_EXTENDED', 'NOT_TYPE_NARROWED',
]);

interface Detail {
  /** The property (or item index) the difference is about. */
  prop?: string;
  keyword?: string;
  /** Value in the original (`o`) and in the update (`u`). */
  o?: Json;
  u?: Json;
}

interface Diff {
  type: string;
  /** Candidate-side path (rendered). */
  path: string;
  /** Dotted field context for the message. */
  field: string;
  detail: Detail;
}

type PairMap<T> = Map<JNode, Map<JNode, T>>;

function pairGet<T>(m: PairMap<T>, a: JNode, b: JNode): T | undefined {
  return m.get(a)?.get(b);
}

function pairSet<T>(m: PairMap<T>, a: JNode, b: JNode, v: T): void {
  let inner = m.get(a);
  if (!inner) m.set(a, (inner = new Map()));
  inner.set(b, v);
}

interface Shared {
  memo: PairMap<Diff[]>;
  inProgress: PairMap<true>;
  seed: PairMap<Diff[]>;
  optimism: boolean;
}

class Ctx {
  readonly diffs: Diff[] = [];
  constructor(readonly shared: Shared) {}

  sub(): Ctx {
    return new Ctx(this.shared);
  }

  add(type: string, path: string, field: string, detail: Detail = {}): void {
    this.diffs.push({ type, path, field, detail });
  }

  compatible(): boolean {
    return this.diffs.every((d) => COMPATIBLE_CHANGES.has(d.type));
  }
}

/** The candidate's node of a pair (one side of every comparison is the candidate's document). */
function cand(o: JNode, u: JNode): JNode {
  return o.doc.role === 'candidate' ? o : u;
}

function at(node: JNode, ...suffix: Segment[]): string {
  return where(node.doc, [...node.path, ...suffix]);
}

/** A dotted field label for messages, from a node's path: properties.a.properties.b -> a.b */
function fieldOf(node: JNode, extra?: string): string {
  const parts: string[] = [];
  const p = node.path;
  for (let i = 0; i < p.length; i++) {
    const seg = p[i];
    if ((seg === 'properties' || seg === '$defs' || seg === 'definitions' || seg === 'patternProperties') && i + 1 < p.length) {
      parts.push(String(p[++i]));
    } else if (seg === 'items' || seg === 'prefixItems' || seg === 'additionalItems') {
      if (parts.length) parts[parts.length - 1] += '[]';
      else parts.push('[]');
      if (typeof p[i + 1] === 'number') i++;
    }
  }
  if (extra !== undefined) parts.push(extra);
  return parts.join('.');
}

/**
 * Differences between an original and an updated schema. The update is compatible with the
 * original (accepts all its data) if every difference is in COMPATIBLE_CHANGES.
 */
export function diffJsonSchemas(original: JNode, update: JNode): Diff[] {
  // Cycles are cut optimistically (a pair on the stack counts as compatible); repeat with the
  // pairs found incompatible until nothing changes, so a cut never hides a real difference.
  let seed: PairMap<Diff[]> = new Map();
  let seedSize = 0;
  for (;;) {
    const shared: Shared = { memo: new Map(), inProgress: new Map(), seed, optimism: false };
    const ctx = new Ctx(shared);
    compare(ctx, original, update, '', '');
    if (!shared.optimism) return ctx.diffs;
    const incompatible: PairMap<Diff[]> = new Map();
    let size = 0;
    for (const [a, inner] of shared.memo) {
      for (const [b, diffs] of inner) {
        if (diffs.some((d) => !COMPATIBLE_CHANGES.has(d.type))) {
          pairSet(incompatible, a, b, diffs);
          size++;
        }
      }
    }
    if (size === seedSize) return ctx.diffs;
    seed = incompatible;
    seedSize = size;
  }
}

function compare(ctx: Ctx, o: JNode | undefined, u: JNode | undefined, whereMissing: string, field: string): void {
  if (!o && !u) return;
  if (!o) return ctx.add('SCHEMA_ADDED', whereMissing, field);
  if (!u) return ctx.add('SCHEMA_REMOVED', whereMissing, field);
  const no = deref(o);
  const nu = deref(u);
  const memo = pairGet(ctx.shared.memo, no, nu);
  if (memo) return void ctx.diffs.push(...memo);
  if (pairGet(ctx.shared.inProgress, no, nu)) {
    const seeded = pairGet(ctx.shared.seed, no, nu);
    if (seeded) ctx.diffs.push(...seeded);
    else ctx.shared.optimism = true;
    return;
  }
  pairSet(ctx.shared.inProgress, no, nu, true);
  const sub = ctx.sub();
  try {
    compareTypes(sub, no, nu);
  } finally {
    ctx.shared.inProgress.get(no)!.delete(nu);
  }
  pairSet(ctx.shared.memo, no, nu, sub.diffs);
  ctx.diffs.push(...sub.diffs);
}

function isEmpty(n: JNode): boolean {
  return n.kind === 'empty';
}

function compareTypes(ctx: Ctx, o: JNode, u: JNode): void {
  const c = cand(o, u);
  const field = fieldOf(c);
  if (o.kind !== 'combined' && u.kind === 'combined') {
    if (u.subs.length === 1) {
      const sub = ctx.sub();
      compare(sub, o, u.subs[0], at(c), field);
      if (sub.compatible()) return void ctx.diffs.push(...sub.diffs);
    } else if (u.criterion === 'anyOf' || u.criterion === 'oneOf') {
      for (const s of u.subs) {
        const sub = ctx.sub();
        compare(sub, o, s, at(c), field);
        if (sub.compatible()) {
          ctx.diffs.push(...sub.diffs);
          return ctx.add('SUM_TYPE_EXTENDED', at(c), field);
        }
      }
    }
  } else if (o.kind === 'combined' && u.kind !== 'combined') {
    if (o.subs.length === 1) {
      const sub = ctx.sub();
      compare(sub, o.subs[0], u, at(c), field);
      if (sub.compatible()) return void ctx.diffs.push(...sub.diffs);
    } else if (o.criterion === 'allOf') {
      for (const s of o.subs) {
        const sub = ctx.sub();
        compare(sub, s, u, at(c), field);
        if (sub.compatible()) {
          ctx.diffs.push(...sub.diffs);
          return ctx.add('PRODUCT_TYPE_NARROWED', at(c), field);
        }
      }
    }
  }

  if (o.kind !== u.kind) {
    if (o.kind === 'false' || isEmpty(u)) return;
    if (o.connectType === 'bytes' && u.connectType === 'bytes') return;
    if (o.kind === 'combined' || u.kind === 'combined') {
      // The registry's rules stop here with TYPE_CHANGED (a combined schema against a plain
      // one), and so does the verdict. To say *what* changed, look through $ref and allOf
      // wrappers (a single-member allOf, or an allOf whose members merge into one schema) and
      // compare what they stand for: a string that lost its maxLength reads as that.
      const so = seeThrough(o);
      const su = seeThrough(u);
      if (so && su && so.kind === su.kind && so.kind !== 'combined') {
        const sub = ctx.sub();
        compare(sub, so, su, at(c), field);
        if (!sub.compatible()) return void ctx.diffs.push(...sub.diffs);
        return ctx.add('TYPE_CHANGED', at(c), field, { keyword: 'wrapper', o: wrapping(o), u: wrapping(u) });
      }
    }
    return ctx.add('TYPE_CHANGED', at(c), field, { o: describe(o), u: describe(u) });
  }
  if (!equal(o.hasDefault ? (o.raw as Obj).default : undefined, u.hasDefault ? (u.raw as Obj).default : undefined)) ctx.add('DEFAULT_CHANGED', at(c, 'default'), field);

  switch (o.kind) {
    case 'string':
      return compareString(ctx, o, u as Of<'string'>, c, field);
    case 'number':
      return compareNumber(ctx, o, u as Of<'number'>, c, field);
    case 'const':
      if (!equal(o.value, (u as Of<'const'>).value)) ctx.add('ENUM_ARRAY_CHANGED', at(c, 'const'), field, { keyword: 'const', o: o.value, u: (u as Of<'const'>).value });
      return;
    case 'enum':
      return compareEnum(ctx, o, u as Of<'enum'>, c, field);
    case 'combined':
      return compareCombined(ctx, o, u as Of<'combined'>, c, field);
    case 'not': {
      const sub = ctx.sub();
      compare(sub, (u as Of<'not'>).not, o.not, at(c, 'not'), field);
      ctx.add(sub.compatible() ? 'NOT_TYPE_NARROWED' : 'NOT_TYPE_EXTENDED', at(c, 'not'), field);
      return;
    }
    case 'object':
      return compareObject(ctx, o, u as Of<'object'>, c, field);
    case 'array':
      return compareArray(ctx, o, u as Of<'array'>, c, field);
    default:
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// Seeing through wrappers (for reasons only: verdicts follow the registry's rules above)

const views = new WeakMap<JNode, JNode | null>();

/**
 * What a schema stands for once `$ref`s are followed and an allOf is merged: a single-member
 * allOf / anyOf / oneOf is its member, members that accept anything drop out, and members of
 * one kind (string, number, boolean, null, const, enum, open object) merge into one schema
 * with the tighter bounds. Undefined where the members do not merge (say, a closed object, two
 * different patterns, a string and a number).
 */
function seeThrough(node: JNode, depth = 0): JNode | undefined {
  const n = deref(node);
  if (n.kind !== 'combined') return n;
  if (n.criterion !== 'allOf' && n.subs.length !== 1) return n;
  if (views.has(n)) return views.get(n) ?? undefined;
  if (depth > 16) return undefined;
  views.set(n, null); // a cycle through allOf does not merge
  const parts: JNode[] = [];
  let ok = true;
  for (const s of n.subs) {
    const p = seeThrough(s, depth + 1);
    if (!p || p.kind === 'combined') ok = false;
    else if (p.kind !== 'empty') parts.push(p);
  }
  const view = !ok ? undefined : parts.length === 0 ? ({ ...baseOf(n), kind: 'empty' } as JNode) : parts.length === 1 ? parts[0] : merge(n, parts);
  views.set(n, view ?? null);
  return view;
}

function baseOf(n: JNode): Base {
  const b: Base = { path: n.path, doc: n.doc, raw: n.raw, hasDefault: n.hasDefault };
  if (n.connectType !== undefined) b.connectType = n.connectType;
  return b;
}

/** The tighter of two optional bounds. */
function tighter(values: Array<number | undefined>, pick: (a: number, b: number) => number): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length === 0 ? undefined : defined.reduce(pick);
}

/** The one value every member that sets it agrees on, or 'conflict'. */
function agreed<T>(values: Array<T | undefined>): T | undefined | 'conflict' {
  const defined = values.filter((v): v is T => v !== undefined);
  if (defined.length === 0) return undefined;
  return defined.every((v) => equal(v, defined[0])) ? defined[0] : 'conflict';
}

function merge(wrapper: JNode, parts: JNode[]): JNode | undefined {
  const kind = parts[0]!.kind;
  if (parts.some((p) => p.kind !== kind)) return undefined;
  const base = baseOf(wrapper);
  switch (kind) {
    case 'string': {
      const ps = parts as Array<Of<'string'>>;
      const pattern = agreed(ps.map((p) => p.pattern));
      if (pattern === 'conflict') return undefined;
      return { ...base, kind: 'string', minLength: tighter(ps.map((p) => p.minLength), Math.max), maxLength: tighter(ps.map((p) => p.maxLength), Math.min), pattern };
    }
    case 'number': {
      const ps = parts as Array<Of<'number'>>;
      const multipleOf = agreed(ps.map((p) => p.multipleOf));
      if (multipleOf === 'conflict') return undefined;
      return {
        ...base,
        kind: 'number',
        integer: ps.some((p) => p.integer),
        minimum: tighter(ps.map((p) => p.minimum), Math.max),
        maximum: tighter(ps.map((p) => p.maximum), Math.min),
        exclusiveMinimum: tighter(ps.map((p) => p.exclusiveMinimum), Math.max),
        exclusiveMaximum: tighter(ps.map((p) => p.exclusiveMaximum), Math.min),
        multipleOf,
      };
    }
    case 'boolean':
    case 'null':
      return { ...base, kind };
    case 'const': {
      const value = agreed(parts.map((p) => (p as Of<'const'>).value));
      return value === 'conflict' ? undefined : { ...base, kind: 'const', value };
    }
    case 'enum': {
      const [first, ...rest] = parts as Array<Of<'enum'>>;
      return { ...base, kind: 'enum', values: first!.values.filter((v) => rest.every((r) => r.values.some((x) => equal(x, v)))) };
    }
    case 'object': {
      const ps = parts as Array<Of<'object'>>;
      // An open content model merges by union; a closed one rejects the others' properties.
      if (!ps.every(isOpen)) return undefined;
      const properties = new Map<string, JNode>();
      for (const key of new Set(ps.flatMap((p) => [...p.properties.keys()]))) {
        const subs = ps.flatMap((p) => (p.properties.has(key) ? [p.properties.get(key)!] : []));
        properties.set(key, subs.length === 1 ? subs[0]! : { ...baseOf(subs[0]!), kind: 'combined', criterion: 'allOf', synthetic: true, subs });
      }
      const propertyDependencies = new Map<string, string[]>();
      const schemaDependencies = new Map<string, JNode>();
      for (const p of ps) {
        for (const [k, v] of p.propertyDependencies) propertyDependencies.set(k, [...new Set([...(propertyDependencies.get(k) ?? []), ...v])]);
        for (const [k, v] of p.schemaDependencies) {
          if (schemaDependencies.has(k)) return undefined;
          schemaDependencies.set(k, v);
        }
      }
      return {
        ...base,
        kind: 'object',
        properties,
        required: [...new Set(ps.flatMap((p) => p.required))],
        permitsAdditional: true,
        patternProperties: [],
        minProperties: tighter(ps.map((p) => p.minProperties), Math.max),
        maxProperties: tighter(ps.map((p) => p.maxProperties), Math.min),
        propertyDependencies,
        schemaDependencies,
      };
    }
    default:
      return undefined;
  }
}

/** How a schema is written, for a reason about wrappers: "allOf [$ref #/$defs/Uuid]", "string". */
function wrapping(n: JNode): string {
  if (n.kind === 'combined' && !n.synthetic) return `${n.criterion} [${n.subs.map(wrapping).join(', ')}]`;
  return describe(n);
}

function bound(ctx: Ctx, c: JNode, field: string, keyword: string, o: number | undefined, u: number | undefined, prefix: string): void {
  if (o === u) return;
  let change: string;
  if (o === undefined) change = 'ADDED';
  else if (u === undefined) change = 'REMOVED';
  else if (o < u) change = 'INCREASED';
  else change = 'DECREASED';
  ctx.add(`${prefix}_${change}`, at(c, keyword), field, { keyword, o, u });
}

function compareString(ctx: Ctx, o: Of<'string'>, u: Of<'string'>, c: JNode, field: string): void {
  bound(ctx, c, field, 'maxLength', o.maxLength, u.maxLength, 'MAX_LENGTH');
  bound(ctx, c, field, 'minLength', o.minLength, u.minLength, 'MIN_LENGTH');
  if (o.pattern === undefined && u.pattern !== undefined) ctx.add('PATTERN_ADDED', at(c, 'pattern'), field, { keyword: 'pattern', u: u.pattern });
  else if (o.pattern !== undefined && u.pattern === undefined) ctx.add('PATTERN_REMOVED', at(c, 'pattern'), field, { keyword: 'pattern', o: o.pattern });
  else if (o.pattern !== u.pattern) ctx.add('PATTERN_CHANGED', at(c, 'pattern'), field, { keyword: 'pattern', o: o.pattern, u: u.pattern });
}

function compareNumber(ctx: Ctx, o: Of<'number'>, u: Of<'number'>, c: JNode, field: string): void {
  bound(ctx, c, field, 'maximum', o.maximum, u.maximum, 'MAXIMUM');
  bound(ctx, c, field, 'minimum', o.minimum, u.minimum, 'MINIMUM');
  bound(ctx, c, field, 'exclusiveMaximum', o.exclusiveMaximum, u.exclusiveMaximum, 'EXCLUSIVE_MAXIMUM');
  bound(ctx, c, field, 'exclusiveMinimum', o.exclusiveMinimum, u.exclusiveMinimum, 'EXCLUSIVE_MINIMUM');
  const om = o.multipleOf;
  const um = u.multipleOf;
  if (om !== um) {
    const detail = { keyword: 'multipleOf', o: om, u: um };
    if (om === undefined) ctx.add('MULTIPLE_OF_ADDED', at(c, 'multipleOf'), field, detail);
    else if (um === undefined) ctx.add('MULTIPLE_OF_REMOVED', at(c, 'multipleOf'), field, detail);
    else if (om !== 0 && isMultiple(um, om)) ctx.add('MULTIPLE_OF_EXPANDED', at(c, 'multipleOf'), field, detail);
    else if (um !== 0 && isMultiple(om, um)) ctx.add('MULTIPLE_OF_REDUCED', at(c, 'multipleOf'), field, detail);
    else ctx.add('MULTIPLE_OF_CHANGED', at(c, 'multipleOf'), field, detail);
  }
  if (o.integer !== u.integer) ctx.add(o.integer ? 'TYPE_EXTENDED' : 'TYPE_NARROWED', at(c, 'type'), field, { o: o.integer ? 'integer' : 'number', u: u.integer ? 'integer' : 'number' });
}

function isMultiple(a: number, b: number): boolean {
  const q = a / b;
  return Math.abs(q - Math.round(q)) < 1e-9;
}

function compareEnum(ctx: Ctx, o: Of<'enum'>, u: Of<'enum'>, c: JNode, field: string): void {
  const has = (list: Json[], v: Json) => list.some((x) => equal(x, v));
  const uHasAll = o.values.every((v) => has(u.values, v));
  const oHasAll = u.values.every((v) => has(o.values, v));
  if (uHasAll && oHasAll) return;
  const detail = { o: o.values.filter((v) => !has(u.values, v)), u: u.values.filter((v) => !has(o.values, v)) };
  ctx.add(uHasAll ? 'ENUM_ARRAY_EXTENDED' : oHasAll ? 'ENUM_ARRAY_NARROWED' : 'ENUM_ARRAY_CHANGED', at(c, 'enum'), field, detail);
}

function compareCombined(ctx: Ctx, o: Of<'combined'>, u: Of<'combined'>, c: JNode, field: string): void {
  if (o.criterion !== u.criterion) {
    const single = (n: Of<'combined'>) => n.subs.length === 1;
    const extended =
      u.criterion === 'anyOf' || (single(o) && single(u)) || (single(o) && u.criterion === 'oneOf') || (single(u) && o.criterion === 'allOf');
    if (!extended) return ctx.add('COMBINED_TYPE_CHANGED', at(c), field, { o: o.criterion, u: u.criterion });
    ctx.add('COMBINED_TYPE_EXTENDED', at(c), field);
  }
  const os = dedupe(o.subs);
  const us = dedupe(u.subs);
  // Where a reason about the branches points: the keyword, unless it is implied (type + enum).
  const cc = c as Of<'combined'>;
  const kwAt = cc.synthetic ? at(c) : at(c, cc.criterion);
  if (os.length < us.length) ctx.add(u.criterion === 'allOf' ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED', kwAt, field, { keyword: u.criterion, o: os.length, u: us.length });
  else if (os.length > us.length) ctx.add(o.criterion === 'allOf' ? 'PRODUCT_TYPE_NARROWED' : 'SUM_TYPE_NARROWED', kwAt, field, { keyword: o.criterion, o: os.length, u: us.length });
  // Which original branch can each update branch stand in for? Then a maximum matching.
  const edges: Array<Array<Diff[] | undefined>> = os.map((ob) =>
    us.map((ub) => {
      const sub = ctx.sub();
      compare(sub, ob, ub, at(c), field);
      return sub.compatible() ? sub.diffs : undefined;
    }),
  );
  const match = maximumMatching(edges.map((row) => row.map((e) => e !== undefined)));
  match.forEach((j, i) => {
    if (j >= 0) ctx.diffs.push(...edges[i]![j]!);
  });
  const matched = match.filter((j) => j >= 0).length;
  if (matched < Math.min(os.length, us.length)) {
    // Say what changed inside an unmatched branch when it has one obvious counterpart (the
    // branch of the same kind); the registry only says "subschemas changed".
    const taken = new Set(match.filter((j) => j >= 0));
    const specific: Diff[] = [];
    os.forEach((ob, i) => {
      if (match[i]! >= 0) return;
      const sameKind = us.filter((ub, j) => !taken.has(j) && deref(ub).kind === deref(ob).kind);
      if (sameKind.length !== 1) return;
      const sub = ctx.sub();
      compare(sub, ob, sameKind[0], at(c), field);
      specific.push(...sub.diffs.filter((d) => !COMPATIBLE_CHANGES.has(d.type)));
    });
    ctx.diffs.push(...specific);
    const unmatched = os.filter((_, i) => match[i]! < 0).map(describe);
    if (!cc.synthetic || specific.length === 0) ctx.add('COMBINED_TYPE_SUBSCHEMAS_CHANGED', kwAt, field, { keyword: u.criterion, o: unmatched });
  }
}

function dedupe(subs: JNode[]): JNode[] {
  const seen = new Set<string>();
  return subs.filter((s) => {
    const key = `${s.kind}:${canonical(s.raw)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Kuhn's augmenting paths: for each left vertex, the right vertex it is matched to, or -1. */
function maximumMatching(adj: boolean[][]): number[] {
  const right = adj[0]?.length ?? 0;
  const matchR = new Array<number>(right).fill(-1);
  const tryKuhn = (v: number, seen: boolean[]): boolean => {
    for (let j = 0; j < right; j++) {
      if (!adj[v]![j] || seen[j]) continue;
      seen[j] = true;
      if (matchR[j] === -1 || tryKuhn(matchR[j]!, seen)) {
        matchR[j] = v;
        return true;
      }
    }
    return false;
  };
  for (let v = 0; v < adj.length; v++) tryKuhn(v, new Array<boolean>(right).fill(false));
  const matchL = new Array<number>(adj.length).fill(-1);
  matchR.forEach((v, j) => {
    if (v >= 0) matchL[v] = j;
  });
  return matchL;
}

function isOpen(n: Of<'object'>): boolean {
  if (!n.permitsAdditional || n.additional || n.patternProperties.length > 0) return false;
  return n.unevaluated === undefined || isEmpty(n.unevaluated);
}

/** The schema a partially open content model gives a property it does not list. */
function partialSchema(n: Of<'object'>, key: string): JNode | undefined {
  for (const [pattern, schema] of n.patternProperties) {
    try {
      if (new RegExp(pattern, 'u').test(key)) return schema;
    } catch {
      // an invalid pattern matches nothing
    }
  }
  if (n.additional) return n.additional;
  if (n.permitsAdditional && n.unevaluated && n.unevaluated.kind !== 'false' && !isEmpty(n.unevaluated)) return n.unevaluated;
  return undefined;
}

function compareObject(ctx: Ctx, o: Of<'object'>, u: Of<'object'>, c: JNode, field: string): void {
  // required, for properties in both
  for (const key of o.properties.keys()) {
    if (!u.properties.has(key)) continue;
    const or = o.required.includes(key);
    const ur = u.required.includes(key);
    const detail = { prop: key };
    if (or && !ur) ctx.add('REQUIRED_ATTRIBUTE_REMOVED', at(c, 'required'), fieldOf(c, key), detail);
    else if (!or && ur) ctx.add(u.properties.get(key)!.hasDefault ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED' : 'REQUIRED_ATTRIBUTE_ADDED', at(c, 'required'), fieldOf(c, key), detail);
  }
  // properties
  const keys = [...new Set([...o.properties.keys(), ...u.properties.keys()])];
  for (const key of keys) {
    const op = o.properties.get(key);
    const up = u.properties.get(key);
    const f = fieldOf(c, key);
    const detail = { prop: key };
    const here = c.kind === 'object' && c.properties.has(key) ? at(c, 'properties', key) : at(c, 'properties');
    if (op && !up) {
      if (isOpen(u)) ctx.add('PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', here, f, detail);
      else {
        const partial = partialSchema(u, key);
        if (partial) {
          const sub = ctx.sub();
          compare(sub, op, partial, here, f);
          ctx.diffs.push(...sub.diffs);
          ctx.add(sub.compatible() ? 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', here, f, detail);
        } else {
          ctx.add(op.kind === 'false' ? 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', here, f, detail);
        }
      }
    } else if (!op && up) {
      if (isOpen(o)) {
        if (isEmpty(up)) ctx.add('PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL', here, f, detail);
        else if (u.required.includes(key)) ctx.add(up.hasDefault ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', here, f, detail);
        else ctx.add('OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', here, f, detail);
      } else {
        const partial = partialSchema(o, key);
        if (partial) {
          const sub = ctx.sub();
          compare(sub, partial, up, here, f);
          ctx.diffs.push(...sub.diffs);
          ctx.add(sub.compatible() ? 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', here, f, detail);
        }
        if (u.required.includes(key)) ctx.add(up.hasDefault ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', here, f, detail);
        else ctx.add('OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', here, f, detail);
      }
    } else if (op && up) {
      compare(ctx, op, up, here, f);
    }
  }
  // dependencies
  for (const key of new Set([...o.propertyDependencies.keys(), ...u.propertyDependencies.keys()])) {
    const od = o.propertyDependencies.get(key);
    const ud = u.propertyDependencies.get(key);
    const here = at(c, 'dependencies');
    const detail = { prop: key, o: od, u: ud };
    if (!ud) ctx.add('DEPENDENCY_ARRAY_REMOVED', here, field, detail);
    else if (!od) ctx.add('DEPENDENCY_ARRAY_ADDED', here, field, detail);
    else if (!sameSet(od, ud)) {
      if (od.every((x) => ud.includes(x))) ctx.add('DEPENDENCY_ARRAY_EXTENDED', here, field, detail);
      else if (ud.every((x) => od.includes(x))) ctx.add('DEPENDENCY_ARRAY_NARROWED', here, field, detail);
      else ctx.add('DEPENDENCY_ARRAY_CHANGED', here, field, detail);
    }
  }
  for (const key of new Set([...o.schemaDependencies.keys(), ...u.schemaDependencies.keys()])) {
    const od = o.schemaDependencies.get(key);
    const ud = u.schemaDependencies.get(key);
    const here = at(c, 'dependencies');
    if (!ud) ctx.add('DEPENDENCY_SCHEMA_REMOVED', here, field, { prop: key });
    else if (!od) ctx.add('DEPENDENCY_SCHEMA_ADDED', here, field, { prop: key });
    else compare(ctx, od, ud, here, field);
  }
  // additionalProperties
  const apAt = at(c, 'additionalProperties');
  if (o.permitsAdditional !== u.permitsAdditional) ctx.add(u.permitsAdditional ? 'ADDITIONAL_PROPERTIES_ADDED' : 'ADDITIONAL_PROPERTIES_REMOVED', apAt, field);
  else if (!o.additional && u.additional) ctx.add('ADDITIONAL_PROPERTIES_NARROWED', apAt, field);
  else if (o.additional && !u.additional) ctx.add('ADDITIONAL_PROPERTIES_EXTENDED', apAt, field);
  else compare(ctx, o.additional, u.additional, apAt, field);
  // unevaluatedProperties
  compareUnevaluated(ctx, o.unevaluated, u.unevaluated, at(c, 'unevaluatedProperties'), field, 'UNEVALUATED_PROPERTIES');
  bound(ctx, c, field, 'maxProperties', o.maxProperties, u.maxProperties, 'MAX_PROPERTIES');
  bound(ctx, c, field, 'minProperties', o.minProperties, u.minProperties, 'MIN_PROPERTIES');
}

function compareUnevaluated(ctx: Ctx, o: JNode | undefined, u: JNode | undefined, here: string, field: string, prefix: string): void {
  if (!o && !u) return;
  if (!o) return ctx.add(u!.kind === 'false' ? `${prefix}_REMOVED` : `${prefix}_NARROWED`, here, field);
  if (!u) return ctx.add(o.kind === 'false' ? `${prefix}_ADDED` : `${prefix}_EXTENDED`, here, field);
  if (o.kind === 'false' && u.kind !== 'false') return ctx.add(`${prefix}_ADDED`, here, field);
  if (o.kind !== 'false' && u.kind === 'false') return ctx.add(`${prefix}_REMOVED`, here, field);
  if (isEmpty(o) && !isEmpty(u)) return ctx.add(`${prefix}_NARROWED`, here, field);
  if (!isEmpty(o) && isEmpty(u)) return ctx.add(`${prefix}_EXTENDED`, here, field);
  compare(ctx, o, u, here, field);
}

function isOpenArray(n: Of<'array'>): boolean {
  if (!n.permitsAdditionalItems || n.additionalItems) return false;
  return n.unevaluatedItems === undefined || isEmpty(n.unevaluatedItems);
}

function partialItems(n: Of<'array'>): JNode | undefined {
  if (n.additionalItems) return n.additionalItems;
  if (n.permitsAdditionalItems && n.unevaluatedItems && n.unevaluatedItems.kind !== 'false' && !isEmpty(n.unevaluatedItems)) return n.unevaluatedItems;
  return undefined;
}

function compareArray(ctx: Ctx, o: Of<'array'>, u: Of<'array'>, c: JNode, field: string): void {
  const itemField = field ? `${field}[]` : '[]';
  compare(ctx, o.items, u.items, at(c, 'items'), itemField);
  const ol = o.itemSchemas ?? [];
  const ul = u.itemSchemas ?? [];
  const tupleKey = Array.isArray((c.raw as Obj).prefixItems) ? 'prefixItems' : 'items';
  for (let i = 0; i < Math.max(ol.length, ul.length); i++) {
    const here = at(c, tupleKey, i);
    const detail = { prop: String(i) };
    if (i < ol.length && i < ul.length) compare(ctx, ol[i], ul[i], here, itemField);
    else if (i < ol.length) {
      if (isOpenArray(u)) ctx.add('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL', here, itemField, detail);
      else {
        const partial = partialItems(u);
        if (partial) {
          const sub = ctx.sub();
          compare(sub, ol[i], partial, here, itemField);
          ctx.diffs.push(...sub.diffs);
          ctx.add(sub.compatible() ? 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', here, itemField, detail);
        } else ctx.add(ol[i]!.kind === 'false' ? 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL', here, itemField, detail);
      }
    } else {
      if (isOpenArray(o)) ctx.add(isEmpty(ul[i]!) ? 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL', here, itemField, detail);
      else {
        const partial = partialItems(o);
        if (partial) {
          const sub = ctx.sub();
          compare(sub, partial, ul[i], here, itemField);
          ctx.diffs.push(...sub.diffs);
          ctx.add(sub.compatible() ? 'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', here, itemField, detail);
        } else ctx.add('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL', here, itemField, detail);
      }
    }
  }
  const aiAt = at(c, 'additionalItems');
  if (o.permitsAdditionalItems !== u.permitsAdditionalItems) ctx.add(o.permitsAdditionalItems ? 'ADDITIONAL_ITEMS_REMOVED' : 'ADDITIONAL_ITEMS_ADDED', aiAt, field);
  else if (!o.additionalItems && u.additionalItems) ctx.add('ADDITIONAL_ITEMS_NARROWED', aiAt, field);
  else if (o.additionalItems && !u.additionalItems) ctx.add('ADDITIONAL_ITEMS_EXTENDED', aiAt, field);
  else compare(ctx, o.additionalItems, u.additionalItems, aiAt, itemField);
  compareUnevaluated(ctx, o.unevaluatedItems, u.unevaluatedItems, at(c, 'unevaluatedItems'), field, 'UNEVALUATED_ITEMS');
  bound(ctx, c, field, 'maxItems', o.maxItems, u.maxItems, 'MAX_ITEMS');
  bound(ctx, c, field, 'minItems', o.minItems, u.minItems, 'MIN_ITEMS');
  if (o.uniqueItems !== u.uniqueItems) ctx.add(o.uniqueItems ? 'UNIQUE_ITEMS_REMOVED' : 'UNIQUE_ITEMS_ADDED', at(c, 'uniqueItems'), field, { keyword: 'uniqueItems', o: o.uniqueItems, u: u.uniqueItems });
  bound(ctx, c, field, 'maxContains', o.maxContains, u.maxContains, 'MAX_CONTAINS');
  bound(ctx, c, field, 'minContains', o.minContains, u.minContains, 'MIN_CONTAINS');
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function canonical(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

function equal(a: Json, b: Json): boolean {
  return canonical(a) === canonical(b);
}

function describe(n: JNode): string {
  switch (n.kind) {
    case 'number':
      return n.integer ? 'integer' : 'number';
    case 'combined': {
      if (n.synthetic) return n.criterion === 'anyOf' ? `[${n.subs.map(describe).join(', ')}]` : n.subs.map(describe).join(' + ');
      // allOf / anyOf / oneOf are not types: say what the wrapper stands for where it is one thing
      const view = seeThrough(n);
      return view && view.kind !== 'combined' ? describe(view) : `${n.criterion} [${n.subs.map(describe).join(', ')}]`;
    }
    case 'empty':
      return 'any value';
    case 'false':
      return 'nothing (false)';
    case 'enum':
      return `enum ${JSON.stringify(n.values)}`;
    case 'const':
      return `const ${JSON.stringify(n.value)}`;
    case 'ref':
      return `$ref ${n.ref}`;
    default:
      return n.kind;
  }
}

// ---------------------------------------------------------------------------------------------
// Reasons

/**
 * Compares original and update (JSON Schema semantics: the update must accept all data the
 * original accepts) and returns a reason for every incompatible difference.
 */
export function checkJsonSchema(original: JNode, update: JNode, candidateIsUpdate: boolean, roles: Roles): Reason[] {
  const diffs = diffJsonSchemas(original, update).filter((d) => !COMPATIBLE_CHANGES.has(d.type));
  const seen = new Set<string>();
  const reasons: Reason[] = [];
  for (const d of diffs) {
    const key = `${d.type} ${d.path} ${d.field} ${canonical(d.detail)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    reasons.push(toReason(d, candidateIsUpdate, roles));
  }
  return reasons;
}

const BOUND_TYPES: Record<string, { keyword: string; stricterWhen: 'ADDED_OR_DECREASED' | 'ADDED_OR_INCREASED' }> = {
  MAX_LENGTH: { keyword: 'maxLength', stricterWhen: 'ADDED_OR_DECREASED' },
  MIN_LENGTH: { keyword: 'minLength', stricterWhen: 'ADDED_OR_INCREASED' },
  MAXIMUM: { keyword: 'maximum', stricterWhen: 'ADDED_OR_DECREASED' },
  MINIMUM: { keyword: 'minimum', stricterWhen: 'ADDED_OR_INCREASED' },
  EXCLUSIVE_MAXIMUM: { keyword: 'exclusiveMaximum', stricterWhen: 'ADDED_OR_DECREASED' },
  EXCLUSIVE_MINIMUM: { keyword: 'exclusiveMinimum', stricterWhen: 'ADDED_OR_INCREASED' },
  MAX_PROPERTIES: { keyword: 'maxProperties', stricterWhen: 'ADDED_OR_DECREASED' },
  MIN_PROPERTIES: { keyword: 'minProperties', stricterWhen: 'ADDED_OR_INCREASED' },
  MAX_ITEMS: { keyword: 'maxItems', stricterWhen: 'ADDED_OR_DECREASED' },
  MIN_ITEMS: { keyword: 'minItems', stricterWhen: 'ADDED_OR_INCREASED' },
  MAX_CONTAINS: { keyword: 'maxContains', stricterWhen: 'ADDED_OR_DECREASED' },
  MIN_CONTAINS: { keyword: 'minContains', stricterWhen: 'ADDED_OR_INCREASED' },
};

function toReason(d: Diff, candidateIsUpdate: boolean, roles: Roles): Reason {
  // o/u are the original/update; say them as previous/candidate.
  const U = candidateIsUpdate ? roles.candidate : roles.previous;
  const O = candidateIsUpdate ? roles.previous : roles.candidate;
  const prevVal = candidateIsUpdate ? d.detail.o : d.detail.u;
  const candVal = candidateIsUpdate ? d.detail.u : d.detail.o;
  const subject = d.field ? `property ${JSON.stringify(d.field)}` : 'the schema';
  const prop = d.detail.prop !== undefined ? JSON.stringify(d.detail.prop) : 'the property';
  const fromTo = (a: Json, b: Json) => `${a === undefined ? '(none)' : fmt(a)} to ${b === undefined ? '(none)' : fmt(b)}`;
  const reason = (message: string, hint: string): Reason => ({ path: d.path, rule: d.type, message, hint });

  const boundMatch = /^(MAX_LENGTH|MIN_LENGTH|MAXIMUM|MINIMUM|EXCLUSIVE_MAXIMUM|EXCLUSIVE_MINIMUM|MAX_PROPERTIES|MIN_PROPERTIES|MAX_ITEMS|MIN_ITEMS|MAX_CONTAINS|MIN_CONTAINS)_(ADDED|REMOVED|INCREASED|DECREASED)$/.exec(d.type);
  if (boundMatch) {
    const { keyword } = BOUND_TYPES[boundMatch[1]!]!;
    const change =
      prevVal === undefined ? `${keyword} ${fmt(candVal)} was added` : candVal === undefined ? `${keyword} ${fmt(prevVal)} was removed` : `${keyword} changed from ${fromTo(prevVal, candVal)}`;
    return reason(
      `${subject}: ${change}, so ${U} rejects values ${O} accepts`,
      candidateIsUpdate
        ? prevVal === undefined
          ? `leave ${keyword} out: a new schema must accept everything the previous one did`
          : `keep ${keyword} at ${fmt(prevVal)} or relax it: a new schema must accept everything the previous one did`
        : prevVal === undefined
          ? `leave ${keyword} out while consumers use ${roles.previous}, which has none`
          : `keep ${keyword} at ${fmt(prevVal)} or tighten it: consumers on ${roles.previous} must accept everything the new schema allows`,
    );
  }
  switch (d.type) {
    case 'TYPE_CHANGED':
      if (d.detail.keyword === 'wrapper') {
        return reason(
          `${subject}: written as ${fmtPlain(prevVal)} in ${roles.previous} and as ${fmtPlain(candVal)} in ${roles.candidate}; ${U} accepts every value ${O} accepts, but the registry's rules (Confluent's and Apicurio's) compare an allOf / anyOf / oneOf with a plain schema as a type change`,
          `write it the same way as ${roles.previous} (keep or drop the wrapper in both), or register the change under a level that does not check this direction`,
        );
      }
      return reason(
        `${subject}: type changed from ${fromTo(prevVal, candVal)}, so ${U} rejects ${fmtPlain(d.detail.o)} values ${O} accepts`,
        candidateIsUpdate
          ? `keep the type ${fmtPlain(prevVal)}, or widen it (e.g. "anyOf" / a type list that still includes ${fmtPlain(prevVal)}); for a new type add a new property`
          : `keep the type ${fmtPlain(prevVal)}: consumers on ${roles.previous} only accept ${fmtPlain(prevVal)}; for a new type add a new optional property`,
      );
    case 'TYPE_NARROWED':
      return reason(
        `${subject}: type changed from ${fromTo(prevVal, candVal)}, so ${U} rejects non-integer numbers ${O} accepts`,
        candidateIsUpdate ? 'keep "type": "number" (an integer type only accepts whole numbers)' : `keep "type": "integer": consumers on ${roles.previous} reject fractions`,
      );
    case 'SCHEMA_ADDED':
      return reason(`${subject}: ${U} constrains what ${O} left open (a schema was added where there was none)`, candidateIsUpdate ? 'remove the new constraint, or loosen it to accept anything' : `keep the constraint ${roles.previous} has`);
    case 'PATTERN_ADDED':
    case 'PATTERN_CHANGED':
      return reason(
        `${subject}: pattern changed from ${fromTo(prevVal, candVal)}, so ${U} may reject strings ${O} accepts`,
        candidateIsUpdate ? 'keep the previous pattern (or remove it)' : `keep the pattern ${roles.previous} has`,
      );
    case 'MULTIPLE_OF_ADDED':
    case 'MULTIPLE_OF_EXPANDED':
    case 'MULTIPLE_OF_CHANGED':
      return reason(
        `${subject}: multipleOf changed from ${fromTo(prevVal, candVal)}, so ${U} rejects numbers ${O} accepts`,
        candidateIsUpdate ? 'keep multipleOf, or use a divisor of the previous value' : 'keep multipleOf, or use a multiple of the previous value',
      );
    case 'UNIQUE_ITEMS_ADDED':
      return reason(`${subject}: ${U} requires unique items and ${O} does not`, candidateIsUpdate ? 'remove "uniqueItems": true' : `keep "uniqueItems": true as ${roles.previous} has it`);
    case 'REQUIRED_ATTRIBUTE_ADDED':
      return reason(
        candidateIsUpdate ? `property ${JSON.stringify(d.field)} became required, so the new schema rejects data without it` : `property ${JSON.stringify(d.field)} is no longer required, but ${roles.previous} requires it`,
        candidateIsUpdate ? `keep it optional, or give it a "default"` : `keep ${JSON.stringify(d.field)} required until consumers use a schema where it is optional`,
      );
    case 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL':
      return reason(
        candidateIsUpdate
          ? `property ${JSON.stringify(d.field)} was added as required, so the new schema rejects data written without it`
          : `property ${JSON.stringify(d.field)} was removed, but ${roles.previous} requires it`,
        candidateIsUpdate ? `make ${prop} optional, or give it a "default"` : `keep ${prop}, or first release a version where it is optional`,
      );
    case 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL':
    case 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL':
    case 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL':
      return reason(
        candidateIsUpdate
          ? `property ${JSON.stringify(d.field)} was added${d.type.startsWith('REQUIRED') ? ' as required' : ''}, but the previous schema's content model is open: data valid under it may already carry ${prop} with any value`
          : `property ${JSON.stringify(d.field)} was removed from an open content model, so the new schema accepts any value for it, which ${roles.previous} does not`,
        candidateIsUpdate
          ? `an open content model cannot gain a typed property compatibly: declare ${prop} as {} (any value), or keep it out; schemas that should grow start closed ("additionalProperties": false)`
          : `keep ${prop}, or close the content model ("additionalProperties": false) in the same change`,
      );
    case 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL':
      return reason(
        candidateIsUpdate
          ? `property ${JSON.stringify(d.field)} was removed and the new schema allows no unknown properties ("additionalProperties": false), so it rejects data that carries ${prop}`
          : `property ${JSON.stringify(d.field)} was added, but ${roles.previous} allows no unknown properties ("additionalProperties": false)`,
        candidateIsUpdate
          ? `keep ${prop} (mark it deprecated in its description): a closed content model cannot drop properties under BACKWARD or FULL`
          : `a closed content model cannot gain properties under FORWARD or FULL (consumers on ${roles.previous} reject them); keep the schema as it is, or start a new subject`,
      );
    case 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL':
    case 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL':
      return reason(
        `${subject}: ${U} gives ${prop} a schema (through additionalProperties or patternProperties) that rejects values ${O} accepts`,
        `make ${prop}'s schema accept what the additionalProperties / patternProperties schema accepts`,
      );
    case 'ADDITIONAL_PROPERTIES_REMOVED':
    case 'UNEVALUATED_PROPERTIES_REMOVED':
      return reason(
        candidateIsUpdate
          ? `${subject}: the content model was closed (${d.type.startsWith('ADDITIONAL') ? '"additionalProperties": false' : '"unevaluatedProperties": false'}), so the new schema rejects properties the previous one allowed`
          : `${subject}: the content model was opened, but ${roles.previous} rejects unknown properties`,
        candidateIsUpdate ? 'keep the content model open' : `keep the content model closed while consumers use ${roles.previous}`,
      );
    case 'ADDITIONAL_PROPERTIES_NARROWED':
    case 'UNEVALUATED_PROPERTIES_NARROWED':
      return reason(`${subject}: ${U} restricts unlisted properties with a schema, which ${O} allows with any value`, candidateIsUpdate ? 'keep unlisted properties unrestricted' : `keep the restriction ${roles.previous} has`);
    case 'ADDITIONAL_ITEMS_REMOVED':
    case 'ADDITIONAL_ITEMS_NARROWED':
    case 'UNEVALUATED_ITEMS_REMOVED':
    case 'UNEVALUATED_ITEMS_NARROWED':
      return reason(`${subject}: ${U} restricts extra array items that ${O} allows`, candidateIsUpdate ? 'keep extra items allowed' : `keep the restriction ${roles.previous} has`);
    case 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL':
    case 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL':
    case 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL':
    case 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL':
      return reason(`${subject}: tuple item ${d.detail.prop} is constrained in ${U} in a way ${O} does not`, 'keep the tuple items as they were; append new items only where extra items were not allowed');
    case 'ENUM_ARRAY_NARROWED':
    case 'ENUM_ARRAY_CHANGED': {
      if (d.detail.keyword === 'const') {
        return reason(`${subject}: const changed from ${fromTo(prevVal, candVal)}`, 'a const cannot change; add a new property instead');
      }
      const dropped = (candidateIsUpdate ? d.detail.o : d.detail.u) as Json[] | undefined;
      const added = (candidateIsUpdate ? d.detail.u : d.detail.o) as Json[] | undefined;
      const parts: string[] = [];
      if (dropped?.length) parts.push(`lost ${dropped.map(fmt).join(', ')}`);
      if (added?.length) parts.push(`gained ${added.map(fmt).join(', ')}`);
      return reason(
        candidateIsUpdate
          ? `${subject}: the enum ${parts.join(' and ')}, so the new schema rejects values the previous one accepts`
          : `${subject}: the enum ${parts.join(' and ')}, which ${roles.previous} rejects`,
        candidateIsUpdate ? `keep ${dropped?.map(fmt).join(', ') ?? 'the values'} in the enum; values may only be added` : `do not add enum values while consumers use ${roles.previous} (FORWARD); values may only be removed`,
      );
    }
    case 'COMBINED_TYPE_CHANGED':
      return reason(`${subject}: changed from ${fromTo(prevVal, candVal)}`, 'keep the combining keyword (anyOf accepts the most; allOf the least)');
    case 'PRODUCT_TYPE_EXTENDED':
      return reason(`${subject}: ${U} has more allOf branches than ${O}, so it accepts less`, candidateIsUpdate ? 'do not add allOf branches; make the new constraint optional' : 'keep the allOf branches');
    case 'SUM_TYPE_NARROWED':
      return reason(`${subject}: ${U} has fewer anyOf/oneOf branches than ${O}, so it rejects values ${O} accepts`, candidateIsUpdate ? 'keep every branch; branches may only be added' : `do not add branches while consumers use ${roles.previous}`);
    case 'COMBINED_TYPE_SUBSCHEMAS_CHANGED':
      return reason(
        `${subject}: ${O} allows ${(d.detail.o as string[]).join(' / ')}, for which ${U} has no compatible ${fmtPlain(d.detail.keyword)} branch`,
        candidateIsUpdate ? 'keep each existing branch, changed only compatibly (the same rules apply inside a branch)' : `do not add branches while consumers use ${roles.previous}; change branches only compatibly`,
      );
    case 'NOT_TYPE_EXTENDED':
      return reason(`${subject}: ${U} excludes more with "not" than ${O}`, candidateIsUpdate ? 'only narrow what "not" excludes' : 'keep what "not" excludes');
    case 'DEPENDENCY_ARRAY_ADDED':
    case 'DEPENDENCY_ARRAY_EXTENDED':
    case 'DEPENDENCY_ARRAY_CHANGED':
    case 'DEPENDENCY_SCHEMA_ADDED':
      return reason(`${subject}: ${U} adds a dependency for ${prop} that ${O} does not have`, candidateIsUpdate ? 'do not add dependencies' : 'keep the dependencies');
    default:
      return reason(`${subject}: ${d.type.toLowerCase().replace(/_/g, ' ')} (${U} rejects data ${O} accepts)`, 'revert this part of the change');
  }
}

function fmt(v: Json): string {
  return JSON.stringify(v) ?? String(v);
}

function fmtPlain(v: Json): string {
  return typeof v === 'string' ? v : fmt(v);
}
