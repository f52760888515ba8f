// JSON Schema -> TypeNode. A `$ref` to a named type stays a reference; a `$ref` to any other
// pointer is inlined. Records which named types each one uses in "alias position" (through
// $ref, unions, intersections and map values, where TypeScript resolves a type alias
// eagerly) so cycles TypeScript cannot express are reported instead of emitted.
import type { FieldNode, TypeNode } from '../../model.js';
import { type Doc, located } from './documents.js';
import { type Obj, escapePointer, isObj, resolvePointer } from './keywords.js';

export const UNKNOWN: TypeNode = { kind: 'primitive', type: 'unknown' };
/** `false`, an empty enum: nothing is valid. Rendered as `never`. */
const NEVER: TypeNode = { kind: 'union', members: [] };

export interface Named {
  id: string;
  doc: Doc;
  pointer: string;
  schema: unknown;
  name: string;
}

export class NodeBuilder {
  /** Named type id -> ids of the named types it uses in alias position. */
  readonly aliasEdges = new Map<string, Set<string>>();
  private owner = new Set<string>();

  constructor(private readonly named: Map<string, Named>) {}

  build(t: Named): TypeNode {
    this.owner = new Set();
    this.aliasEdges.set(t.id, this.owner);
    return this.node(t.schema, t.doc, t.pointer, true, new Set());
  }

  private node(schema: unknown, doc: Doc, pointer: string, alias: boolean, inlining: ReadonlySet<string>): TypeNode {
    if (schema === false) return NEVER;
    if (!isObj(schema)) return UNKNOWN;
    const parts: TypeNode[] = [];
    if (typeof schema.$ref === 'string') parts.push(this.ref(doc, pointer, alias, inlining));
    const own: { node: TypeNode; bare: boolean } | undefined =
      'const' in schema ? { node: literal(schema.const), bare: false } : Array.isArray(schema.enum) ? { node: { kind: 'union', members: schema.enum.map(literal) }, bare: false } : this.ownType(schema, doc, pointer, alias, inlining);
    const combined: TypeNode[] = [];
    for (const key of ['oneOf', 'anyOf'] as const) {
      const list = schema[key];
      if (!Array.isArray(list)) continue;
      const u = union(list.map((s, i) => this.node(s, doc, `${pointer}/${key}/${i}`, alias, inlining)));
      if (!isUnknown(u)) combined.push(u);
    }
    if (Array.isArray(schema.allOf)) {
      schema.allOf.forEach((s, i) => {
        const n = this.node(s, doc, `${pointer}/allOf/${i}`, alias, inlining);
        if (!isUnknown(n)) combined.push(...(n.kind === 'intersection' ? n.members : [n]));
      });
    }
    // A bare `"type": "object"` next to a $ref or oneOf/anyOf/allOf adds nothing to their type.
    if (own && !(own.bare && parts.length + combined.length > 0)) parts.push(own.node);
    parts.push(...combined);
    const kept = parts.filter((p) => !isUnknown(p));
    if (kept.length === 0) return UNKNOWN;
    return kept.length === 1 ? kept[0]! : { kind: 'intersection', members: kept };
  }

  private ownType(schema: Obj, doc: Doc, pointer: string, alias: boolean, inlining: ReadonlySet<string>): { node: TypeNode; bare: boolean } | undefined {
    const declared = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : inferTypes(schema);
    const types = [...new Set(declared.map((t) => (t === 'integer' ? 'number' : t)))];
    if (types.length === 0) return undefined;
    const members = types.map((t) => this.ofType(t, schema, doc, pointer, alias, inlining));
    const shaped = isObj(schema.properties) || isObj(schema.patternProperties) || (schema.additionalProperties !== undefined && schema.additionalProperties !== true);
    return { node: members.length === 1 ? members[0]! : { kind: 'union', members }, bare: types.length === 1 && types[0] === 'object' && !shaped };
  }

  private ofType(type: string, schema: Obj, doc: Doc, pointer: string, alias: boolean, inlining: ReadonlySet<string>): TypeNode {
    switch (type) {
      case 'string':
      case 'number':
      case 'boolean':
      case 'null':
        return { kind: 'primitive', type };
      case 'array': {
        const items = schema.items;
        if (items === undefined || Array.isArray(items) || Array.isArray(schema.prefixItems)) return { kind: 'array', items: UNKNOWN };
        return { kind: 'array', items: this.node(items, doc, `${pointer}/items`, false, inlining) };
      }
      case 'object':
        return this.object(schema, doc, pointer, alias, inlining);
      default:
        return UNKNOWN; // unknown type names were rejected while reading
    }
  }

  private object(schema: Obj, doc: Doc, pointer: string, alias: boolean, inlining: ReadonlySet<string>): TypeNode {
    const props = isObj(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    const fields: FieldNode[] = Object.keys(props).map((name) => {
      const p = props[name];
      const optional = !required.has(name);
      const field: FieldNode = { name, type: this.node(p, doc, `${pointer}/properties/${escapePointer(name)}`, false, inlining), optional, optionalOnInput: optional };
      if (isObj(p) && typeof p.description === 'string') field.doc = p.description;
      if (isObj(p) && 'default' in p) field.defaultText = JSON.stringify(p.default);
      return field;
    });
    // A map's values are in alias position (TypeScript's Record<string, X> is a type alias);
    // an index signature next to declared fields is rendered as `unknown`.
    const valueAlias = fields.length === 0 && alias;
    const ap = schema.additionalProperties;
    const values: TypeNode[] = [];
    if (isObj(ap) || ap === false) {
      if (isObj(ap)) values.push(this.node(ap, doc, `${pointer}/additionalProperties`, valueAlias, inlining));
      if (isObj(schema.patternProperties)) {
        for (const [key, s] of Object.entries(schema.patternProperties)) values.push(this.node(s, doc, `${pointer}/patternProperties/${escapePointer(key)}`, valueAlias, inlining));
      }
    }
    const additional = values.length > 0 ? union(values) : undefined;
    if (fields.length === 0) {
      if (additional) return { kind: 'map', values: additional };
      return ap === false ? { kind: 'object', fields: [] } : { kind: 'map', values: UNKNOWN };
    }
    return additional ? { kind: 'object', fields, additional } : { kind: 'object', fields };
  }

  private ref(doc: Doc, pointer: string, alias: boolean, inlining: ReadonlySet<string>): TypeNode {
    const target = doc.refs.get(pointer);
    if (!target) return UNKNOWN;
    const id = `${target.doc.file.rel}#${target.pointer}`;
    if (this.named.has(id)) {
      if (alias) this.owner.add(id);
      return { kind: 'ref', id };
    }
    // Any other pointer (e.g. #/properties/a) is inlined.
    if (inlining.has(id)) {
      throw located('REF_CYCLE', `$ref ${JSON.stringify((resolvePointer(doc.schema, pointer) as Obj).$ref)} leads back to itself through schemas that are not named types`, doc, `${pointer}/$ref`, 'move the recursive schema into $defs, so it becomes a named type the recursion can refer to');
    }
    return this.node(resolvePointer(target.doc.schema, target.pointer), target.doc, target.pointer, alias, new Set(inlining).add(id));
  }
}

/**
 * The first cycle of alias edges, starting at the member that comes first in `order`, or
 * undefined. Depth-first with colours: linear in types + edges.
 */
export function findAliasCycle(order: string[], edges: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'open');
    stack.push(id);
    for (const next of edges.get(id) ?? []) {
      const s = state.get(next);
      if (s === 'open') return stack.slice(stack.indexOf(next));
      if (s === undefined) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of order) {
    if (state.has(id)) continue;
    const cycle = visit(id);
    if (cycle) {
      const rank = new Map(order.map((x, i) => [x, i]));
      const first = cycle.reduce((best, x, i) => ((rank.get(x) ?? Infinity) < (rank.get(cycle[best]!) ?? Infinity) ? i : best), 0);
      return [...cycle.slice(first), ...cycle.slice(0, first)];
    }
  }
  return undefined;
}

function inferTypes(schema: Obj): string[] {
  if (isObj(schema.properties) || isObj(schema.patternProperties) || 'additionalProperties' in schema) return ['object'];
  if ('items' in schema || 'prefixItems' in schema) return ['array'];
  return [];
}

/** A union in written order: `never` members dropped, duplicates merged, one member unwrapped. */
function union(members: TypeNode[]): TypeNode {
  const out: TypeNode[] = [];
  const seen = new Set<string>();
  for (const m of members) {
    if (m.kind === 'union' && m.members.length === 0) continue;
    if (isUnknown(m)) return UNKNOWN;
    const key = JSON.stringify(m);
    if (!seen.has(key)) out.push(m), seen.add(key);
  }
  return out.length === 1 ? out[0]! : { kind: 'union', members: out };
}

function literal(v: unknown): TypeNode {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return { kind: 'literal', value: v };
  return UNKNOWN;
}

function isUnknown(n: TypeNode): boolean {
  return n.kind === 'primitive' && n.type === 'unknown';
}
