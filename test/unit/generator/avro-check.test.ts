// The one-pass avsc check of every Avro definition (generator/load/avro-check.ts).
import { describe, expect, it } from 'vitest';
import { avscAcceptsAll } from '../../../generator/load/avro-check.js';
import type { NamedType } from '../../../generator/model.js';
import { loadAvro } from '../../support/schemas.js';

/** Just enough of a NamedType for the check: its full name and references. */
function avroType(fullName: string, references: string[] = []): NamedType {
  return { id: fullName, avro: { fullName, references, standalone: undefined, selfContained: undefined } } as unknown as NamedType;
}

describe('avscAcceptsAll', () => {
  it('asks for each definition once, references first, and accepts valid ones', () => {
    const schemas: Record<string, unknown> = {
      'x.A': { type: 'record', name: 'x.A', fields: [{ name: 'n', type: 'int', default: 0 }] },
      'x.B': { type: 'record', name: 'x.B', fields: [{ name: 'a', type: 'x.A' }] },
      'x.C': { type: 'record', name: 'x.C', fields: [{ name: 'b', type: ['null', 'x.B'], default: null }] },
    };
    const asked: string[] = [];
    const ok = avscAcceptsAll([avroType('x.C', ['x.B']), avroType('x.B', ['x.A']), avroType('x.A')], (t, defined) => {
      asked.push(t.id);
      defined.add(t.id);
      return schemas[t.id];
    }, { long: 'bigint' });
    expect(ok).toBe(true);
    expect(asked).toEqual(['x.A', 'x.B', 'x.C']);
  });

  it('skips a type already defined inside another one', () => {
    const asked: string[] = [];
    const ok = avscAcceptsAll([avroType('x.Outer'), avroType('x.Inner')], (t, defined) => {
      asked.push(t.id);
      defined.add('x.Outer').add('x.Inner');
      return { type: 'record', name: 'x.Outer', fields: [{ name: 'i', type: { type: 'enum', name: 'x.Inner', symbols: ['A'] } }] };
    }, { long: 'bigint' });
    expect(ok).toBe(true);
    expect(asked).toEqual(['x.Outer']);
  });

  it('says no when avsc refuses a definition', () => {
    const bad = { type: 'record', name: 'x.R', fields: [{ name: 'n', type: 'int', default: 'abc' }] };
    expect(avscAcceptsAll([avroType('x.R')], () => bad, { long: 'bigint' })).toBe(false);
  });

  it('leaves types without a namespace to the per-type check', () => {
    let asked = 0;
    expect(avscAcceptsAll([avroType('R')], () => (asked++, { type: 'record', name: 'R', fields: [] }), { long: 'bigint' })).toBe(false);
    expect(asked).toBe(0);
  });
});

describe('loadAvroSchemas with the one-pass check', () => {
  const event = (i: number, extra: unknown[] = []) => ({
    type: 'record',
    name: `E${i}`,
    namespace: `chain.e${i}`,
    fields: [{ name: 'id', type: 'string' }, ...(i > 0 ? [{ name: 'previous', type: ['null', `chain.e${i - 1}.E${i - 1}`], default: null }] : []), ...extra],
  });

  it('loads a long chain of references', () => {
    const files = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`e${i}.avsc`, event(i)]));
    const { types } = loadAvro(files);
    expect(types.size).toBe(60);
  });

  it('still names the type avsc rejects', () => {
    const files = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`e${i}.avsc`, event(i, i === 3 ? [{ name: 'n', type: 'int', default: 'abc' }] : [])]));
    // e4 reaches e3 too; the per-type pass reports the first type in load order that avsc refuses.
    expect(() => loadAvro(files)).toThrow(/avsc rejects chain\.e3\.E3: .*"abc"/);
  });
});
