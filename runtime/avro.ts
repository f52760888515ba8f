// Avro codecs over avsc, with kafkagen's JavaScript representation of Avro values:
//
// - `long` is a bigint by default; with `long: 'number'` it is a number and any value
//   outside the safe-integer range is refused on write and on read (never rounded).
// - logical types as in ./logical.ts.
// - unions hold the plain branch value (`string | null`, not avsc's `{ string: ... }`);
//   a record inside a union of two or more non-null branches carries a `$type`
//   discriminant (its name), so a TypeScript `switch` narrows it. `$` cannot appear in
//   an Avro name, so `$type` never clashes with a field.
//
// avsc runs with `wrapUnions: true` (unambiguous branch choice on the wire), except for
// `["null", T]`, which needs none; the converters below move between that form and the
// tagged form, compiled once per type. A type without such unions pays nothing.
import avro from 'avsc';
import { validationError } from './errors.js';
import { type Any, logicalTypes, type Tap } from './logical.js';
import type { ValidationIssue, ValidationResult } from './validation.js';
import { toPointer } from './validation.js';

export type LongMode = 'bigint' | 'number';

export interface AvroCodecOptions {
  long?: LongMode;
}

/**
 * `T` is a value as received (every field present); `TInput` is what a producer may pass
 * (fields with defaults may be left out). `validate` and `is` check producer input.
 */
export interface AvroCodec<T = unknown, TInput = T> {
  readonly type: avro.Type;
  readonly schema: unknown;
  readonly long: LongMode;
  encode(value: TInput): Buffer;
  /** Decodes `buf`; when `writer` is given, resolves from the writer's schema (schema evolution). */
  decode(buf: Buffer, writer?: AvroCodec<unknown, unknown>): T;
  validate(value: unknown): ValidationResult<TInput>;
  is(value: unknown): value is TInput;
  /** A random valid value in kafkagen's representation (for tests and examples). */
  random(): T;
}

export const TYPE_TAG = '$type';

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const EXACT = 2n ** 52n; // avsc's writeLong rounds odd zig-zag values above 2^53 (negatives below -2^52)

function readBigLong(tap: Tap): bigint {
  const b = tap.buf;
  let v = 0n;
  let shift = 0n;
  let byte: number;
  do {
    byte = b[tap.pos++]!;
    v |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
  } while (byte & 0x80);
  return BigInt.asIntN(64, (v >> 1n) ^ -(v & 1n));
}

function writeBigLong(tap: Tap, n: bigint): void {
  if (n >= -EXACT && n <= EXACT) return tap.writeLong(Number(n));
  let z = BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));
  for (; z > 0x7fn; z >>= 7n) tap.buf[tap.pos++] = Number(z & 0x7fn) | 0x80;
  tap.buf[tap.pos++] = Number(z);
}

// avsc's LongType.__with goes through an 8-byte Buffer per long; these read and write the varint.
const AbstractLong = Object.getPrototypeOf(avro.types.LongType.__with({ toBuffer() {}, fromBuffer() {}, fromJSON() {}, toJSON() {}, isValid() {}, compare() {} })).constructor as new () => Any;

function longType(mode: LongMode): avro.Type {
  const big = mode === 'bigint';
  const t = new AbstractLong();
  const isValid = big ? (n: unknown) => typeof n === 'bigint' && n >= INT64_MIN && n <= INT64_MAX : (n: unknown) => Number.isSafeInteger(n);
  Object.assign(t, {
    _isValid: isValid,
    _fromJSON: big ? BigInt : Number,
    _toJSON: Number,
    compare: (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0),
    _read(tap: Tap) {
      const p = tap.pos;
      const m = tap.readLong(); // exact up to 7 bytes (49 bits)
      if (tap.pos - p <= 7) return big ? BigInt(m) : m;
      tap.pos = p;
      const n = readBigLong(tap);
      if (big) return n;
      if (!Number.isSafeInteger(Number(n))) throw new RangeError(`Avro long ${n} does not fit a JavaScript number; generate with long: bigint`);
      return Number(n);
    },
    _write(tap: Tap, n: unknown) {
      if (!isValid(n)) throw new Error(`invalid long: ${String(n)}`);
      if (big) writeBigLong(tap, n as bigint);
      else if (Math.abs(n as number) <= 2 ** 52) tap.writeLong(n as number);
      else writeBigLong(tap, BigInt(n as number));
    },
  });
  return Object.freeze(t);
}

const longTypes: Record<LongMode, avro.Type> = { bigint: longType('bigint'), number: longType('number') };

// `["null", T]` with the null branch at n: the plain value in avsc too, no wrapper objects.
const Unwrapped = avro.types.UnwrappedUnionType as unknown as new (schema: unknown, opts: unknown) => Any;
const nullable = (n: number) =>
  class extends Unwrapped {
    _getIndex(v: unknown) {
      return v === null ? n : 1 - n;
    }
    _check(v: unknown, f: unknown, h: unknown, p: unknown) {
      return v === null || this.types[1 - n]._check(v, f, h, p);
    }
    _write(tap: Tap, v: unknown) {
      tap.writeLong(v === null ? n : 1 - n);
      if (v !== null) this.types[1 - n]._write(tap, v);
    }
  };
const NULLABLE = [nullable(0), nullable(1)];

// avsc's writers check what they write as isValid does, but a record's reads fields off
// anything: with this, a write that succeeds is of a valid value.
const RecordType = avro.types.RecordType as unknown as new (schema: unknown, opts: unknown) => Any;
class CheckedRecord extends RecordType {
  _createWriter() {
    const write = super._createWriter();
    return (tap: Tap, v: unknown) => {
      if (v === null || typeof v !== 'object') throw new Error(`invalid ${this.name}: not an object`);
      write(tap, v);
    };
  }
}

const logicalByMode: Record<LongMode, ReturnType<typeof logicalTypes>> = {
  bigint: logicalTypes('bigint'),
  number: logicalTypes('number'),
};

/** Builds a codec for one self-contained Avro schema (every named type defined inline). */
export function createAvroType<T = unknown, TInput = T>(schema: unknown, opts: AvroCodecOptions = {}): AvroCodec<T, TInput> {
  const long = opts.long ?? 'bigint';
  const logical = logicalByMode[long];
  const longType = longTypes[long];
  // avsc only swaps `long` through its registry for the bare string form, so a hook
  // catches `{ "type": "long" }` too. A logical type over long is seen twice: first to
  // build the logical type (left to avsc), then for its underlying long (ours).
  const seenLogical = new WeakSet<object>();
  const type = avro.Type.forSchema(avscSafeSchema(schema) as avro.Schema, {
    wrapUnions: true,
    logicalTypes: logical,
    typeHook: (s: unknown, o: unknown) => {
      if (s === 'long') return longType;
      if (Array.isArray(s)) {
        const n = s.indexOf('null');
        return s.length === 2 && n !== -1 && s[1 - n] !== 'null' ? new NULLABLE[n]!(s, o) : undefined;
      }
      const t = (s as { type?: unknown })?.type;
      if (t === 'record' || t === 'error') return new CheckedRecord(s, o);
      if (t === 'enum') {
        // Own symbols only (avsc's lookup object would take `toString`).
        const t = new avro.types.EnumType(s as avro.Schema, o) as Any;
        Object.setPrototypeOf(t._indices, null);
        return t;
      }
      if (typeof s !== 'object' || s === null || (s as { type?: unknown }).type !== 'long') return undefined;
      const logicalType = (s as { logicalType?: unknown }).logicalType;
      if (typeof logicalType === 'string' && logical[logicalType] && !seenLogical.has(s)) {
        seenLogical.add(s);
        return undefined;
      }
      return longType;
    },
  } as never);
  return new Codec<T, TInput>(type, schema, long);
}

// Names objects inherit (constructor, __proto__, ...) break avsc as field names or symbols (it
// keeps them in plain objects): they are renamed for avsc only (names never reach the wire;
// both sides of a resolution are renamed alike) and mapped back at the edges.
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));
const AVSC_PREFIX = '__kafkagen_';

function avscName(name: string): string {
  return INHERITED.has(name) ? AVSC_PREFIX + name : name;
}

function jsName(name: string): string {
  return name.startsWith(AVSC_PREFIX) && INHERITED.has(name.slice(AVSC_PREFIX.length)) ? name.slice(AVSC_PREFIX.length) : name;
}

const PRIMITIVE_NAMES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** The schema avsc is given: inherited field names and enum symbols renamed, defaults included. */
function avscSafeSchema(schema: unknown): unknown {
  const text = JSON.stringify(schema);
  if (![...INHERITED].some((n) => text.includes(`"${n}"`))) return schema;
  const named = new Map<string, Obj>(); // full name -> original definition
  const qualify = (name: string, ns: string): string => (name.includes('.') || !ns || PRIMITIVE_NAMES.has(name) ? name : `${ns}.${name}`);
  const defineName = (s: Obj, ns: string): { full: string; ns: string } => {
    const full = qualify(s.name as string, typeof s.namespace === 'string' ? s.namespace : ns);
    named.set(full, s);
    return { full, ns: full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '' };
  };
  const walkType = (s: unknown, ns: string): unknown => {
    if (Array.isArray(s)) return s.map((b) => walkType(b, ns));
    if (!isObj(s)) return s;
    if (s.type === 'enum') {
      defineName(s, ns);
      return withProps(s, { symbols: (s.symbols as string[]).map(avscName), ...(typeof s.default === 'string' ? { default: avscName(s.default) } : {}) });
    }
    if (s.type === 'record' || s.type === 'error') {
      const inner = defineName(s, ns).ns;
      const fields = (s.fields as Obj[]).map((f) => {
        const extra: Obj = { name: avscName(f.name as string), type: walkType(f.type, inner) };
        if (Array.isArray(f.aliases)) extra.aliases = f.aliases.map((a) => avscName(a as string));
        if ('default' in f) extra.default = walkDefault(f.type, f.default, inner);
        return withProps(f, extra);
      });
      return withProps(s, { fields });
    }
    if (s.type === 'fixed') defineName(s, ns);
    if (s.type === 'array') return withProps(s, { items: walkType(s.items, ns) });
    if (s.type === 'map') return withProps(s, { values: walkType(s.values, ns) });
    if (isObj(s.type) || Array.isArray(s.type)) return withProps(s, { type: walkType(s.type, ns) });
    return s;
  };
  const walkDefault = (t: unknown, value: unknown, ns: string): unknown => {
    if (typeof t === 'string') {
      const def = named.get(qualify(t, ns));
      return def ? walkDefault(def, value, ns) : value;
    }
    if (Array.isArray(t)) return walkDefault(t[0], value, ns); // a union's default is of its first branch
    if (!isObj(t)) return value;
    if (t.type === 'enum') return typeof value === 'string' ? avscName(value) : value;
    if ((t.type === 'record' || t.type === 'error') && isObj(value)) {
      const inner = qualify(t.name as string, typeof t.namespace === 'string' ? t.namespace : ns);
      const innerNs = inner.includes('.') ? inner.slice(0, inner.lastIndexOf('.')) : '';
      const out: Obj = {};
      for (const f of t.fields as Obj[]) {
        const k = f.name as string;
        if (Object.prototype.hasOwnProperty.call(value, k)) define(out, avscName(k), walkDefault(f.type, value[k], innerNs));
      }
      return out;
    }
    if (t.type === 'array' && Array.isArray(value)) return value.map((v) => walkDefault(t.items, v, ns));
    if (t.type === 'map' && isObj(value)) {
      const out: Obj = {};
      for (const [k, v] of Object.entries(value)) define(out, k, walkDefault(t.values, v, ns));
      return out;
    }
    if (isObj(t.type) || Array.isArray(t.type)) return walkDefault(t.type, value, ns);
    return value;
  };
  return walkType(schema, '');
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Sets a property without ever invoking the `__proto__` setter. */
function define(target: Obj, key: string, value: unknown): void {
  // Plain assignment is much faster; only `__proto__` would hit the prototype setter.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function withProps(base: Obj, extra: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(base)) define(out, k, v);
  for (const [k, v] of Object.entries(extra)) define(out, k, v);
  return out;
}

/** Stands in for an enum value that is not one of its symbols, so avsc reports it invalid. */
class NotASymbol {
  constructor(readonly value: unknown) {}
}

class Codec<T, TInput> implements AvroCodec<T, TInput> {
  private readonly toTagged: Convert;
  private readonly toWrapped: Convert;
  private readonly resolvers = new WeakMap<avro.Type, avro.Resolver>();
  private last: [avro.Type, avro.Resolver] | undefined; // the usual case: one writer

  constructor(
    readonly type: avro.Type,
    readonly schema: unknown,
    readonly long: LongMode,
  ) {
    const converters = new Converters();
    this.toTagged = converters.tagged(type);
    this.toWrapped = converters.wrapped(type);
  }

  encode(value: TInput): Buffer {
    try {
      // The write is the check (CheckedRecord); the full one runs only on failure.
      return this.type.toBuffer(this.toWrapped(value));
    } catch (e) {
      const result = this.validate(value);
      if (result.ok) throw e;
      throw validationError(`${this.type.name ?? this.type.typeName} (Avro)`, result.errors);
    }
  }

  decode(buf: Buffer, writer?: AvroCodec<unknown, unknown>): T {
    if (!writer || writer.type === this.type) return this.toTagged(this.type.fromBuffer(buf)) as T;
    let resolver = writer.type === this.last?.[0] ? this.last[1] : this.resolvers.get(writer.type);
    if (!resolver) this.resolvers.set(writer.type, (resolver = this.type.createResolver(writer.type)));
    if (this.last?.[0] !== writer.type) this.last = [writer.type, resolver];
    return this.toTagged(this.type.fromBuffer(buf, resolver)) as T;
  }

  validate(value: unknown): ValidationResult<TInput> {
    const issues: ValidationIssue[] = [];
    try {
      const wrapped = this.toWrapped(value);
      // The common case first: avsc's check without an error hook is its fast path.
      if (this.type.isValid(wrapped)) return { ok: true, value: value as TInput };
      this.type.isValid(wrapped, {
        errorHook: (path: string[], val: unknown, type: avro.Type) => {
          issues.push({ path: toPointer(taggedPath(this.type, path)), message: describeMismatch(val, type) });
        },
      });
    } catch (e) {
      // avsc's checks assume JSON-like values (a Symbol makes `x | 0` throw): still an answer.
      issues.push({ path: '', message: `cannot be checked against ${this.type.name ?? this.type.typeName}: ${(e as Error).message}` });
    }
    return issues.length === 0 ? { ok: true, value: value as TInput } : { ok: false, errors: issues };
  }

  is(value: unknown): value is TInput {
    return this.type.isValid(this.toWrapped(value));
  }

  random(): T {
    return this.toTagged(this.type.random()) as T;
  }
}

type Convert = (value: unknown) => unknown;
const identity: Convert = (v) => v;

type Direction = 'tagged' | 'wrapped';

/**
 * Compiles tagged <-> wrapped converters per avsc type, once, with recursion handled. Only
 * what needs converting is visited: wrapped unions and renamed names.
 */
class Converters {
  private readonly needsCache = { tagged: new Map<avro.Type, boolean>(), wrapped: new Map<avro.Type, boolean>() };
  private readonly cache = { tagged: new Map<avro.Type, Convert>(), wrapped: new Map<avro.Type, Convert>() };

  needs(type: avro.Type, dir: Direction, visiting = new Set<avro.Type>()): boolean {
    const known = this.needsCache[dir].get(type);
    if (known !== undefined) return known;
    if (visiting.has(type)) return false; // a cycle adds nothing a branch of it does not
    visiting.add(type);
    let result = false;
    if (isUnion(type)) result = !isNullable(type) || this.needs(valueBranch(type), dir, visiting);
    else if (type.typeName === 'enum') result = symbolsOf(type).some((s) => s !== jsName(s));
    else if (isRecord(type)) result = fieldsOf(type).some((f) => f.name !== jsName(f.name) || this.needs(f.type, dir, visiting));
    else if (type.typeName === 'array') result = this.needs(itemsOf(type), dir, visiting);
    else if (type.typeName === 'map') result = this.needs(valuesOf(type), dir, visiting);
    visiting.delete(type);
    if (visiting.size === 0 || result) this.needsCache[dir].set(type, result);
    return result;
  }

  tagged(type: avro.Type): Convert {
    return this.compile(type, 'tagged');
  }

  wrapped(type: avro.Type): Convert {
    return this.compile(type, 'wrapped');
  }

  private compile(type: avro.Type, dir: Direction): Convert {
    if (!this.needs(type, dir)) return identity;
    const cache = this.cache[dir];
    const cached = cache.get(type);
    if (cached) return cached;
    // Recursive types refer back to themselves: hand out a forwarder first.
    let target: Convert = identity;
    cache.set(type, (v) => target(v));
    target = dir === 'tagged' ? this.buildTagged(type) : this.buildWrapped(type);
    cache.set(type, target);
    return target;
  }

  private buildTagged(type: avro.Type): Convert {
    if (isRecord(type)) return this.mapFields(type, 'tagged');
    if (type.typeName === 'array') return mapArray(this.tagged(itemsOf(type)));
    if (type.typeName === 'map') return mapValues(this.tagged(valuesOf(type)));
    if (type.typeName === 'enum') return (v) => (typeof v === 'string' ? jsName(v) : v);
    if (isNullable(type)) return nullOr(this.tagged(valueBranch(type)));
    const branches = branchesOf(type);
    const tags = unionTags(branches);
    const byName = new Map(branches.map((b) => [b.branchName!, { convert: this.tagged(b), tag: tags.get(b) }]));
    return (v) => {
      if (v === null || typeof v !== 'object') return v;
      const name = Object.keys(v)[0]!;
      const branch = byName.get(name);
      if (!branch) return v;
      const inner = branch.convert((v as Record<string, unknown>)[name]);
      if (branch.tag === undefined) return inner;
      return { [TYPE_TAG]: branch.tag, ...(inner as Obj) };
    };
  }

  private buildWrapped(type: avro.Type): Convert {
    if (isRecord(type)) return this.mapFields(type, 'wrapped');
    if (type.typeName === 'array') return mapArray(this.wrapped(itemsOf(type)));
    if (type.typeName === 'map') return mapValues(this.wrapped(valuesOf(type)));
    if (type.typeName === 'enum') {
      const symbols = new Set(symbolsOf(type).map(jsName));
      return (v) => (typeof v === 'string' && symbols.has(v) ? avscName(v) : new NotASymbol(v));
    }
    if (isNullable(type)) return nullOr(this.wrapped(valueBranch(type)));
    const branches = branchesOf(type);
    const tags = unionTags(branches);
    const byTag = new Map<string, { name: string; convert: Convert }>();
    for (const [branch, tag] of tags) byTag.set(tag, { name: branch.branchName!, convert: this.wrapped(branch) });
    const hasNull = branches.some((b) => b.typeName === 'null');
    const candidates = branches
      .filter((b) => b.typeName !== 'null')
      .map((b) => ({ type: b, name: b.branchName!, convert: this.wrapped(b) }));
    return (v) => {
      if (v === null) return hasNull ? null : v;
      if (isTaggedRecord(v)) {
        const branch = byTag.get(v[TYPE_TAG] as string);
        if (!branch) return v; // unknown tag: left as is so validation reports it here
        const { [TYPE_TAG]: _tag, ...rest } = v;
        return { [branch.name]: branch.convert(rest) };
      }
      if (candidates.length === 1) return { [candidates[0]!.name]: candidates[0]!.convert(v) };
      for (const c of candidates) {
        const converted = c.convert(v);
        if (c.type.isValid(converted)) return { [c.name]: converted };
      }
      return v;
    };
  }

  private mapFields(type: avro.Type, dir: Direction): Convert {
    const converting = fieldsOf(type)
      .filter((f) => f.name !== jsName(f.name) || this.needs(f.type, dir))
      .map((f) => ({ avsc: f.name, js: jsName(f.name), convert: this.compile(f.type, dir) }));
    return (v) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
      const src = v as Obj;
      // Object spread defines own data properties, so a `__proto__` key stays data.
      const out: Obj = { ...src };
      for (const f of converting) {
        const [from, into] = dir === 'wrapped' ? [f.js, f.avsc] : [f.avsc, f.js];
        // Own properties only: an inherited `constructor` is not a field value.
        const value = Object.prototype.hasOwnProperty.call(src, from) ? src[from] : undefined;
        if (from !== into) delete out[from];
        define(out, into, value === undefined ? undefined : f.convert(value));
      }
      return out;
    };
  }
}

/**
 * The `$type` tag of each record branch of a union, for unions with two or more non-null
 * branches. A record's short name is its tag unless two branches share it; then the full
 * name is. The generator imports this so types and runtime agree.
 */
export function unionTags(branches: readonly avro.Type[]): Map<avro.Type, string> {
  const tags = new Map<avro.Type, string>();
  const nonNull = branches.filter((b) => b.typeName !== 'null');
  if (nonNull.length < 2) return tags;
  const records = nonNull.filter(isRecord);
  const byName = recordTags(records.map((r) => r.name!));
  for (const r of records) tags.set(r, byName.get(r.name!)!);
  return tags;
}

/**
 * The tag of each record (by full name) among one union's record branches: the short name,
 * or the full name where two branches share a short name. Pure, so the generator uses it too.
 */
export function recordTags(fullNames: readonly string[]): Map<string, string> {
  const shorts = fullNames.map(shortName);
  return new Map(fullNames.map((n, i) => [n, shorts.filter((s) => s === shorts[i]).length > 1 ? n : shorts[i]!]));
}

export function shortName(fullName: string): string {
  const dot = fullName.lastIndexOf('.');
  return dot === -1 ? fullName : fullName.slice(dot + 1);
}

/** Turns avsc's wrapped-union error path into the path of the tagged value. */
function taggedPath(root: avro.Type, path: readonly string[]): string[] {
  const out: string[] = [];
  let type: avro.Type | undefined = root;
  for (const segment of path) {
    if (!type) {
      out.push(segment);
      continue;
    }
    type = unwrapLogical(type);
    if (isNullable(type)) type = unwrapLogical(valueBranch(type)); // no path level
    if (isUnion(type)) {
      // avsc names the branch; the tagged value has no such level.
      type = branchesOf(type).find((b) => b.branchName === segment);
      continue;
    }
    out.push(isRecord(type) ? jsName(segment) : segment);
    if (isRecord(type)) type = fieldsOf(type).find((f) => f.name === segment)?.type;
    else if (type.typeName === 'array') type = itemsOf(type);
    else if (type.typeName === 'map') type = valuesOf(type);
    else type = undefined;
  }
  return out;
}

function describeMismatch(val: unknown, type: avro.Type): string {
  if (val === undefined) return 'is required';
  if (val instanceof NotASymbol) return `expected ${describeType(type)}, got ${describeValue(val.value)}`;
  return `expected ${describeType(type)}, got ${describeValue(val)}`;
}

function describeType(type: avro.Type): string {
  const name = type.typeName;
  if (name === 'abstract:long') return 'a long (bigint, or a safe integer number with long: number)';
  if (name === 'logical:timestamp-millis' || name === 'logical:local-timestamp-millis') return 'a valid Date';
  if (name === 'logical:date') return "a date string 'YYYY-MM-DD'";
  if (name === 'logical:uuid') return 'a UUID string';
  if (name === 'logical:decimal') {
    const d = type as unknown as { precision: number; scale: number };
    return `a decimal string with at most ${d.precision} digits and ${d.scale} after the point`;
  }
  if (name === 'enum') return `one of ${symbolsOf(type).map((s) => JSON.stringify(jsName(s))).join(', ')}`;
  if (name === 'fixed') return `a Buffer of ${(type as avro.types.FixedType).size} bytes`;
  if (name === 'bytes') return 'a Buffer';
  if (name === 'int') return 'a 32-bit integer';
  if (name === 'float' || name === 'double') return 'a number';
  if (name === 'null') return 'null';
  if (isRecord(type)) return `a ${type.name} record`;
  if (isUnion(type)) {
    const tags = [...unionTags(branchesOf(type)).values()];
    const tagHint = tags.length > 0 ? ` (records need ${TYPE_TAG}: ${tags.map((t) => JSON.stringify(t)).join(' | ')})` : '';
    return `one of ${branchesOf(type).map((b) => b.branchName).join(' | ')}${tagHint}`;
  }
  if (name === 'array') return 'an array';
  if (name === 'map') return 'an object (map)';
  return `a ${name}`;
}

function describeValue(val: unknown): string {
  if (val === null) return 'null';
  if (Array.isArray(val)) return 'an array';
  if (Buffer.isBuffer(val)) return `a Buffer of ${val.length} bytes`;
  if (val instanceof Date) return Number.isNaN(val.getTime()) ? 'an invalid Date' : 'a Date';
  if (typeof val === 'object') return 'an object';
  if (typeof val === 'string') return `string ${JSON.stringify(val.length > 40 ? val.slice(0, 40) + '…' : val)}`;
  if (typeof val === 'bigint') return `bigint ${val}n`;
  return `${typeof val} ${String(val)}`;
}

function isTaggedRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && TYPE_TAG in v;
}

function mapArray(convert: Convert): Convert {
  return (v) => (Array.isArray(v) ? v.map(convert) : v);
}

function mapValues(convert: Convert): Convert {
  return (v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const out: Obj = {};
    for (const [k, val] of Object.entries(v)) define(out, k, convert(val));
    return out;
  };
}

function symbolsOf(type: avro.Type): string[] {
  return (type as avro.types.EnumType).symbols as string[];
}

function unwrapLogical(type: avro.Type): avro.Type {
  return type.typeName.startsWith('logical:') ? (type as avro.types.LogicalType).underlyingType : type;
}

function isUnion(type: avro.Type): boolean {
  return type.typeName.startsWith('union');
}

function isNullable(type: avro.Type): boolean {
  return type.typeName === 'union:unwrapped';
}

function valueBranch(type: avro.Type): avro.Type {
  return branchesOf(type).find((b) => b.typeName !== 'null')!;
}

function nullOr(convert: Convert): Convert {
  return (v) => (v === null ? v : convert(v));
}

function isRecord(type: avro.Type): boolean {
  return type.typeName === 'record' || type.typeName === 'error';
}

function fieldsOf(type: avro.Type): Array<{ name: string; type: avro.Type }> {
  return (type as avro.types.RecordType).fields as Array<{ name: string; type: avro.Type }>;
}

function itemsOf(type: avro.Type): avro.Type {
  return (type as avro.types.ArrayType).itemsType as avro.Type;
}

function valuesOf(type: avro.Type): avro.Type {
  return (type as avro.types.MapType).valuesType as avro.Type;
}

function branchesOf(type: avro.Type): avro.Type[] {
  return (type as avro.types.WrappedUnionType).types as avro.Type[];
}
