// JSON Schema compatibility, after the rules of Confluent's JsonSchemaDiff: compare the
// schema documents were written with (`writer`, "original") with the schema they are read
// with (`reader`, "update"). The pair is compatible when every document valid under the
// writer schema stays valid under the reader schema. Rule ids are Confluent's
// Difference.Type names. Local `$ref`s (`#/...`) are followed, with a guard for recursion.
import { CompatibilityError, type CandidateSide, type Finding, ptr } from './levels.js';

type Obj = Record<string, unknown>;
type Schema = Obj | boolean;

interface Side {
  root: unknown;
}

interface Ctx {
  r: Side;
  w: Side;
  side: CandidateSide;
  inProgress: Set<string>;
  out: Finding[];
}

/** Findings for "documents valid under `writer` must be valid under `reader`". Empty: compatible. */
export function checkJsonPair(reader: unknown, writer: unknown, candidateSide: CandidateSide): Finding[] {
  for (const s of [reader, writer]) {
    if (typeof s !== 'boolean' && (typeof s !== 'object' || s === null || Array.isArray(s)))
      throw new CompatibilityError('SCHEMA_INVALID', 'a JSON Schema must be an object or a boolean');
  }
  const ctx: Ctx = { r: { root: reader }, w: { root: writer }, side: candidateSide, inProgress: new Set(), out: [] };
  compare(ctx, reader as Schema, '', writer as Schema, '');
  return ctx.out;
}

/** Validates that all local `$ref`s of a JSON Schema resolve. Throws CompatibilityError. */
export function validateJsonSchema(schema: unknown): void {
  if (typeof schema === 'boolean') return;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw new CompatibilityError('SCHEMA_INVALID', 'a JSON Schema must be an object or a boolean');
  const visit = (s: unknown, path: string): void => {
    if (Array.isArray(s)) return s.forEach((x, i) => visit(x, ptr(path, i)));
    if (typeof s !== 'object' || s === null) return;
    for (const [k, v] of Object.entries(s)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#') && resolvePointer(schema, v) === undefined)
        throw new CompatibilityError('SCHEMA_INVALID', `unresolved $ref "${v}" at ${path || '/'}`);
      if (k !== 'enum' && k !== 'const' && k !== 'default' && k !== 'examples') visit(v, ptr(path, k));
    }
  };
  visit(schema, '');
}

function resolvePointer(root: unknown, ref: string): unknown {
  const pointer = decodeURIComponent(ref.slice(1));
  if (pointer === '') return root;
  let cur: unknown = root;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Obj)[seg];
  }
  return cur;
}

/** Follows local `$ref`s (a schema that is only a `$ref`, or `$ref` with siblings merged). */
function deref(side: Side, s: Schema, seen: string[] = []): { schema: Schema; ref?: string } {
  if (typeof s !== 'object' || typeof s.$ref !== 'string') return { schema: s };
  const ref = s.$ref;
  if (!ref.startsWith('#') || seen.includes(ref)) return { schema: s };
  const target = resolvePointer(side.root, ref);
  if (target === undefined) throw new CompatibilityError('SCHEMA_INVALID', `unresolved $ref "${ref}"`);
  const { $ref: _drop, ...siblings } = s;
  const inner = deref(side, target as Schema, [...seen, ref]);
  if (Object.keys(siblings).length === 0) return { schema: inner.schema, ref: inner.ref ?? ref };
  if (typeof inner.schema === 'boolean') return { schema: inner.schema, ref };
  return { schema: { ...inner.schema, ...siblings }, ref };
}

const TYPES = ['null', 'boolean', 'object', 'array', 'number', 'integer', 'string'];

function typesOf(s: Obj): string[] | undefined {
  if (typeof s.type === 'string') return [s.type];
  if (Array.isArray(s.type)) return s.type as string[];
  if (s.const !== undefined) return undefined;
  if (Array.isArray(s.enum)) return undefined;
  return undefined;
}

function accepts(types: string[] | undefined, t: string): boolean {
  if (!types) return true;
  return types.includes(t) || (t === 'integer' && types.includes('number'));
}

function isOpen(s: Obj): boolean {
  return s.additionalProperties === undefined || s.additionalProperties === true || (typeof s.additionalProperties === 'object' && s.additionalProperties !== null && Object.keys(s.additionalProperties).length === 0 && !s.patternProperties);
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}
function canon(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canon);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Obj)[k])]));
  return v;
}

function compare(ctx: Ctx, r0: Schema, rp: string, w0: Schema, wp: string): void {
  const newIsReader = ctx.side === 'reader';
  const f = (rule: string, message: string, hint: string, readerPath = rp, writerPath = wp) =>
    ctx.out.push({ rule, message, hint, readerPath, writerPath });
  const rd = deref(ctx.r, r0);
  const wd = deref(ctx.w, w0);
  if (rd.ref || wd.ref) {
    // Report inside the $ref target: that is where the text to change is.
    if (rd.ref) rp = decodeURIComponent(rd.ref.slice(1));
    if (wd.ref) wp = decodeURIComponent(wd.ref.slice(1));
    const key = `${rd.ref ?? rp}|${wd.ref ?? wp}`;
    if (ctx.inProgress.has(key)) return;
    ctx.inProgress.add(key);
    try {
      compareResolved(ctx, rd.schema, rp, wd.schema, wp, f, newIsReader);
    } finally {
      ctx.inProgress.delete(key);
    }
    return;
  }
  compareResolved(ctx, rd.schema, rp, wd.schema, wp, f, newIsReader);
}

type Report = (rule: string, message: string, hint: string, readerPath?: string, writerPath?: string) => void;

/** "old" / "new" wording: the writer is the old schema when the candidate is the reader. */
function oldNew<T>(newIsReader: boolean, reader: T, writer: T): { before: T; after: T } {
  return newIsReader ? { before: writer, after: reader } : { before: reader, after: writer };
}

function compareResolved(ctx: Ctx, r: Schema, rp: string, w: Schema, wp: string, f: Report, newIsReader: boolean): void {
  // Boolean schemas and the empty schema.
  if (w === false || r === true) return;
  if (typeof r === 'object' && Object.keys(r).filter((k) => !ANNOTATIONS.has(k)).length === 0) return; // {} accepts everything
  if (r === false) {
    f('SCHEMA_REMOVED', newIsReader ? 'the schema now rejects every value (false)' : 'the previous schema rejects every value (false)', 'do not replace a schema with false', rp, wp);
    return;
  }
  if (w === true) {
    f('TYPE_NARROWED', newIsReader ? 'any value was allowed before, a constrained schema now' : 'any value is now allowed, but the previous schema constrains it', newIsReader ? 'keep accepting any value here' : 'keep the constraints', rp, wp);
    return;
  }
  const ro = r as Obj;
  const wo = w as Obj;

  if (combined(ctx, ro, rp, wo, wp, f, newIsReader)) return;

  // not
  if (ro.not !== undefined || wo.not !== undefined) {
    if (!equal(ro.not, wo.not)) {
      if (ro.not !== undefined && wo.not === undefined) f('NOT_TYPE_NARROWED', 'a "not" constraint was added', 'do not add "not" constraints', ptr(rp, 'not'), wp);
      else if (ro.not !== undefined) f('NOT_TYPE_NARROWED', '"not" constraint changed', 'keep the "not" constraint as it was', ptr(rp, 'not'), ptr(wp, 'not'));
    }
  }

  // Types.
  const rt = typesOf(ro);
  const wt = typesOf(wo);
  const wTypes = wt ?? TYPES;
  const lost = wTypes.filter((t) => !accepts(rt, t) && !(t === 'number' && rt?.includes('integer') && false));
  if (lost.length > 0) {
    const { before, after } = oldNew(newIsReader, rt, wt);
    const narrowed = rt && wt ? rt.every((t) => accepts(wt, t)) : !!rt;
    const b = before ? before.join('|') : 'any';
    const a = after ? after.join('|') : 'any';
    if (narrowed)
      f('TYPE_NARROWED', `type narrowed from ${newIsReader ? b : a} to ${newIsReader ? a : b}`.replace(/^/, ''), newIsReader ? `keep accepting ${lost.join(', ')} (e.g. "type": [${[...(rt ?? []), ...lost].map((t) => `"${t}"`).join(', ')}])` : `only widen the type in a compatible step after readers accept it`, ptr(rp, 'type'), ptr(wp, 'type'));
    else f('TYPE_CHANGED', `type changed from ${b} to ${a}`, `keep the type; add a new property for the new type`, ptr(rp, 'type'), ptr(wp, 'type'));
    return;
  }

  // enum / const
  const rEnum = enumOf(ro);
  const wEnum = enumOf(wo);
  if (rEnum) {
    if (!wEnum) {
      f('ENUM_ARRAY_NARROWED', newIsReader ? `an enum/const constraint was added` : `the enum/const constraint was removed, but the previous schema allows only ${rEnum.map((v) => JSON.stringify(v)).join(', ')}`, newIsReader ? 'do not restrict an existing value to an enum' : 'keep the enum', ptr(rp, ro.const !== undefined ? 'const' : 'enum'), wp);
    } else {
      const missing = wEnum.filter((v) => !rEnum.some((x) => equal(x, v)));
      if (missing.length > 0) {
        const narrowed = rEnum.every((v) => wEnum.some((x) => equal(x, v)));
        const list = missing.map((v) => JSON.stringify(v)).join(', ');
        f(
          narrowed ? 'ENUM_ARRAY_NARROWED' : 'ENUM_ARRAY_CHANGED',
          newIsReader ? `enum value(s) ${list} removed` : `enum value(s) ${list} added, which readers of the previous schema reject`,
          newIsReader ? `keep the value(s) ${list} in the enum` : `add enum values only where the previous schema already accepts them`,
          ptr(rp, ro.const !== undefined ? 'const' : 'enum'),
          ptr(wp, wo.const !== undefined ? 'const' : 'enum'),
        );
      }
    }
  }

  const applies = (t: string) => accepts(wt, t) && accepts(rt, t);

  // Strings.
  if (applies('string')) {
    bound(ro, rp, wo, wp, 'maxLength', 'upper', f, newIsReader, 'MAX_LENGTH');
    bound(ro, rp, wo, wp, 'minLength', 'lower', f, newIsReader, 'MIN_LENGTH');
    if (ro.pattern !== undefined && ro.pattern !== wo.pattern) {
      if (wo.pattern === undefined) f('PATTERN_ADDED', `pattern ${JSON.stringify(ro.pattern)} ${newIsReader ? 'added' : 'removed'}`, newIsReader ? 'do not add a pattern to an existing string' : 'keep the pattern', ptr(rp, 'pattern'), wp);
      else f('PATTERN_CHANGED', `pattern changed`, 'keep the pattern', ptr(rp, 'pattern'), ptr(wp, 'pattern'));
    }
  }
  // Numbers.
  if (applies('number') || applies('integer')) {
    bound(ro, rp, wo, wp, 'maximum', 'upper', f, newIsReader, 'MAXIMUM');
    bound(ro, rp, wo, wp, 'minimum', 'lower', f, newIsReader, 'MINIMUM');
    bound(ro, rp, wo, wp, 'exclusiveMaximum', 'upper', f, newIsReader, 'EXCLUSIVE_MAXIMUM');
    bound(ro, rp, wo, wp, 'exclusiveMinimum', 'lower', f, newIsReader, 'EXCLUSIVE_MINIMUM');
    if (typeof ro.multipleOf === 'number' && ro.multipleOf !== wo.multipleOf) {
      if (typeof wo.multipleOf !== 'number') f('MULTIPLE_OF_ADDED', `multipleOf ${ro.multipleOf} ${newIsReader ? 'added' : 'removed'}`, 'do not add multipleOf to an existing number', ptr(rp, 'multipleOf'), wp);
      else if (!isMultiple(wo.multipleOf, ro.multipleOf))
        f(wo.multipleOf % ro.multipleOf === 0 || isMultiple(ro.multipleOf, wo.multipleOf) ? 'MULTIPLE_OF_EXPANDED' : 'MULTIPLE_OF_CHANGED', `multipleOf changed from ${newIsReader ? wo.multipleOf : ro.multipleOf} to ${newIsReader ? ro.multipleOf : wo.multipleOf}`, 'only change multipleOf to a divisor of the previous value', ptr(rp, 'multipleOf'), ptr(wp, 'multipleOf'));
    }
  }
  // Objects.
  if (applies('object')) objects(ctx, ro, rp, wo, wp, f, newIsReader);
  // Arrays.
  if (applies('array')) {
    bound(ro, rp, wo, wp, 'maxItems', 'upper', f, newIsReader, 'MAX_ITEMS');
    bound(ro, rp, wo, wp, 'minItems', 'lower', f, newIsReader, 'MIN_ITEMS');
    if (ro.uniqueItems === true && wo.uniqueItems !== true) f('UNIQUE_ITEMS_ADDED', newIsReader ? 'uniqueItems added' : 'uniqueItems removed', 'do not require unique items on an existing array', ptr(rp, 'uniqueItems'), wp);
    const ri = ro.items;
    const wi = wo.items;
    if (ri !== undefined && !Array.isArray(ri)) {
      if (wi === undefined || Array.isArray(wi)) {
        if (Object.keys(ri as Obj).length > 0 && ri !== true) f('ADDITIONAL_ITEMS_NARROWED', newIsReader ? 'items were unconstrained and now have a schema' : 'items lost their schema', newIsReader ? 'do not add an items schema to an existing array' : 'keep the items schema', ptr(rp, 'items'), wp);
      } else compare(ctx, ri as Schema, ptr(rp, 'items'), wi as Schema, ptr(wp, 'items'));
    }
  }
}

const ANNOTATIONS = new Set(['$schema', '$id', 'id', 'title', 'description', 'default', 'examples', '$comment', 'deprecated', 'readOnly', 'writeOnly', '$defs', 'definitions', 'format', 'contentEncoding', 'contentMediaType']);

function enumOf(s: Obj): unknown[] | undefined {
  if (s.const !== undefined) return [s.const];
  if (Array.isArray(s.enum)) return s.enum;
  return undefined;
}

function isMultiple(a: number, b: number): boolean {
  const q = a / b;
  return Math.abs(q - Math.round(q)) < 1e-9;
}

/** Upper bounds may only grow or go; lower bounds may only shrink or go. */
function bound(ro: Obj, rp: string, wo: Obj, wp: string, key: string, kind: 'upper' | 'lower', f: Report, newIsReader: boolean, rule: string): void {
  const rv = ro[key];
  const wv = wo[key];
  if (typeof rv !== 'number') return; // removed or absent: more permissive
  const label = key;
  if (typeof wv !== 'number') {
    f(`${rule}_ADDED`, newIsReader ? `${label} ${rv} added` : `${label} ${rv} removed, but the previous schema has it`, newIsReader ? `do not add ${label} to an existing value` : `keep ${label} ${rv}`, ptr(rp, key), wp);
    return;
  }
  if (kind === 'upper' ? rv < wv : rv > wv) {
    const { before, after } = oldNew(newIsReader, rv, wv);
    const verb = kind === 'upper' ? 'DECREASED' : 'INCREASED';
    f(`${rule}_${newIsReader ? verb : verb === 'DECREASED' ? 'INCREASED' : 'DECREASED'}`, `${label} changed from ${before} to ${after}`, kind === 'upper' ? `${label} may only grow: keep it at least ${wv}` : `${label} may only shrink: keep it at most ${wv}`, ptr(rp, key), ptr(wp, key));
  }
}

function objects(ctx: Ctx, ro: Obj, rp: string, wo: Obj, wp: string, f: Report, newIsReader: boolean): void {
  const rProps = (ro.properties ?? {}) as Record<string, Schema>;
  const wProps = (wo.properties ?? {}) as Record<string, Schema>;
  const rReq = new Set(Array.isArray(ro.required) ? (ro.required as string[]) : []);
  const wReq = new Set(Array.isArray(wo.required) ? (wo.required as string[]) : []);
  const keys = [...new Set([...Object.keys(wProps), ...Object.keys(rProps)])];
  for (const key of keys) {
    const inR = Object.hasOwn(rProps, key);
    const inW = Object.hasOwn(wProps, key);
    const rpp = ptr(rp, 'properties', key);
    const wpp = ptr(wp, 'properties', key);
    if (inR && inW) {
      compare(ctx, rProps[key]!, rpp, wProps[key]!, wpp);
      if (rReq.has(key) && !wReq.has(key)) {
        const hasDefault = typeof rProps[key] === 'object' && (rProps[key] as Obj).default !== undefined;
        if (!hasDefault)
          f('REQUIRED_ATTRIBUTE_ADDED', newIsReader ? `property "${key}" became required` : `property "${key}" is no longer required, but readers of the previous schema require it`, newIsReader ? `keep "${key}" optional (or give it a default)` : `keep "${key}" required`, ptr(rp, 'required'), ptr(wp, 'required'));
      }
      continue;
    }
    if (inW && !inR) {
      // A property the writer knows and the reader does not: covered by the reader's additionalProperties?
      const ap = ro.additionalProperties;
      if (isOpen(ro)) continue; // PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL: compatible
      if (typeof ap === 'object' && ap !== null) {
        compare(ctx, ap as Schema, ptr(rp, 'additionalProperties'), wProps[key]!, wpp);
        continue;
      }
      if (wProps[key] === false) continue;
      f(
        'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
        newIsReader ? `property "${key}" was removed, and additionalProperties is false, so documents that have it are rejected` : `property "${key}" was added, but readers of the previous schema do not allow additional properties`,
        newIsReader ? `keep "${key}" in "properties" (it may be deprecated), or open the content model` : `open the previous content model first, or do not add properties to a closed model`,
        ptr(rp, 'properties'),
        wpp,
      );
      continue;
    }
    // inR && !inW: a property the reader constrains that the writer did not declare.
    const rSchema = rProps[key]!;
    if (isOpen(wo)) {
      if (rSchema === true || (typeof rSchema === 'object' && Object.keys(rSchema).filter((k) => !ANNOTATIONS.has(k)).length === 0 && !rReq.has(key))) continue;
      f(
        'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
        newIsReader ? `property "${key}" was added to an open content model: documents written before may already carry "${key}" with any value` : `property "${key}" was removed from an open content model: new documents may carry "${key}" with any value, which readers of the previous schema constrain`,
        newIsReader ? `close the previous content model ("additionalProperties": false) before adding properties, or add "${key}" with an unconstrained schema` : `keep "${key}" in "properties"`,
        rpp,
        ptr(wp, 'properties'),
      );
      continue;
    }
    const wap = wo.additionalProperties;
    if (typeof wap === 'object' && wap !== null) {
      compare(ctx, rSchema, rpp, wap as Schema, ptr(wp, 'additionalProperties'));
    }
    if (rReq.has(key)) {
      const hasDefault = typeof rSchema === 'object' && rSchema.default !== undefined;
      if (!hasDefault)
        f('REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', newIsReader ? `required property "${key}" was added: documents written before do not have it` : `required property "${key}" of the previous schema was removed`, newIsReader ? `make "${key}" optional (leave it out of "required") or give it a default` : `keep "${key}"`, rpp, wp);
    }
  }
  // required properties that are not declared in properties
  for (const key of rReq) {
    if (Object.hasOwn(rProps, key) || wReq.has(key)) continue;
    f('REQUIRED_ATTRIBUTE_ADDED', newIsReader ? `property "${key}" became required` : `property "${key}" is no longer required, but readers of the previous schema require it`, newIsReader ? `keep "${key}" optional` : `keep "${key}" required`, ptr(rp, 'required'), ptr(wp, 'required'));
  }
  // additionalProperties itself
  const ra = ro.additionalProperties;
  const wa = wo.additionalProperties;
  const wClosed = wa === false;
  if (!wClosed) {
    if (ra === false) {
      if (!isOpen(wo) || wa === undefined || wa === true || typeof wa === 'object')
        f('ADDITIONAL_PROPERTIES_REMOVED', newIsReader ? 'additionalProperties is now false: documents written before may carry other properties' : 'additionalProperties was false and is now allowed, which readers of the previous schema reject', newIsReader ? 'keep the content model open' : 'keep additionalProperties false', ptr(rp, 'additionalProperties'), wp);
    } else if (typeof ra === 'object' && ra !== null && Object.keys(ra).length > 0) {
      if (typeof wa === 'object' && wa !== null) compare(ctx, ra as Schema, ptr(rp, 'additionalProperties'), wa as Schema, ptr(wp, 'additionalProperties'));
      else f('ADDITIONAL_PROPERTIES_NARROWED', newIsReader ? 'additionalProperties now has a schema' : 'additionalProperties lost its schema', 'keep additionalProperties as it was', ptr(rp, 'additionalProperties'), wp);
    }
  }
  bound(ro, rp, wo, wp, 'maxProperties', 'upper', f, newIsReader, 'MAX_PROPERTIES');
  bound(ro, rp, wo, wp, 'minProperties', 'lower', f, newIsReader, 'MIN_PROPERTIES');
}

/** oneOf / anyOf / allOf. Returns true when it handled the pair. */
function combined(ctx: Ctx, ro: Obj, rp: string, wo: Obj, wp: string, f: Report, newIsReader: boolean): boolean {
  const kw = (s: Obj) => (['oneOf', 'anyOf', 'allOf'] as const).find((k) => Array.isArray(s[k]));
  const rk = kw(ro);
  const wk = kw(wo);
  if (!rk && !wk) return false;
  const trial = (r: Schema, rPath: string, w: Schema, wPath: string): Finding[] => {
    const sub: Ctx = { ...ctx, out: [] };
    compare(sub, r, rPath, w, wPath);
    return sub.out;
  };
  const rest = (s: Obj, k: string | undefined) => {
    const { [k ?? '']: _drop, ...others } = s;
    return others;
  };
  if (rk && wk) {
    const rb = ro[rk] as Schema[];
    const wb = wo[wk] as Schema[];
    if (rk !== wk && !(rk !== 'allOf' && wk !== 'allOf' && rk === 'anyOf')) {
      f('COMBINED_TYPE_CHANGED', `${newIsReader ? wk : rk} changed to ${newIsReader ? rk : wk}`, `keep ${newIsReader ? wk : rk}`, ptr(rp, rk), ptr(wp, wk));
      return true;
    }
    if (rk === 'allOf') {
      // every reader conjunct must accept what the writer's conjunction accepts
      rb.forEach((rs, i) => {
        if (wb.some((ws, j) => trial(rs, ptr(rp, rk, i), ws, ptr(wp, wk, j)).length === 0)) return;
        f(rb.length > wb.length ? 'PRODUCT_TYPE_EXTENDED' : 'COMBINED_TYPE_SUBSCHEMAS_CHANGED', newIsReader ? `allOf gained or changed a subschema (${i}) that documents written before may not satisfy` : `allOf lost or changed a subschema that readers of the previous schema require`, newIsReader ? 'do not add conditions to allOf' : 'keep the allOf subschemas', ptr(rp, rk, i), ptr(wp, wk));
      });
    } else {
      // every writer branch must be accepted by some reader branch
      wb.forEach((ws, j) => {
        if (rb.some((rs, i) => trial(rs, ptr(rp, rk, i), ws, ptr(wp, wk, j)).length === 0)) return;
        f(wb.length > rb.length ? 'SUM_TYPE_NARROWED' : 'COMBINED_TYPE_SUBSCHEMAS_CHANGED', newIsReader ? `${rk} lost or changed a branch (${j}) that documents written before may match` : `${wk} gained or changed a branch (${j}) that readers of the previous schema do not accept`, newIsReader ? `keep every ${wk} branch of the previous schema` : `add ${wk} branches only once readers accept them`, ptr(rp, rk), ptr(wp, wk, j));
      });
    }
    compareRest(ctx, rest(ro, rk), rp, rest(wo, wk), wp);
    return true;
  }
  if (rk && !wk) {
    const rb = ro[rk] as Schema[];
    const w = rest(wo, undefined);
    if (rk === 'allOf') {
      rb.forEach((rs, i) => compare(ctx, rs, ptr(rp, rk, i), w, wp));
      compareRest(ctx, rest(ro, rk), rp, wo, wp);
      return true;
    }
    // Writer is one schema; reader a oneOf/anyOf: it must accept it in some branch (COMBINED_TYPE_EXTENDED).
    if (rb.some((rs, i) => trial(rs, ptr(rp, rk, i), w, wp).length === 0)) {
      compareRest(ctx, rest(ro, rk), rp, onlyRestKeys(wo, rest(ro, rk)), wp);
      return true;
    }
    f('COMBINED_TYPE_CHANGED', newIsReader ? `the schema became a ${rk} none of whose branches accepts the previous schema` : `the previous ${rk} has no branch that accepts the new schema`, newIsReader ? `keep the previous schema as one of the ${rk} branches` : `keep the schema within one of the previous ${rk} branches`, ptr(rp, rk), wp);
    return true;
  }
  // Writer combined, reader not.
  const wb = wo[wk!] as Schema[];
  if (wk === 'allOf') {
    // The reader must accept the conjunction: compare against the merged conjuncts, best effort.
    const merged = wb.reduce<Obj>((acc, s) => (typeof s === 'object' ? { ...acc, ...s } : acc), rest(wo, wk));
    compare(ctx, ro, rp, merged, wp);
    return true;
  }
  wb.forEach((ws, j) => {
    const findings = trial(ro, rp, ws, ptr(wp, wk!, j));
    if (findings.length === 0) return;
    f('COMBINED_TYPE_CHANGED', newIsReader ? `${wk} was replaced by a single schema that does not accept branch ${j} of the previous schema` : `the new ${wk} branch ${j} is not accepted by the previous schema`, newIsReader ? `keep ${wk} with all of its branches` : `keep the single schema`, rp, ptr(wp, wk!, j));
  });
  return true;
}

function onlyRestKeys(w: Obj, restR: Obj): Obj {
  // compare the reader's sibling keywords (besides the combiner) with the writer as a whole
  return Object.keys(restR).length === 0 ? {} : w;
}

function compareRest(ctx: Ctx, r: Obj, rp: string, w: Obj, wp: string): void {
  if (Object.keys(r).filter((k) => !ANNOTATIONS.has(k)).length === 0) return;
  compare(ctx, r, rp, w, wp);
}
