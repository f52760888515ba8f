// The evolution pair table, offline: verdict and rule of every pair, and reasons that are
// located in the candidate and carry a hint.
import { describe, expect, it } from 'vitest';
import { checkCompatibility, CompatibilityError } from '../../../generator/compatibility/index.js';
import { lineOfPointer } from '../../../generator/compatibility/report.js';
import { KNOWN_DISAGREEMENTS, PAIRS } from '../../fixtures/compatibility/pairs.js';

describe('evolution pairs', () => {
  it('the table is large enough and has unique names', () => {
    expect(PAIRS.filter((p) => p.format === 'AVRO').length).toBeGreaterThanOrEqual(35);
    expect(PAIRS.filter((p) => p.format === 'JSON').length).toBeGreaterThanOrEqual(25);
    expect(new Set(PAIRS.map((p) => p.name)).size).toBe(PAIRS.length);
    for (const name of Object.keys(KNOWN_DISAGREEMENTS)) expect(PAIRS.map((p) => p.name)).toContain(name);
  });

  it.each(PAIRS.map((p) => [p.name, p] as const))('%s', (_name, p) => {
    const result = checkCompatibility({ format: p.format, level: p.level, candidate: p.candidate, previous: p.previous });
    expect(result.compatible, JSON.stringify(result.reasons, null, 2)).toBe(p.compatible);
    if (p.compatible) {
      expect(result.reasons).toEqual([]);
      return;
    }
    expect(result.reasons.map((r) => r.rule)).toContain(p.rule);
    const text = JSON.stringify(p.candidate, null, 2);
    for (const reason of result.reasons) {
      expect(reason.message.length).toBeGreaterThan(10);
      expect(reason.hint.length).toBeGreaterThan(5);
      expect(reason.path === '' || reason.path.startsWith('/')).toBe(true);
      expect(lineOfPointer(text, reason.path)).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('checkCompatibility', () => {
  const v1 = { type: 'record', name: 'Order', namespace: 'com.shop', fields: [{ name: 'id', type: 'string' }] };
  const v2 = { ...v1, fields: [...v1.fields, { name: 'qty', type: 'int' }] };

  it('a new subject (no previous version) is compatible at every level', () => {
    for (const level of ['BACKWARD', 'FULL_TRANSITIVE', 'NONE']) expect(checkCompatibility({ format: 'AVRO', level, candidate: v2, previous: [] })).toEqual({ compatible: true, reasons: [] });
  });

  it('locates an added field in the candidate, with rule and hint', () => {
    expect(checkCompatibility({ format: 'AVRO', level: 'backward', candidate: v2, previous: [v1] })).toEqual({
      compatible: false,
      reasons: [
        {
          path: '/fields/1',
          message: 'field "qty" of com.shop.Order is new and has no default, so data written with the previous schema cannot be read',
          rule: 'READER_FIELD_MISSING_DEFAULT_VALUE',
          hint: 'give the new field a default (e.g. make it ["null", ...] with "default": null)',
        },
      ],
    });
  });

  it('a removed field under FORWARD points at the candidate\'s fields', () => {
    const r = checkCompatibility({ format: 'AVRO', level: 'FORWARD', candidate: v1, previous: [v2] });
    expect(r.reasons).toEqual([
      {
        path: '/fields',
        message: 'field "qty" of com.shop.Order was removed, and the previous schema has no default for it, so its readers cannot read new data',
        rule: 'READER_FIELD_MISSING_DEFAULT_VALUE',
        hint: 'keep the field, or first give it a default in a compatible release and remove it later',
      },
    ]);
  });

  it('FULL_TRANSITIVE reports a reason once even when several versions break it', () => {
    const v3 = { ...v1, fields: [...v1.fields, { name: 'note', type: 'string', default: '' }] };
    const r = checkCompatibility({ format: 'AVRO', level: 'FULL_TRANSITIVE', candidate: v2, previous: [v1, v3] });
    expect(r.reasons.map((x) => `${x.path} ${x.rule}`)).toEqual(['/fields/1 READER_FIELD_MISSING_DEFAULT_VALUE']);
  });

  it('walks a mutually recursive Avro type without looping', () => {
    const tree = (extra: unknown[]) => ({
      type: 'record',
      name: 'Tree',
      fields: [{ name: 'kids', type: { type: 'array', items: { type: 'record', name: 'Branch', fields: [{ name: 'sub', type: ['null', 'Tree'], default: null }, ...extra] } } }],
    });
    const r = checkCompatibility({ format: 'AVRO', level: 'FULL', candidate: tree([{ name: 'w', type: 'int' }]), previous: [tree([])] });
    expect(r.reasons.map((x) => `${x.path} ${x.rule}`)).toEqual(['/fields/0/type/items/fields/1 READER_FIELD_MISSING_DEFAULT_VALUE']);
  });

  it('walks a recursive JSON Schema $ref without looping, reporting inside the $ref target', () => {
    const node = (max: number) => ({ $ref: '#/$defs/Node', $defs: { Node: { type: 'object', properties: { name: { type: 'string', maxLength: max }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } } } } });
    expect(checkCompatibility({ format: 'JSON', level: 'BACKWARD', candidate: node(20), previous: [node(10)] }).compatible).toBe(true);
    const r = checkCompatibility({ format: 'JSON', level: 'BACKWARD', candidate: node(5), previous: [node(10)] });
    expect(r.reasons.map((x) => `${x.path} ${x.rule}`)).toEqual(['/$defs/Node/properties/name/maxLength MAX_LENGTH_DECREASED']);
  });

  it('names a nested JSON property by its path in the candidate', () => {
    const schema = (t: string) => ({ type: 'object', properties: { metadata: { type: 'object', properties: { occurred_at: { type: t } } } } });
    expect(checkCompatibility({ format: 'JSON', level: 'BACKWARD', candidate: schema('integer'), previous: [schema('number')] }).reasons).toEqual([
      {
        path: '/properties/metadata/properties/occurred_at/type',
        message: 'type narrowed from number to integer',
        rule: 'TYPE_NARROWED',
        hint: 'keep accepting number (e.g. "type": ["integer", "number"])',
      },
    ]);
  });

  it('throws typed errors for an unknown level, format or an invalid schema', () => {
    const attempt = (input: Parameters<typeof checkCompatibility>[0]) => {
      try {
        checkCompatibility(input);
      } catch (e) {
        return e instanceof CompatibilityError ? e.code : 'other';
      }
      return 'none';
    };
    expect(attempt({ format: 'AVRO', level: 'SIDEWAYS', candidate: v1, previous: [] })).toBe('LEVEL_UNKNOWN');
    expect(attempt({ format: 'XML' as 'AVRO', level: 'BACKWARD', candidate: v1, previous: [] })).toBe('FORMAT_UNKNOWN');
    expect(attempt({ format: 'AVRO', level: 'BACKWARD', candidate: { ...v1, fields: [{ name: 'x', type: 'Missing' }] }, previous: [] })).toBe('SCHEMA_INVALID');
    expect(attempt({ format: 'JSON', level: 'BACKWARD', candidate: { $ref: '#/$defs/Nope' }, previous: [] })).toBe('SCHEMA_INVALID');
  });
});
