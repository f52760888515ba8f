// Where JSON Schema keeps subschemas (draft-07 and 2020-12). Only these positions hold
// schemas: `const`, `enum`, `default`, `examples` and unknown keywords hold data, so a
// `$ref` key found there is not a reference.

export type Obj = Record<string, unknown>;

/** Keywords whose value is one schema. `items` may also be a list (draft-07 tuples). */
const SINGLE = ['additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'not', 'if', 'then', 'else', 'unevaluatedItems', 'unevaluatedProperties', 'contentSchema', 'items'];
/** Keywords whose value is a list of schemas. */
const LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
/** Keywords whose value maps names to schemas (`dependencies` values may also be string lists). */
const MAP = ['$defs', 'definitions', 'properties', 'patternProperties', 'dependentSchemas', 'dependencies'];

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Escapes one JSON Pointer segment (RFC 6901). */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * Calls `fn` for every direct subschema of `schema`, with its JSON Pointer. Values in a
 * schema position that are not schemas are passed too (the caller reports them), except
 * the string lists of draft-07 `dependencies`.
 */
export function forEachSubschema(schema: Obj, pointer: string, fn: (sub: unknown, pointer: string) => void): void {
  for (const key of Object.keys(schema)) {
    const value = schema[key];
    const at = `${pointer}/${escapePointer(key)}`;
    if (key === 'items' && Array.isArray(value)) value.forEach((s, i) => fn(s, `${at}/${i}`));
    else if (SINGLE.includes(key)) fn(value, at);
    else if (LIST.includes(key)) {
      if (Array.isArray(value)) value.forEach((s, i) => fn(s, `${at}/${i}`));
    } else if (MAP.includes(key) && isObj(value)) {
      for (const name of Object.keys(value)) {
        const sub = value[name];
        if (key === 'dependencies' && Array.isArray(sub)) continue;
        fn(sub, `${at}/${escapePointer(name)}`);
      }
    }
  }
}

/** The value at a JSON Pointer, or undefined. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let cur: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = unescapePointer(raw);
    if (Array.isArray(cur) && /^(0|[1-9]\d*)$/.test(seg)) cur = cur[Number(seg)];
    else if (isObj(cur) && Object.prototype.hasOwnProperty.call(cur, seg)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

/** A copy of `schema` with the value at `pointer` replaced (objects on the path are copied). */
export function replaceAt(schema: unknown, pointer: string, replace: (old: unknown) => unknown): unknown {
  if (pointer === '') return replace(schema);
  if (!isObj(schema)) return schema;
  const [head, ...rest] = pointer.split('/').slice(1);
  const key = unescapePointer(head!);
  const copy: Obj = {};
  for (const k of Object.keys(schema)) {
    const value = k === key ? replaceAt(schema[k], rest.map((r) => `/${r}`).join(''), replace) : schema[k];
    Object.defineProperty(copy, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** The pointer of the schema declaring `$anchor: name` (not inside embedded `$id` resources). */
export function anchorPointer(schema: unknown, name: string): string | undefined {
  let found: string | undefined;
  const visit = (s: unknown, pointer: string): void => {
    if (found !== undefined || !isObj(s) || (pointer !== '' && typeof s.$id === 'string')) return;
    if (s.$anchor === name) found = pointer;
    else forEachSubschema(s, pointer, visit);
  };
  visit(schema, '');
  return found;
}

/**
 * A copy of a draft-07 schema in 2020-12 form, for one 2020-12 ajv instance: tuple `items`
 * becomes `prefixItems` (and `additionalItems` becomes `items`), `$id: "#name"` becomes
 * `$anchor`. Everything else means the same in both drafts.
 */
export function draft07To2020(schema: unknown): unknown {
  if (!isObj(schema)) return schema;
  const out: Obj = {};
  const set = (key: string, value: unknown): void => void Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  const tuple = Array.isArray(schema.items);
  for (const key of Object.keys(schema)) {
    const value = schema[key];
    if (key === '$id' && typeof value === 'string' && value.startsWith('#')) set('$anchor', value.slice(1));
    else if (key === 'items' && tuple) set('prefixItems', (value as unknown[]).map(draft07To2020));
    else if (key === 'additionalItems') {
      if (tuple) set('items', draft07To2020(value));
    } else if (key === 'items' || SINGLE.includes(key)) set(key, draft07To2020(value));
    else if (LIST.includes(key) && Array.isArray(value)) set(key, value.map(draft07To2020));
    else if (MAP.includes(key) && isObj(value)) set(key, Object.fromEntries(Object.entries(value).map(([k, v]) => [k, Array.isArray(v) ? v : draft07To2020(v)])));
    else set(key, value);
  }
  return out;
}
