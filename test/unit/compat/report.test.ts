// The check report: exact text, JSON and GitHub Actions output, and finding a schema path's line.
import { describe, expect, it } from 'vitest';
import { findLine, formatReport, parsePath, renderPath, type SubjectResult } from '../../../generator/compat/index.js';

const results: SubjectResult[] = [
  { subject: 'orders-value', file: 'schemas/orders.avsc', format: 'AVRO', level: 'BACKWARD', status: 'OK', reasons: [] },
  {
    subject: 'payments-value',
    file: 'schemas/payments.avsc',
    format: 'AVRO',
    level: 'FULL',
    status: 'BREAKING',
    reasons: [
      { path: 'fields[2]', message: 'field "currency" was added without a default', rule: 'READER_FIELD_MISSING_DEFAULT_VALUE', hint: 'give "currency" a default', line: 9 },
      { path: '', message: 'the schema changed type from string to int', rule: 'TYPE_MISMATCH', hint: 'keep string', line: 1 },
    ],
  },
  { subject: 'refunds-value', file: 'schemas/refunds.json', format: 'JSON', level: 'BACKWARD', status: 'ERROR', reasons: [], error: 'the new schema is not a JSON Schema\n  fix: use an object' },
];

describe('formatReport', () => {
  it('text: one line per subject, reasons and hints under breaking ones', () => {
    expect(formatReport(results, 'text')).toBe(
      [
        'OK  orders-value',
        'BREAKING  payments-value',
        '  fields[2]: field "currency" was added without a default (READER_FIELD_MISSING_DEFAULT_VALUE)',
        '    hint: give "currency" a default',
        '  (root): the schema changed type from string to int (TYPE_MISMATCH)',
        '    hint: keep string',
        'ERROR  refunds-value',
        '  the new schema is not a JSON Schema',
        '    fix: use an object',
      ].join('\n'),
    );
    expect(formatReport([results[0]!])).toBe('OK  orders-value');
  });

  it('json: every subject with status, reasons and lines', () => {
    const parsed = JSON.parse(formatReport(results, 'json')) as unknown;
    expect(parsed).toEqual({
      compatible: false,
      subjects: [
        { subject: 'orders-value', file: 'schemas/orders.avsc', format: 'AVRO', level: 'BACKWARD', status: 'OK', reasons: [] },
        {
          subject: 'payments-value',
          file: 'schemas/payments.avsc',
          format: 'AVRO',
          level: 'FULL',
          status: 'BREAKING',
          reasons: [
            { path: 'fields[2]', message: 'field "currency" was added without a default', rule: 'READER_FIELD_MISSING_DEFAULT_VALUE', hint: 'give "currency" a default', line: 9 },
            { path: '', message: 'the schema changed type from string to int', rule: 'TYPE_MISMATCH', hint: 'keep string', line: 1 },
          ],
        },
        { subject: 'refunds-value', file: 'schemas/refunds.json', format: 'JSON', level: 'BACKWARD', status: 'ERROR', reasons: [], error: 'the new schema is not a JSON Schema\n  fix: use an object' },
      ],
    });
    expect(JSON.parse(formatReport([results[0]!], 'json'))).toMatchObject({ compatible: true });
  });

  it('github: the text report, then an ::error annotation per reason, escaped', () => {
    const out = formatReport(results, 'github').split('\n');
    expect(out.slice(0, 9)).toEqual(formatReport(results, 'text').split('\n'));
    expect(out.slice(9)).toEqual([
      '::error file=schemas/payments.avsc,line=9::payments-value: fields[2]: field "currency" was added without a default (READER_FIELD_MISSING_DEFAULT_VALUE). Hint: give "currency" a default',
      '::error file=schemas/payments.avsc,line=1::payments-value: (root): the schema changed type from string to int (TYPE_MISMATCH). Hint: keep string',
      '::error file=schemas/refunds.json,line=1::refunds-value: could not check: the new schema is not a JSON Schema%0A  fix: use an object',
    ]);
    const odd: SubjectResult = { subject: 's', file: 'a,b:c.json', format: 'JSON', level: 'BACKWARD', status: 'BREAKING', reasons: [{ path: 'x', message: '100% off', rule: 'R', hint: '', line: 3 }] };
    expect(formatReport([odd], 'github').split('\n').at(-1)).toBe('::error file=a%2Cb%3Ac.json,line=3::s: x: 100%25 off (R)');
  });
});

describe('findLine', () => {
  const avsc = `{
  "type": "record",
  "name": "Order",
  "fields": [
    { "name": "id", "type": "string" },
    {
      "name": "lines",
      "type": {
        "type": "array",
        "items": { "type": "record", "name": "Line", "fields": [{ "name": "sku", "type": "string" }] }
      }
    },
    { "name": "note", "type": ["null", "string"], "default": null }
  ]
}`;

  it('finds object members by key and array elements by position', () => {
    expect(findLine(avsc, '')).toBe(1);
    expect(findLine(avsc, 'name')).toBe(3);
    expect(findLine(avsc, 'fields')).toBe(4);
    expect(findLine(avsc, 'fields[0].type')).toBe(5);
    expect(findLine(avsc, 'fields[1]')).toBe(6);
    expect(findLine(avsc, 'fields[1].type')).toBe(8);
    expect(findLine(avsc, 'fields[1].type.items')).toBe(10);
    expect(findLine(avsc, 'fields[1].type.items.fields[0].type')).toBe(10);
    expect(findLine(avsc, 'fields[2].type[1]')).toBe(13);
  });

  it('falls back to the nearest existing ancestor, and to line 1', () => {
    expect(findLine(avsc, 'fields[7].type')).toBe(4);
    expect(findLine(avsc, 'fields[1].type.symbols')).toBe(8);
    expect(findLine(avsc, 'com.x.Address#fields[0]')).toBe(1);
    expect(findLine('{ not json', 'fields[0]')).toBe(1);
    expect(findLine(avsc, 'not a [path')).toBe(1);
  });

  it('handles quoted keys and JSON Schema paths', () => {
    const json = '{\n  "properties": {\n    "a.b": {\n      "type": "string",\n      "maxLength": 3\n    }\n  }\n}\n';
    expect(findLine(json, 'properties["a.b"].maxLength')).toBe(5);
    expect(renderPath(['properties', 'a.b', 'maxLength'])).toBe('properties["a.b"].maxLength');
    expect(parsePath('properties["a.b"].maxLength')).toEqual(['properties', 'a.b', 'maxLength']);
    expect(parsePath('$defs.Money.items[2]')).toEqual(['$defs', 'Money', 'items', 2]);
    expect(renderPath(['fields', 3, 'type'])).toBe('fields[3].type');
  });
});
