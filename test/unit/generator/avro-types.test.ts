// Table-driven: one Avro construct per row, the exact TypeScript it becomes.
import { describe, expect, it } from 'vitest';
import { typeText, typesWithDistinctInput } from '../../../generator/emit/types.js';
import { loadAvro } from '../../support/schemas.js';

function fieldType(fieldSchema: unknown, direction: 'in' | 'out' = 'out', long: 'bigint' | 'number' = 'bigint', extra: unknown[] = []): string {
  const { types } = loadAvro({ 'a.avsc': [...extra, { type: 'record', name: 'com.t.R', fields: [{ name: 'f', type: fieldSchema }] }] }, long);
  const r = types.get('com.t.R')!;
  if (r.node.kind !== 'object') throw new Error('not a record');
  return typeText(r.node.fields[0]!.type, { direction, types, differs: typesWithDistinctInput({ types }), resolveName: (t, d) => (d === 'in' ? `${t.name}Input` : t.name) });
}

const cases: Array<[string, unknown, string, ('bigint' | 'number')?]> = [
  ['null', 'null', 'null'],
  ['boolean', 'boolean', 'boolean'],
  ['int', 'int', 'number'],
  ['long as bigint (default)', 'long', 'bigint'],
  ['long as number', 'long', 'number', 'number'],
  ['float', 'float', 'number'],
  ['double', 'double', 'number'],
  ['bytes', 'bytes', 'Buffer'],
  ['string', 'string', 'string'],
  ['object-form primitive', { type: 'string' }, 'string'],
  ['timestamp-millis', { type: 'long', logicalType: 'timestamp-millis' }, 'Date'],
  ['local-timestamp-millis', { type: 'long', logicalType: 'local-timestamp-millis' }, 'Date'],
  ['timestamp-micros follows long', { type: 'long', logicalType: 'timestamp-micros' }, 'bigint'],
  ['timestamp-micros as number', { type: 'long', logicalType: 'timestamp-micros' }, 'number', 'number'],
  ['time-micros', { type: 'long', logicalType: 'time-micros' }, 'bigint'],
  ['time-millis', { type: 'int', logicalType: 'time-millis' }, 'number'],
  ['date', { type: 'int', logicalType: 'date' }, 'string'],
  ['uuid', { type: 'string', logicalType: 'uuid' }, 'string'],
  ['decimal on bytes', { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 }, 'string'],
  ['decimal on fixed', { type: 'fixed', name: 'Money', size: 8, logicalType: 'decimal', precision: 12, scale: 4 }, 'Money'],
  ['unknown logical type falls back to its base', { type: 'string', logicalType: 'x-custom' }, 'string'],
  ['array', { type: 'array', items: 'string' }, 'string[]'],
  ['array of a union', { type: 'array', items: ['null', 'int'] }, 'Array<null | number>'],
  ['map', { type: 'map', values: 'long' }, 'Record<string, bigint>'],
  ['nested map of arrays', { type: 'map', values: { type: 'array', items: 'double' } }, 'Record<string, number[]>'],
  ['nullable', ['null', 'string'], 'null | string'],
  ['many-branch union', ['null', 'string', 'long', 'double'], 'null | string | bigint | number'],
  ['inline enum', { type: 'enum', name: 'Color', symbols: ['RED', 'GREEN'] }, 'Color'],
  ['inline record', { type: 'record', name: 'Inner', fields: [{ name: 'x', type: 'int' }] }, 'Inner'],
  ['union of records is tagged', [{ type: 'record', name: 'A', fields: [] }, { type: 'record', name: 'B', fields: [] }], '({ $type: "A" } & A) | ({ $type: "B" } & B)'],
  ['nullable record is not tagged', ['null', { type: 'record', name: 'A', fields: [] }], 'null | A'],
  ['record beside a primitive is tagged', ['string', { type: 'record', name: 'A', fields: [] }], 'string | ({ $type: "A" } & A)'],
  ['same short name in two namespaces: full-name tags and names', [{ type: 'record', name: 'x.A', fields: [] }, { type: 'record', name: 'y.A', fields: [] }], '({ $type: "x.A" } & XA) | ({ $type: "y.A" } & YA)'],
];

describe('Avro type mapping', () => {
  it.each(cases)('%s', (_name, schema, expected, long) => {
    expect(fieldType(schema, 'out', long ?? 'bigint')).toBe(expected);
  });

  it('uses the input form of a referenced record whose fields have defaults', () => {
    const inner = { type: 'record', name: 'com.t.Inner', fields: [{ name: 'x', type: 'int', default: 1 }] };
    expect(fieldType('Inner', 'out', 'bigint', [inner])).toBe('Inner');
    expect(fieldType('Inner', 'in', 'bigint', [inner])).toBe('InnerInput');
  });

  it('keeps the output form where the referenced type has no defaults anywhere', () => {
    const inner = { type: 'record', name: 'com.t.Inner', fields: [{ name: 'x', type: 'int' }] };
    expect(fieldType('Inner', 'in', 'bigint', [inner])).toBe('Inner');
  });
});
