// The compatibility engine beyond the pairs table: exact reasons, references, recursion,
// transitive and FULL reporting, and bad input.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCompatibility, isCompatError, type CheckInput } from '../../../generator/compat/index.js';

const repo = path.resolve(import.meta.dirname, '../../..');
const order = (fields: unknown[]) => ({ type: 'record', name: 'Order', namespace: 'shop', fields });

function codeOf(input: CheckInput): string | undefined {
  try {
    checkCompatibility(input);
    return undefined;
  } catch (e) {
    expect(isCompatError(e)).toBe(true);
    return (e as { code: string }).code;
  }
}

describe('Avro reasons', () => {
  it('names the field, the place in the candidate and the fix', () => {
    const r = checkCompatibility({
      format: 'AVRO',
      level: 'BACKWARD',
      previous: [order([{ name: 'id', type: 'string' }])],
      candidate: order([{ name: 'id', type: 'string' }, { name: 'total', type: 'long' }]),
    });
    expect(r).toEqual({
      compatible: false,
      reasons: [
        {
          path: 'fields[1]',
          rule: 'READER_FIELD_MISSING_DEFAULT_VALUE',
          message: 'field "total" was added without a default, so the new schema cannot read records the previous schema wrote without it',
          hint: 'give "total" a default (for an optional field: "type": ["null", ...] with "default": null)',
        },
      ],
    });
  });

  it('gives dotted field paths for nested records and says which direction breaks', () => {
    const meta = (fields: unknown[]) => ({ name: 'metadata', type: { type: 'record', name: 'Meta', fields } });
    const r = checkCompatibility({
      format: 'AVRO',
      level: 'FORWARD',
      previous: [order([meta([{ name: 'occurred_at', type: 'long' }])])],
      candidate: order([meta([{ name: 'occurred_at', type: 'string' }])]),
    });
    expect(r.reasons).toEqual([
      {
        path: 'fields[0].type.fields[0].type',
        rule: 'TYPE_MISMATCH',
        message: 'field "metadata.occurred_at" changed type from long to string; the previous schema cannot read string',
        hint: 'only int -> long -> float -> double and string <-> bytes are promotions; add a new field (with a default) for the new type instead',
      },
    ]);
  });

  it('reports a change that breaks both ways once under FULL', () => {
    const r = checkCompatibility({ format: 'AVRO', level: 'FULL', previous: [order([{ name: 'n', type: 'int' }])], candidate: order([{ name: 'n', type: 'string' }]) });
    expect(r.reasons.map((x) => [x.rule, x.path])).toEqual([['TYPE_MISMATCH', 'fields[0].type']]);
  });

  it('says which earlier versions a transitive break is against', () => {
    const v = (fields: unknown[]) => order([{ name: 'id', type: 'string' }, ...fields]);
    const r = checkCompatibility({
      format: 'AVRO',
      level: 'BACKWARD_TRANSITIVE',
      previous: [v([]), v([{ name: 'c', type: 'string', default: 'x' }]), v([{ name: 'c', type: 'string', default: 'y' }])],
      candidate: v([{ name: 'c', type: 'string' }]),
    });
    expect(r.reasons).toHaveLength(1);
    expect(r.reasons[0]!.message).toMatch(/\(breaks against version 1 of 3\)$/);
    const backward = checkCompatibility({ format: 'AVRO', level: 'BACKWARD', previous: [v([]), v([{ name: 'c', type: 'string', default: 'x' }])], candidate: v([{ name: 'c', type: 'string' }]) });
    expect(backward.compatible).toBe(true);
  });

  it('resolves named types from references and points into them', () => {
    const address = (zip: string) => ({ type: 'record', name: 'Address', namespace: 'shop.common', fields: [{ name: 'zip', type: zip }] });
    const customer = { type: 'record', name: 'Customer', namespace: 'shop', fields: [{ name: 'home', type: 'shop.common.Address' }] };
    const r = checkCompatibility({
      format: 'AVRO',
      level: 'BACKWARD',
      previous: [customer],
      previousReferences: [{ 'shop.common.Address': address('string') }],
      candidate: customer,
      references: { 'shop.common.Address': address('int') },
    });
    expect(r.reasons.map((x) => [x.rule, x.path])).toEqual([['TYPE_MISMATCH', 'shop.common.Address#fields[0].type']]);
    expect(r.reasons[0]!.message).toContain('field "home.zip"');
  });

  it('accepts a candidate given by name, and checks mutually recursive types without looping', () => {
    const a = (extra: unknown[]) => ({ type: 'record', name: 'A', namespace: 'g', fields: [{ name: 'b', type: ['null', { type: 'record', name: 'B', fields: [{ name: 'a', type: ['null', 'A'], default: null }, ...extra] }], default: null }] });
    expect(checkCompatibility({ format: 'AVRO', level: 'FULL_TRANSITIVE', previous: [a([])], candidate: 'g.A', references: { 'g.A': a([{ name: 'w', type: 'int', default: 0 }]) } }).compatible).toBe(true);
    const r = checkCompatibility({ format: 'AVRO', level: 'BACKWARD', previous: [a([])], candidate: a([{ name: 'w', type: 'int' }]) });
    expect(r.reasons.map((x) => [x.rule, x.path])).toEqual([['READER_FIELD_MISSING_DEFAULT_VALUE', 'fields[0].type[1].fields[1]']]);
  });

  it('finds every example schema compatible with itself (references across files)', () => {
    const dir = path.join(repo, 'schemas/chipquality');
    const refs: Record<string, unknown> = {};
    const records: string[] = [];
    for (const f of readdirSync(dir)) {
      for (const t of JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Array<{ name: string; namespace?: string; type: string }>) {
        const full = t.name.includes('.') ? t.name : `${t.namespace}.${t.name}`;
        refs[full] = t;
        if (t.type === 'record') records.push(full);
      }
    }
    expect(records.length).toBeGreaterThan(10);
    for (const r of records) expect(checkCompatibility({ format: 'AVRO', level: 'FULL_TRANSITIVE', candidate: r, previous: [r, r], references: refs }).reasons, r).toEqual([]);
  });

  it('refuses schemas that are not valid Avro, and unknown names', () => {
    expect(codeOf({ format: 'AVRO', level: 'BACKWARD', previous: [], candidate: order([{ name: 'x', type: ['null', 'string'], default: 'a' }]) })).toBe('SCHEMA_INVALID');
    expect(codeOf({ format: 'AVRO', level: 'BACKWARD', previous: [], candidate: order([{ name: 'x', type: 'shop.Missing' }]) })).toBe('REF_UNRESOLVED');
    expect(codeOf({ format: 'AVRO', level: 'BACKWARD', previous: [{ type: 'nope' }], candidate: 'string' })).toBe('REF_UNRESOLVED');
  });
});

describe('JSON Schema reasons', () => {
  const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, ...extra });

  it('names nested properties with a dotted path', () => {
    const meta = (required: string[]) => obj({ metadata: obj({ source: { type: 'string' }, occurred_at: { type: 'string' } }, { required }) });
    const r = checkCompatibility({ format: 'JSON', level: 'BACKWARD', previous: [meta(['source'])], candidate: meta(['source', 'occurred_at']) });
    expect(r.reasons).toEqual([
      {
        path: 'properties.metadata.required',
        rule: 'REQUIRED_ATTRIBUTE_ADDED',
        message: 'property "metadata.occurred_at" became required, so the new schema rejects data without it',
        hint: 'keep it optional, or give it a "default"',
      },
    ]);
  });

  it('compares recursive $ref schemas without looping, and finds a change inside the recursion', () => {
    const tree = (maxLength: number) => ({
      $ref: '#/$defs/node',
      $defs: { node: obj({ name: { type: 'string', maxLength }, children: { type: 'array', items: { $ref: '#/$defs/node' } } }) },
    });
    expect(checkCompatibility({ format: 'JSON', level: 'FULL', previous: [tree(10)], candidate: tree(10) }).compatible).toBe(true);
    const r = checkCompatibility({ format: 'JSON', level: 'BACKWARD', previous: [tree(10)], candidate: tree(5) });
    expect(r.reasons.map((x) => [x.rule, x.path])).toEqual([['MAX_LENGTH_DECREASED', '$defs.node.properties.name.maxLength']]);
  });

  it('sees through $ref and allOf to name the bound that changed, not "allOf" as a type', () => {
    const uuid = { type: 'string', minLength: 36, maxLength: 36, format: 'uuid' };
    const wrapped = obj({ event_id: { allOf: [{ $ref: '#/$defs/Uuid' }] } }, { $defs: { Uuid: uuid } });
    const plain = obj({ event_id: { type: 'string' } });
    const r = checkCompatibility({ format: 'JSON', level: 'FORWARD', previous: [wrapped], candidate: plain });
    expect(r.reasons).toEqual([
      {
        path: 'properties.event_id.maxLength',
        rule: 'MAX_LENGTH_ADDED',
        message: 'property "event_id": maxLength 36 was removed, so the previous schema rejects values the new schema accepts',
        hint: 'keep maxLength at 36 or tighten it: consumers on the previous schema must accept everything the new schema allows',
      },
      {
        path: 'properties.event_id.minLength',
        rule: 'MIN_LENGTH_ADDED',
        message: 'property "event_id": minLength 36 was removed, so the previous schema rejects values the new schema accepts',
        hint: 'keep minLength at 36 or tighten it: consumers on the previous schema must accept everything the new schema allows',
      },
    ]);
    expect(checkCompatibility({ format: 'JSON', level: 'BACKWARD', previous: [wrapped], candidate: plain }).compatible).toBe(true);
    // an allOf whose members merge (a type, a bound, a $ref) against a plain schema with other bounds
    const merged = obj({ n: { allOf: [{ type: 'integer' }, { minimum: 0 }, { $ref: '#/$defs/Max' }] } }, { $defs: { Max: { maximum: 10 } } });
    const narrowed = checkCompatibility({ format: 'JSON', level: 'BACKWARD', previous: [obj({ n: { type: 'integer', minimum: 0 } })], candidate: merged });
    expect(narrowed.reasons.map((x) => [x.rule, x.path, x.message])).toEqual([['MAXIMUM_ADDED', 'properties.n.maximum', 'property "n": maximum 10 was added, so the new schema rejects values the previous schema accepts']]);
    // types that differ are still a type change, said in types
    const toInt = checkCompatibility({ format: 'JSON', level: 'BACKWARD', previous: [wrapped], candidate: obj({ event_id: { type: 'integer' } }) });
    expect(toInt.reasons.map((x) => [x.rule, x.message])).toEqual([['TYPE_CHANGED', 'property "event_id": type changed from "string" to "integer", so the new schema rejects string values the previous schema accepts']]);
  });

  it('keeps the registry\'s TYPE_CHANGED for a wrapper that accepts the same values, and says so', () => {
    const inline = obj({ id: { type: 'string', maxLength: 36 } });
    const wrapper = obj({ id: { allOf: [{ type: 'string' }, { maxLength: 36 }] } });
    const r = checkCompatibility({ format: 'JSON', level: 'BACKWARD', previous: [inline], candidate: wrapper });
    expect(r.compatible).toBe(false);
    expect(r.reasons).toHaveLength(1);
    expect(r.reasons[0]!.rule).toBe('TYPE_CHANGED');
    expect(r.reasons[0]!.message).toBe(
      'property "id": written as string in the previous schema and as allOf [string, string] in the new schema; the new schema accepts every value the previous schema accepts, but the registry\'s rules (Confluent\'s and Apicurio\'s) compare an allOf / anyOf / oneOf with a plain schema as a type change',
    );
    expect(r.reasons[0]!.hint).toContain('keep or drop the wrapper in both');
  });

  it('resolves $refs into other documents by the URI as written, or through $id', () => {
    const common = (type: string) => ({ $id: 'https://example.com/schemas/common.json', $defs: { Id: { type } } });
    const event = { $id: 'https://example.com/schemas/orders/event.json', type: 'object', properties: { id: { $ref: '../common.json#/$defs/Id' } } };
    const written = checkCompatibility({ format: 'JSON', level: 'BACKWARD', previous: [event], previousReferences: [{ '../common.json': common('string') }], candidate: event, references: { '../common.json': common('integer') } });
    expect(written.reasons.map((x) => [x.rule, x.path])).toEqual([['TYPE_CHANGED', '../common.json#$defs.Id']]);
    const byId = checkCompatibility({ format: 'JSON', level: 'BACKWARD', previous: [event], previousReferences: [{ 'https://example.com/schemas/common.json': common('string') }], candidate: event, references: { anything: common('string') } });
    expect(byId.compatible).toBe(true);
  });

  it('finds every example schema compatible with itself', () => {
    const dir = path.join(repo, 'schemas/ownlens');
    const common = JSON.parse(readFileSync(path.join(dir, 'common.schema.json'), 'utf8')) as unknown;
    let n = 0;
    for (const sub of readdirSync(dir, { withFileTypes: true })) {
      if (!sub.isDirectory()) continue;
      for (const f of readdirSync(path.join(dir, sub.name))) {
        const schema = JSON.parse(readFileSync(path.join(dir, sub.name, f), 'utf8')) as unknown;
        const r = checkCompatibility({ format: 'JSON', level: 'FULL_TRANSITIVE', candidate: schema, previous: [structuredClone(schema)], references: { '../common.schema.json': common } });
        expect(r.reasons, f).toEqual([]);
        n++;
      }
    }
    expect(n).toBeGreaterThan(5);
  });

  it('refuses dangling $refs, missing documents and unknown types', () => {
    expect(codeOf({ format: 'JSON', level: 'BACKWARD', previous: [], candidate: obj({ a: { $ref: '#/$defs/Nope' } }) })).toBe('REF_UNRESOLVED');
    expect(codeOf({ format: 'JSON', level: 'BACKWARD', previous: [], candidate: obj({ a: { $ref: 'other.json#/x' } }) })).toBe('REF_UNRESOLVED');
    expect(codeOf({ format: 'JSON', level: 'BACKWARD', previous: [], candidate: obj({ a: { type: 'text' } }) })).toBe('SCHEMA_INVALID');
    expect(codeOf({ format: 'JSON', level: 'BACKWARD', previous: [], candidate: 42 })).toBe('SCHEMA_INVALID');
  });
});

describe('levels and input', () => {
  const s = { type: 'string' };
  it('takes levels in any case and refuses unknown ones and formats', () => {
    expect(checkCompatibility({ format: 'AVRO', level: 'full_transitive', previous: [s], candidate: s }).compatible).toBe(true);
    expect(codeOf({ format: 'AVRO', level: 'SIDEWAYS', previous: [s], candidate: s })).toBe('CHECK_USAGE');
    expect(codeOf({ format: 'PROTOBUF' as 'AVRO', level: 'BACKWARD', previous: [s], candidate: s })).toBe('CHECK_USAGE');
  });

  it('treats a new subject and NONE as compatible, but still validates the candidate', () => {
    expect(checkCompatibility({ format: 'AVRO', level: 'BACKWARD', previous: [], candidate: s })).toEqual({ compatible: true, reasons: [] });
    expect(checkCompatibility({ format: 'AVRO', level: 'NONE', previous: [s], candidate: { type: 'int' } })).toEqual({ compatible: true, reasons: [] });
    expect(codeOf({ format: 'AVRO', level: 'NONE', previous: [], candidate: { type: 'record' } })).toBe('SCHEMA_INVALID');
  });
});
