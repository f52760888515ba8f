// The evolution table (test/fixtures/compat/pairs.ts) against the offline engine: every pair's
// verdict, and for breaking pairs the rule and where in the candidate it points.
import { describe, expect, it } from 'vitest';
import { checkCompatibility } from '../../../generator/compat/index.js';
import { avroPairs, jsonPairs, pairs } from '../../fixtures/compat/pairs.js';

describe('evolution pairs table', () => {
  it('covers at least 60 pairs, 35 Avro and 25 JSON Schema, with unique ids', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(60);
    expect(avroPairs.length).toBeGreaterThanOrEqual(35);
    expect(jsonPairs.length).toBeGreaterThanOrEqual(25);
    expect(new Set(pairs.map((p) => p.id)).size).toBe(pairs.length);
    for (const p of pairs) if (!p.compatible) expect(p.rule, p.id).toBeDefined();
  });

  it('covers every level, both verdicts, and every Avro rule', () => {
    for (const level of ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE']) {
      expect(avroPairs.some((p) => p.level === level), `AVRO ${level}`).toBe(true);
      expect(jsonPairs.some((p) => p.level === level), `JSON ${level}`).toBe(true);
    }
    const avroRules = new Set(avroPairs.map((p) => p.rule));
    for (const rule of ['NAME_MISMATCH', 'FIXED_SIZE_MISMATCH', 'MISSING_ENUM_SYMBOLS', 'READER_FIELD_MISSING_DEFAULT_VALUE', 'TYPE_MISMATCH', 'MISSING_UNION_BRANCH', 'LOGICAL_TYPE_MISMATCH']) {
      expect(avroRules.has(rule), rule).toBe(true);
    }
    expect(pairs.filter((p) => p.compatible).length).toBeGreaterThan(20);
    expect(pairs.filter((p) => !p.compatible).length).toBeGreaterThan(20);
  });

  it.each(pairs.map((p) => [p.id, p] as const))('%s', (_id, p) => {
    const result = checkCompatibility({ format: p.format, level: p.level, previous: p.previous, candidate: p.candidate });
    expect(result.compatible).toBe(p.compatible);
    if (p.compatible) {
      expect(result.reasons).toEqual([]);
      return;
    }
    expect(result.reasons.map((r) => r.rule)).toContain(p.rule);
    const reason = result.reasons.find((r) => r.rule === p.rule)!;
    if (p.path !== undefined) expect(reason.path).toBe(p.path);
    for (const r of result.reasons) {
      expect(r.message.length, r.rule).toBeGreaterThan(10);
      expect(r.hint.length, r.rule).toBeGreaterThan(10);
    }
  });

  it('gives the same verdict for every pair when the schemas go through JSON text (no shared objects)', () => {
    for (const p of pairs) {
      const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
      const result = checkCompatibility({ format: p.format, level: p.level, previous: copy(p.previous), candidate: copy(p.candidate) });
      expect(result.compatible, p.id).toBe(p.compatible);
    }
  });
});
