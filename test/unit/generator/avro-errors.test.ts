// Bad Avro input: every error names the file, the JSON path, the line and the fix.
import { describe, expect, it } from 'vitest';
import { isKafkagenError, type KafkagenError } from '../../../generator/errors.js';
import { loadAvro } from '../../support/schemas.js';

function errorOf(files: Record<string, unknown>): KafkagenError {
  try {
    loadAvro(files);
  } catch (e) {
    if (isKafkagenError(e)) return e;
    throw e;
  }
  throw new Error('expected a KafkagenError');
}

const record = (name: string, fields: unknown[]) => ({ type: 'record', name, fields });

const cases: Array<{ name: string; files: Record<string, unknown>; code: string; file: string; pointer: string | undefined; line?: number; message: RegExp; hint: RegExp }> = [
  {
    name: 'malformed JSON',
    files: { 'bad.avsc': '{\n  "type": "record",\n  "name": "X",\n  "fields": [,]\n}' },
    code: 'SCHEMA_PARSE',
    file: 'bad.avsc',
    pointer: undefined,
    line: 4,
    message: /not valid JSON/,
    hint: /fix the JSON syntax/,
  },
  {
    name: 'unknown type name, with a suggestion',
    files: { 'a.avsc': record('com.a.A', [{ name: 'b', type: 'B' }]), 'b.avsc': record('com.b.B', []) },
    code: 'TYPE_UNKNOWN',
    file: 'a.avsc',
    pointer: '/fields/0/type',
    message: /unknown type name "B" \(resolved as com\.a\.B\)/,
    hint: /did you mean "com\.b\.B"/,
  },
  {
    name: 'two types with one full name',
    files: { 'a.avsc': record('com.x.Same', []), 'b.avsc': record('com.x.Same', []) },
    code: 'TYPE_DUPLICATE',
    file: 'b.avsc',
    pointer: '',
    message: /com\.x\.Same is defined twice \(also in a\.avsc/,
    hint: /keep one definition/,
  },
  {
    name: 'a file that is not a named type',
    files: { 'p.avsc': '"string"' },
    code: 'SCHEMA_INVALID',
    file: 'p.avsc',
    pointer: '',
    message: /must hold a named type/,
    hint: /wrap the schema in a named record/,
  },
  {
    name: 'a record without fields',
    files: { 'r.avsc': { type: 'record', name: 'R' } },
    code: 'SCHEMA_INVALID',
    file: 'r.avsc',
    pointer: '',
    message: /needs a "fields" array/,
    hint: /"fields": \[\]/,
  },
  {
    name: 'an invalid name',
    files: { 'r.avsc': record('my-record', []) },
    code: 'SCHEMA_INVALID',
    file: 'r.avsc',
    pointer: '/name',
    message: /"my-record" is not a valid Avro name/,
    hint: /letters A-Z/,
  },
  {
    name: 'a default that does not match its type',
    files: { 'r.avsc': record('R', [{ name: 'n', type: 'int', default: 'abc' }]) },
    code: 'SCHEMA_INVALID',
    file: 'r.avsc',
    pointer: '',
    message: /avsc rejects R: .*"abc"/,
    hint: /defaults must match/,
  },
  {
    name: 'a logical type on the wrong base type',
    files: { 'r.avsc': record('R', [{ name: 't', type: { type: 'string', logicalType: 'timestamp-millis' } }]) },
    code: 'SCHEMA_INVALID',
    file: 'r.avsc',
    pointer: '/fields/0/type',
    message: /logicalType "timestamp-millis" does not apply to "string"/,
    hint: /annotate long/,
  },
  {
    name: 'an enum without symbols',
    files: { 'e.avsc': { type: 'enum', name: 'E', symbols: [] } },
    code: 'SCHEMA_INVALID',
    file: 'e.avsc',
    pointer: '/symbols',
    message: /needs "symbols"/,
    hint: /list the symbols/,
  },
];

describe('Avro bad input', () => {
  it.each(cases)('$name', ({ files, code, file, pointer, line, message, hint }) => {
    const e = errorOf(files);
    expect(e.code).toBe(code);
    expect(e.location.file?.endsWith(file)).toBe(true);
    expect(e.location.pointer).toBe(pointer);
    if (line !== undefined) expect(e.location.line).toBe(line);
    expect(e.message).toMatch(message);
    expect(e.hint).toMatch(hint);
    expect(e.message).toContain(file);
  });
});
