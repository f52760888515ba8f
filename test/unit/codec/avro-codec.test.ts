// runtime/avro.ts and runtime/logical.ts: kafkagen's JavaScript representation of Avro
// values, checked against avsc itself as the independent decoder.
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { createAvroType } from '../../../runtime/avro.js';
import { isValidationError } from '../../../runtime/errors.js';
import { formatDecimal, parseDecimal } from '../../../runtime/logical.js';

const rec = (fields: unknown[], name = 'com.t.R') => ({ type: 'record', name, fields });

describe('logical types', () => {
  const cases: Array<[string, unknown, unknown, unknown]> = [
    // [name, field schema, kafkagen value, what plain avsc decodes from the same bytes]
    ['timestamp-millis', { type: 'long', logicalType: 'timestamp-millis' }, new Date(1_700_000_000_123), 1_700_000_000_123],
    ['local-timestamp-millis', { type: 'long', logicalType: 'local-timestamp-millis' }, new Date(86_400_000), 86_400_000],
    ['timestamp-micros as bigint', { type: 'long', logicalType: 'timestamp-micros' }, 1_700_000_000_123_456n, 1_700_000_000_123_456],
    ['date', { type: 'int', logicalType: 'date' }, '2024-02-29', 19782],
    ['time-millis', { type: 'int', logicalType: 'time-millis' }, 45_296_789, 45_296_789],
    ['uuid', { type: 'string', logicalType: 'uuid' }, '123e4567-e89b-12d3-a456-426614174000', '123e4567-e89b-12d3-a456-426614174000'],
    ['decimal bytes', { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 }, '-1234.50', Buffer.from([0xfe, 0x1d, 0xc6])],
    ['decimal fixed', { type: 'fixed', name: 'D', size: 4, logicalType: 'decimal', precision: 8, scale: 3 }, '1.500', Buffer.from([0, 0, 5, 0xdc])],
    ['long beyond 2^53', 'long', 9_007_199_254_740_993n, undefined],
  ];
  it.each(cases)('%s round-trips and matches plain avsc on the wire', (_n, field, value, plain) => {
    const schema = rec([{ name: 'v', type: field }]);
    const codec = createAvroType(schema);
    const buf = codec.encode({ v: value });
    expect((codec.decode(buf) as { v: unknown }).v).toEqual(value);
    if (plain !== undefined) expect(avro.Type.forSchema(schema as avro.Schema).fromBuffer(buf).v).toEqual(plain);
  });

  it('long: number refuses values a number cannot hold, on write and on read', () => {
    const schema = rec([{ name: 'v', type: 'long' }]);
    const asNumber = createAvroType(schema, { long: 'number' });
    expect(asNumber.validate({ v: 2 ** 53 }).ok).toBe(false);
    const big = createAvroType(schema).encode({ v: 2n ** 60n });
    expect(() => asNumber.decode(big)).toThrow(/does not fit a JavaScript number/);
    expect(asNumber.decode(asNumber.encode({ v: 42 }))).toEqual({ v: 42 });
  });

  it('decimal text is exact: too many fraction digits or too much precision is invalid, never rounded', () => {
    expect(parseDecimal('12.345', 5, 2)).toBeUndefined();
    expect(parseDecimal('1234.5', 5, 2)).toBeUndefined();
    expect(parseDecimal('-0.5', 5, 2)).toBe(-50n);
    expect(parseDecimal('007', 3, 0)).toBe(7n);
    expect(formatDecimal(-5n, 3)).toBe('-0.005');
    expect(formatDecimal(0n, 2)).toBe('0.00');
  });

  it('random() values are valid for every logical type', () => {
    const codec = createAvroType(rec(cases.map(([n, f], i) => ({ name: `f${i}`, type: typeof f === 'object' && f && 'name' in f ? { ...f, name: `D${i}` } : f, doc: n }))));
    for (let i = 0; i < 50; i++) expect(codec.validate(codec.random())).toEqual({ ok: true, value: expect.anything() });
  });
});

describe('unions', () => {
  const outcome = [rec([{ name: 'score', type: 'double' }], 'com.t.Pass'), rec([{ name: 'reason', type: 'string' }], 'com.t.Fail')];
  const schema = rec([
    { name: 'opt', type: ['null', 'string'], default: null },
    { name: 'many', type: ['null', 'string', 'long', 'double'] },
    { name: 'outcome', type: outcome },
  ]);
  const codec = createAvroType<Record<string, unknown>>(schema);

  it('holds plain branch values and tags records in multi-branch unions with $type', () => {
    const value = { opt: 'x', many: 3n, outcome: { $type: 'Fail', reason: 'scratch' } };
    expect(codec.decode(codec.encode(value))).toEqual(value);
    expect(codec.decode(codec.encode({ ...value, many: 2.5 })).many).toBe(2.5);
    expect(codec.decode(codec.encode({ ...value, many: null })).many).toBeNull();
  });

  it('fills a defaulted field the producer left out', () => {
    expect(codec.decode(codec.encode({ many: 'a', outcome: { $type: 'Pass', score: 1 } } as never))).toEqual({ opt: null, many: 'a', outcome: { $type: 'Pass', score: 1 } });
  });

  it('reports the path of a problem inside a union branch, without avsc branch names', () => {
    const r = codec.validate({ many: 'a', outcome: { $type: 'Pass', score: 'high' } });
    expect(r).toEqual({ ok: false, errors: [{ path: '/outcome/score', message: 'expected a number, got string "high"' }] });
  });

  it('reports an unknown $type at the union', () => {
    const r = codec.validate({ many: 'a', outcome: { $type: 'Maybe', score: 1 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.path).toBe('/outcome');
    if (!r.ok) expect(r.errors[0]!.message).toMatch(/records need \$type: "Pass" \| "Fail"/);
  });

  it('writes what plain avsc reads as the same union branch', () => {
    const buf = codec.encode({ many: 7n, outcome: { $type: 'Pass', score: 0.5 } });
    const plain = avro.Type.forSchema(schema as avro.Schema, { wrapUnions: true }).fromBuffer(buf);
    expect(plain.outcome).toEqual({ 'com.t.Pass': { score: 0.5 } });
    expect(plain.many).toEqual({ long: 7 });
  });
});

describe('schema resolution', () => {
  const v1 = rec([{ name: 'id', type: 'string' }, { name: 'n', type: 'int' }]);
  const v2 = rec([
    { name: 'id', type: 'string' },
    { name: 'n', type: 'long' },
    { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
    { name: 'note', type: ['null', 'string'], default: null },
  ]);

  it('a v2 reader reads v1 bytes (promotion and defaults)', () => {
    const writer = createAvroType(v1);
    const reader = createAvroType(v2);
    expect(reader.decode(writer.encode({ id: 'a', n: 5 }), writer)).toEqual({ id: 'a', n: 5n, tags: [], note: null });
  });

  it('a v1 reader reads v2 bytes, skipping the new fields', () => {
    const writer = createAvroType(v2);
    const reader = createAvroType(v1);
    expect(() => reader.decode(writer.encode({ id: 'a', n: 5n, tags: ['x'], note: 'y' }), writer)).toThrow(); // long -> int is not allowed
    const v2int = rec([{ name: 'id', type: 'string' }, { name: 'n', type: 'int' }, { name: 'note', type: ['null', 'string'], default: null }]);
    const w2 = createAvroType(v2int);
    expect(reader.decode(w2.encode({ id: 'a', n: 5, note: 'y' }), w2)).toEqual({ id: 'a', n: 5 });
  });
});

describe('field names JavaScript objects inherit', () => {
  const codec = createAvroType(rec([
    { name: '__proto__', type: 'int' },
    { name: 'constructor', type: 'string', default: 'c' },
    { name: 'toString', type: ['null', 'int'], default: null },
  ]));

  it('round-trips __proto__ as an own property and never as the prototype', () => {
    const d = codec.decode(codec.encode(JSON.parse('{"__proto__": 5}'))) as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(d, '__proto__')?.value).toBe(5);
    expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
    expect(d.constructor).toBe('c');
    expect(d.toString).toBeNull();
  });

  it('does not mistake an inherited constructor for a field value', () => {
    expect(codec.validate(JSON.parse('{"__proto__": 1}')).ok).toBe(true);
    const r = codec.validate(JSON.parse('{"__proto__": "x"}'));
    expect(r).toEqual({ ok: false, errors: [{ path: '/__proto__', message: 'expected a 32-bit integer, got string "x"' }] });
  });
});

describe('encode of an invalid value', () => {
  it('throws VALIDATION_FAILED with every issue as a JSON Pointer, like the producer', () => {
    const codec = createAvroType({ type: 'record', name: 'com.x.Order', fields: [{ name: 'id', type: 'string' }, { name: 'items', type: { type: 'array', items: 'int' } }] }, { long: 'bigint' });
    let thrown: unknown;
    try {
      codec.encode({ id: 7, items: [1, 'two'] } as never);
    } catch (e) {
      thrown = e;
    }
    expect(isValidationError(thrown)).toBe(true);
    expect((thrown as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual(['/id', '/items/1']);
    expect((thrown as Error).message).toMatch(/^com\.x\.Order \(Avro\) is invalid: \/id: /);
  });
});
