// Exact output of the text, JSON and GitHub reports, the line finder, and runCheck's exit codes.
import { describe, expect, it } from 'vitest';
import { runCheck, type CheckSubject } from '../../../generator/compatibility/index.js';
import { lineOfPointer } from '../../../generator/compatibility/report.js';

const v1 = { type: 'record', name: 'Order', namespace: 'com.shop', fields: [{ name: 'id', type: 'string' }, { name: 'qty', type: 'int' }] };
const v2 = { ...v1, fields: [{ name: 'id', type: 'string' }, { name: 'qty', type: 'string' }, { name: 'note', type: 'string' }] };
const j1 = { type: 'object', additionalProperties: false, properties: { id: { type: 'string' }, metadata: { type: 'object', properties: { occurred_at: { type: 'string', maxLength: 40 } } } } };
const j2 = { type: 'object', additionalProperties: false, properties: { metadata: { type: 'object', properties: { occurred_at: { type: 'string', maxLength: 30 } } } } };

const subjects: CheckSubject[] = [
  { subject: 'shop.orders-value', format: 'AVRO', level: 'BACKWARD', file: 'schemas/order.avsc', candidate: v2, baseline: [v1], text: JSON.stringify(v2, null, 2) },
  { subject: 'shop.ok-value', format: 'AVRO', level: 'BACKWARD', file: 'schemas/ok.avsc', candidate: v1, baseline: [v1] },
  { subject: 'lens.events-value', format: 'JSON', level: 'FULL', file: 'schemas/events.json', candidate: j2, baseline: [j1], text: JSON.stringify(j2, null, 2) },
];

async function run(list: CheckSubject[], output: 'text' | 'json' | 'github'): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runCheck({ subjects: list, output, write: (s) => (out += s) });
  return { code, out };
}

describe('text report', () => {
  it('one line per subject, reasons and hints under breaking ones', async () => {
    const { code, out } = await run(subjects, 'text');
    expect(code).toBe(1);
    expect(out).toBe(
      [
        'BREAKING  shop.orders-value',
        '  /fields/1/type: type changed from int to string (TYPE_MISMATCH)',
        '    hint: keep int, or widen it only to long / float / double',
        '  /fields/2: field "note" of com.shop.Order is new and has no default, so data written with the previous schema cannot be read (READER_FIELD_MISSING_DEFAULT_VALUE)',
        '    hint: give the new field a default (e.g. make it ["null", ...] with "default": null)',
        'OK        shop.ok-value',
        'BREAKING  lens.events-value',
        '  /properties: property "id" was removed, and additionalProperties is false, so documents that have it are rejected (PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL)',
        '    hint: keep "id" in "properties" (it may be deprecated), or open the content model',
        '  /properties/metadata/properties/occurred_at/maxLength: maxLength changed from 40 to 30 (MAX_LENGTH_DECREASED)',
        '    hint: maxLength may only grow: keep it at least 40',
        '',
      ].join('\n'),
    );
  });

  it('all compatible: exit 0', async () => {
    expect(await run([subjects[1]!], 'text')).toEqual({ code: 0, out: 'OK        shop.ok-value\n' });
  });

  it('a subject that cannot be checked: ERROR line and exit 2 (wins over 1)', async () => {
    const bad: CheckSubject = { subject: 'bad-value', format: 'AVRO', level: 'BACKWARD', file: 'schemas/bad.avsc', candidate: { type: 'record', name: 'B', fields: [{ name: 'x', type: 'Nope' }] }, baseline: [v1] };
    const { code, out } = await run([subjects[0]!, bad], 'text');
    expect(code).toBe(2);
    expect(out.split('\n').slice(-3)).toEqual(['ERROR     bad-value', '  unknown Avro type name "Nope" at /fields/0/type', '']);
  });
});

describe('JSON report', () => {
  it('carries every subject with its verdict and reasons', async () => {
    const { code, out } = await run(subjects, 'json');
    expect(code).toBe(1);
    const doc = JSON.parse(out);
    expect(doc.ok).toBe(false);
    expect(doc.subjects.map((s: { subject: string; compatible: boolean }) => [s.subject, s.compatible])).toEqual([
      ['shop.orders-value', false],
      ['shop.ok-value', true],
      ['lens.events-value', false],
    ]);
    expect(doc.subjects[0]).toMatchObject({ file: 'schemas/order.avsc', format: 'AVRO', level: 'BACKWARD' });
    expect(doc.subjects[0].reasons[1]).toEqual({
      path: '/fields/2',
      message: 'field "note" of com.shop.Order is new and has no default, so data written with the previous schema cannot be read',
      rule: 'READER_FIELD_MISSING_DEFAULT_VALUE',
      hint: 'give the new field a default (e.g. make it ["null", ...] with "default": null)',
    });
    expect(doc.subjects[0].text).toBeUndefined();
  });
});

describe('GitHub annotations', () => {
  it('one ::error per reason, on the line of the offending part', async () => {
    const { code, out } = await run(subjects, 'github');
    expect(code).toBe(1);
    expect(out).toBe(
      [
        '::error file=schemas/order.avsc,line=12::shop.orders-value: type changed from int to string',
        '::error file=schemas/order.avsc,line=14::shop.orders-value: field "note" of com.shop.Order is new and has no default, so data written with the previous schema cannot be read',
        '::error file=schemas/events.json,line=4::lens.events-value: property "id" was removed, and additionalProperties is false, so documents that have it are rejected',
        '::error file=schemas/events.json,line=10::lens.events-value: maxLength changed from 40 to 30',
        '',
      ].join('\n'),
    );
  });

  it('without the file text: line 1; escapes newlines and property separators', async () => {
    const s: CheckSubject = { ...subjects[0]!, subject: 'a\nb', file: 'dir,x/o:rder.avsc', text: undefined };
    const { out } = await run([s], 'github');
    expect(out.split('\n')[0]).toBe('::error file=dir%2Cx/o%3Arder.avsc,line=1::a%0Ab: type changed from int to string');
  });
});

describe('lineOfPointer', () => {
  const text = ['{', '  "type": "record",', '  "name": "Order",', '  "fields": [', '    { "name": "id", "type": "string" },', '    {', '      "name": "meta",', '      "type": { "type": "map", "values": "string" }', '    }', '  ]', '}'].join('\n');

  it('finds members, array elements and nested values', () => {
    expect(lineOfPointer(text, '')).toBe(1);
    expect(lineOfPointer(text, '/name')).toBe(3);
    expect(lineOfPointer(text, '/fields')).toBe(4);
    expect(lineOfPointer(text, '/fields/0')).toBe(5);
    expect(lineOfPointer(text, '/fields/0/type')).toBe(5);
    expect(lineOfPointer(text, '/fields/1')).toBe(6);
    expect(lineOfPointer(text, '/fields/1/type/values')).toBe(8);
  });

  it('falls back to the longest existing prefix, and to 1 for unparseable text', () => {
    expect(lineOfPointer(text, '/fields/1/type/values/0/deep')).toBe(8);
    expect(lineOfPointer(text, '/fields/7')).toBe(4);
    expect(lineOfPointer(text, '/nope')).toBe(1);
    expect(lineOfPointer('{ "a": [1, 2', '/a/1')).toBe(1);
  });

  it('handles escaped keys (~1 for /) and strings with escapes', () => {
    const t = '{\n  "x\\"y": 1,\n  "a/b": {\n    "c": "line\\nbreak"\n  }\n}';
    expect(lineOfPointer(t, '/a~1b/c')).toBe(4);
  });
});
