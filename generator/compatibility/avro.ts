// Avro schema resolution (the spec's "Schema Resolution"): can a reader schema read data
// written with a writer schema? Our own walk, so that every incompatibility has a path in
// both schemas, a stable rule id (Avro's SchemaIncompatibilityType names, as Confluent's
// registry reports them) and a hint. Recursive types are walked once per (reader, writer)
// pair of named types.
import { CompatibilityError, type CandidateSide, type Finding, ptr } from './levels.js';

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAMED = new Set(['record', 'error', 'enum', 'fixed']);

/** Writer type -> reader types it may be promoted to. */
const PROMOTIONS: Record<string, string[]> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

type Obj = Record<string, unknown>;

interface NamedDef {
  schema: Obj;
  fullname: string;
  /** Namespace for names used inside this type. */
  ns: string;
}

/** A schema with references resolved one level. */
interface Node {
  kind: string; // a primitive, record, enum, fixed, array, map or union
  schema: Obj | string | unknown[];
  ns: string;
  fullname?: string;
  logicalType?: string;
}

class AvroDoc {
  readonly names = new Map<string, NamedDef>();
  constructor(readonly root: unknown) {
    this.collect(root, '', '');
  }

  private collect(s: unknown, ns: string, path: string): void {
    if (Array.isArray(s)) {
      s.forEach((b, i) => this.collect(b, ns, ptr(path, i)));
      return;
    }
    if (typeof s !== 'object' || s === null) return;
    const o = s as Obj;
    const type = o.type;
    if (typeof type === 'string' && NAMED.has(type)) {
      const { fullname, ns: inner } = fullName(o, ns, path);
      if (!this.names.has(fullname)) this.names.set(fullname, { schema: o, fullname, ns: inner });
      if ((type === 'record' || type === 'error') && Array.isArray(o.fields)) {
        o.fields.forEach((f, i) => {
          if (typeof f === 'object' && f !== null) this.collect((f as Obj).type, inner, ptr(path, 'fields', i, 'type'));
        });
      }
      return;
    }
    if (type === 'array') this.collect(o.items, ns, ptr(path, 'items'));
    else if (type === 'map') this.collect(o.values, ns, ptr(path, 'values'));
    else if (typeof type === 'object') this.collect(type, ns, ptr(path, 'type'));
  }

  node(s: unknown, ns: string, path: string): Node {
    if (typeof s === 'string') {
      if (PRIMITIVES.has(s)) return { kind: s, schema: s, ns };
      const def = this.lookup(s, ns);
      if (!def) throw new CompatibilityError('SCHEMA_INVALID', `unknown Avro type name "${s}" at ${path || '/'}`);
      return { kind: kindOf(def.schema.type as string), schema: def.schema, ns: def.ns, fullname: def.fullname };
    }
    if (Array.isArray(s)) return { kind: 'union', schema: s, ns };
    if (typeof s === 'object' && s !== null) {
      const o = s as Obj;
      const type = o.type;
      if (typeof type === 'string') {
        if (PRIMITIVES.has(type)) return { kind: type, schema: o, ns, logicalType: str(o.logicalType) };
        if (NAMED.has(type)) {
          const { fullname, ns: inner } = fullName(o, ns, path);
          return { kind: kindOf(type), schema: o, ns: inner, fullname, logicalType: str(o.logicalType) };
        }
        if (type === 'array' || type === 'map') return { kind: type, schema: o, ns };
        return this.node(type, ns, path); // {"type": "com.x.Named"}
      }
      if (typeof type === 'object' && type !== null) return this.node(type, ns, path);
    }
    throw new CompatibilityError('SCHEMA_INVALID', `not an Avro schema at ${path || '/'}: ${JSON.stringify(s)?.slice(0, 80)}`);
  }

  private lookup(name: string, ns: string): NamedDef | undefined {
    if (name.includes('.')) return this.names.get(name);
    return (ns ? this.names.get(`${ns}.${name}`) : undefined) ?? this.names.get(name);
  }
}

function kindOf(type: string): string {
  return type === 'error' ? 'record' : type;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function fullName(o: Obj, ns: string, path: string): { fullname: string; ns: string } {
  const name = o.name;
  if (typeof name !== 'string' || !name) throw new CompatibilityError('SCHEMA_INVALID', `named Avro type without a name at ${path || '/'}`);
  if (name.includes('.')) return { fullname: name, ns: name.slice(0, name.lastIndexOf('.')) };
  const own = typeof o.namespace === 'string' ? o.namespace : ns;
  return { fullname: own ? `${own}.${name}` : name, ns: own };
}

function simpleName(fullname: string): string {
  return fullname.slice(fullname.lastIndexOf('.') + 1);
}

function describe(n: Node): string {
  if (n.kind === 'union') return `union [${(n.schema as unknown[]).map((b) => (typeof b === 'string' ? b : (b as Obj)?.name ?? (b as Obj)?.type)).join(', ')}]`;
  if (n.fullname) return `${n.kind} ${n.fullname}`;
  if (n.logicalType) return `${n.kind} (${n.logicalType})`;
  return n.kind;
}

/** Validates that a value is a usable Avro schema (all names resolve). Throws CompatibilityError. */
export function validateAvro(schema: unknown): void {
  const doc = new AvroDoc(schema);
  const seen = new Set<unknown>();
  const visit = (s: unknown, ns: string, path: string): void => {
    const n = doc.node(s, ns, path);
    if (seen.has(n.schema) && typeof n.schema === 'object') return;
    seen.add(n.schema);
    const o = n.schema as Obj;
    if (n.kind === 'union') (n.schema as unknown[]).forEach((b, i) => visit(b, ns, ptr(path, i)));
    else if (n.kind === 'record') {
      if (!Array.isArray(o.fields)) throw new CompatibilityError('SCHEMA_INVALID', `record ${n.fullname} has no "fields" array`);
      o.fields.forEach((f, i) => visit((f as Obj).type, n.ns, ptr(path, 'fields', i, 'type')));
    } else if (n.kind === 'array') visit(o.items, ns, ptr(path, 'items'));
    else if (n.kind === 'map') visit(o.values, ns, ptr(path, 'values'));
    else if (n.kind === 'enum' && !Array.isArray(o.symbols)) throw new CompatibilityError('SCHEMA_INVALID', `enum ${n.fullname} has no "symbols" array`);
  };
  visit(schema, '', '');
}

interface Ctx {
  r: AvroDoc;
  w: AvroDoc;
  side: CandidateSide;
  inProgress: Set<string>;
}

/**
 * Findings for "a reader using `reader` reads data written with `writer`". Empty: compatible.
 * `candidateSide` says which one is the new schema (used to phrase messages and hints).
 */
export function checkAvroPair(reader: unknown, writer: unknown, candidateSide: CandidateSide): Finding[] {
  const ctx: Ctx = { r: new AvroDoc(reader), w: new AvroDoc(writer), side: candidateSide, inProgress: new Set() };
  const out: Finding[] = [];
  check(ctx, ctx.r.node(reader, '', ''), '', ctx.w.node(writer, '', ''), '', out);
  return out;
}

function check(ctx: Ctx, r: Node, rp: string, w: Node, wp: string, out: Finding[]): void {
  const f = (rule: string, message: string, hint: string, readerPath = rp, writerPath = wp) =>
    out.push({ rule, message, hint, readerPath, writerPath });
  const newIsReader = ctx.side === 'reader';

  if (w.kind === 'union') {
    (w.schema as unknown[]).forEach((branch, i) => check(ctx, r, rp, ctx.w.node(branch, w.ns, ptr(wp, i)), ptr(wp, i), out));
    return;
  }
  if (r.kind === 'union') {
    const branches = r.schema as unknown[];
    let sameNamed: { findings: Finding[] } | undefined;
    for (let i = 0; i < branches.length; i++) {
      const rb = ctx.r.node(branches[i], r.ns, ptr(rp, i));
      const findings: Finding[] = [];
      check(ctx, rb, ptr(rp, i), w, wp, findings);
      if (findings.length === 0) return;
      if (!sameNamed && rb.kind === w.kind && (rb.fullname === undefined || rb.fullname === w.fullname || (w.fullname && simpleName(rb.fullname) === simpleName(w.fullname)))) sameNamed = { findings };
    }
    if (sameNamed && w.kind !== r.kind && (w.fullname || ['array', 'map'].includes(w.kind))) {
      out.push(...sameNamed.findings);
      return;
    }
    f(
      'MISSING_UNION_BRANCH',
      newIsReader
        ? `the new union has no branch that reads ${describe(w)}, which the previous schema writes`
        : `the new schema writes ${describe(w)}, which the previous union has no branch for`,
      newIsReader ? `keep a branch of type ${describe(w)} in the union` : `only write types the previous union has (add the new type as a union branch in a compatible step first)`,
    );
    return;
  }
  if (r.kind !== w.kind) {
    if (PROMOTIONS[w.kind]?.includes(r.kind)) return;
    f(
      'TYPE_MISMATCH',
      `type changed from ${describe(newIsReader ? w : r)} to ${describe(newIsReader ? r : w)}` + (newIsReader ? '' : ' (the previous reader cannot read it)'),
      promotionHint(newIsReader ? w.kind : r.kind, newIsReader),
    );
    return;
  }
  const ro = r.schema as Obj;
  const wo = w.schema as Obj;
  switch (r.kind) {
    case 'record': {
      if (!namesMatch(r, rp, w, wp, f, newIsReader)) return;
      const memo = `${r.fullname}|${w.fullname}`;
      if (ctx.inProgress.has(memo)) return; // recursion: assumed compatible while being checked
      ctx.inProgress.add(memo);
      const rFields = (ro.fields as Obj[]) ?? [];
      const wFields = (wo.fields as Obj[]) ?? [];
      rFields.forEach((rf, i) => {
        const name = rf.name as string;
        let wi = wFields.findIndex((wf) => wf.name === name);
        if (wi < 0 && Array.isArray(rf.aliases)) wi = wFields.findIndex((wf) => (rf.aliases as unknown[]).includes(wf.name));
        const rfp = ptr(rp, 'fields', i);
        if (wi < 0) {
          if (rf.default !== undefined) return;
          if (newIsReader)
            f('READER_FIELD_MISSING_DEFAULT_VALUE', `field "${name}" of ${r.fullname} is new and has no default, so data written with the previous schema cannot be read`, `give the new field a default (e.g. make it ["null", ...] with "default": null)`, rfp, ptr(wp, 'fields'));
          else
            f('READER_FIELD_MISSING_DEFAULT_VALUE', `field "${name}" of ${r.fullname} was removed, and the previous schema has no default for it, so its readers cannot read new data`, `keep the field, or first give it a default in a compatible release and remove it later`, rfp, ptr(wp, 'fields'));
          return;
        }
        const wf = wFields[wi]!;
        const wfp = ptr(wp, 'fields', wi);
        check(ctx, ctx.r.node(rf.type, r.ns, ptr(rfp, 'type')), ptr(rfp, 'type'), ctx.w.node(wf.type, w.ns, ptr(wfp, 'type')), ptr(wfp, 'type'), out);
      });
      ctx.inProgress.delete(memo);
      return;
    }
    case 'enum': {
      if (!namesMatch(r, rp, w, wp, f, newIsReader)) return;
      const rs = (ro.symbols as string[]) ?? [];
      const missing = ((wo.symbols as string[]) ?? []).filter((s) => !rs.includes(s));
      if (missing.length === 0) return;
      if (typeof ro.default === 'string' && rs.includes(ro.default)) return;
      f(
        'MISSING_ENUM_SYMBOLS',
        newIsReader
          ? `enum ${r.fullname} lost symbol(s) ${missing.join(', ')} that the previous schema can write`
          : `enum ${w.fullname} gained symbol(s) ${missing.join(', ')} that readers of the previous schema do not know`,
        newIsReader
          ? `keep the symbol(s), or give the enum a "default" symbol`
          : `give the enum a "default" symbol in a compatible release before adding symbols`,
        ptr(rp, 'symbols'),
        ptr(wp, 'symbols'),
      );
      return;
    }
    case 'fixed': {
      if (!namesMatch(r, rp, w, wp, f, newIsReader)) return;
      if (ro.size !== wo.size) {
        f('FIXED_SIZE_MISMATCH', `fixed ${r.fullname} changed size from ${(newIsReader ? wo : ro).size} to ${(newIsReader ? ro : wo).size}`, `keep the size; use a new fixed type under a new field instead`, ptr(rp, 'size'), ptr(wp, 'size'));
        return;
      }
      decimal(r, rp, w, wp, f, newIsReader);
      return;
    }
    case 'bytes':
      decimal(r, rp, w, wp, f, newIsReader);
      return;
    case 'array':
      check(ctx, ctx.r.node(ro.items, r.ns, ptr(rp, 'items')), ptr(rp, 'items'), ctx.w.node(wo.items, w.ns, ptr(wp, 'items')), ptr(wp, 'items'), out);
      return;
    case 'map':
      check(ctx, ctx.r.node(ro.values, r.ns, ptr(rp, 'values')), ptr(rp, 'values'), ctx.w.node(wo.values, w.ns, ptr(wp, 'values')), ptr(wp, 'values'), out);
      return;
    default:
      return; // same primitive
  }
}

type Report = (rule: string, message: string, hint: string, readerPath?: string, writerPath?: string) => void;

/** Avro's rule (as the Java implementation applies it): same unqualified name, or the writer's full name among the reader's aliases. */
function namesMatch(r: Node, rp: string, w: Node, wp: string, f: Report, newIsReader: boolean): boolean {
  const rName = r.fullname!;
  const wName = w.fullname!;
  if (simpleName(rName) === simpleName(wName)) return true;
  const aliases = Array.isArray((r.schema as Obj).aliases) ? ((r.schema as Obj).aliases as string[]) : [];
  const qualified = aliases.map((a) => (a.includes('.') ? a : r.ns ? `${r.ns}.${a}` : a));
  if (qualified.includes(wName)) return true;
  const [from, to] = newIsReader ? [wName, rName] : [rName, wName];
  f(
    'NAME_MISMATCH',
    `${r.kind} renamed from ${from} to ${to}`,
    newIsReader ? `keep the name, or add "aliases": ["${from}"] to ${to}` : `keep the name ${from}; readers of the previous schema do not know ${to}`,
    ptr(rp, 'name'),
    ptr(wp, 'name'),
  );
  return false;
}

function decimal(r: Node, rp: string, w: Node, wp: string, f: Report, newIsReader: boolean): void {
  const ro = r.schema as Obj;
  const wo = w.schema as Obj;
  if (r.logicalType !== 'decimal' || w.logicalType !== 'decimal') return;
  const rs = Number(ro.scale ?? 0);
  const ws = Number(wo.scale ?? 0);
  const [oldS, newS] = newIsReader ? [ws, rs] : [rs, ws];
  if (rs !== ws) {
    f('DECIMAL_SCALE_MISMATCH', `decimal scale changed from ${oldS} to ${newS}: the same bytes would mean a different number`, `keep the scale; put a decimal of another scale in a new field`, ptr(rp, 'scale'), ptr(wp, 'scale'));
    return;
  }
  const rpn = Number(ro.precision);
  const wpn = Number(wo.precision);
  if (rpn < wpn) {
    const [oldP, newP] = newIsReader ? [wpn, rpn] : [rpn, wpn];
    f('DECIMAL_PRECISION_NARROWED', `decimal precision changed from ${oldP} to ${newP}: the reader's precision is smaller than the writer's`, newIsReader ? `do not lower the precision` : `do not raise the precision beyond what the previous readers accept`, ptr(rp, 'precision'), ptr(wp, 'precision'));
  }
}

function promotionHint(writerKind: string, newIsReader: boolean): string {
  const to = PROMOTIONS[writerKind];
  if (newIsReader) return to ? `keep ${writerKind}, or widen it only to ${to.join(' / ')}` : `keep the type ${writerKind}; add a new field for the new type`;
  return `keep the type, or add a new field for the new type`;
}
