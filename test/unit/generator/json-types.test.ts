// Table-driven: one JSON Schema construct per row, the exact TypeScript it becomes; and
// the JSON Schema errors with file and pointer.
import { describe, expect, it } from 'vitest';
import { isKafkagenError, type KafkagenError } from '../../../generator/errors.js';
import { findSchemaFiles } from '../../../generator/load/files.js';
import { loadJsonSchemas } from '../../../generator/load/jsonschema.js';
import { typeText, typesWithDistinctInput } from '../../../generator/emit/types.js';
import type { NamedType } from '../../../generator/model.js';
import { schemaDir } from '../../support/schemas.js';

function loadJson(files: Record<string, unknown>) {
  const dir = schemaDir(files);
  const r = loadJsonSchemas(findSchemaFiles(dir, dir));
  return { ...r, types: new Map<string, NamedType>(r.types.map((t) => [t.id, t])) };
}

function propType(prop: unknown, extra: Record<string, unknown> = {}, defs: Record<string, unknown> = {}): string {
  const { types } = loadJson({ 'a.schema.json': { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'A', type: 'object', properties: { p: prop }, $defs: defs }, ...extra });
  const a = types.get('a.schema.json#')!;
  if (a.node.kind !== 'object') throw new Error('not an object');
  return typeText(a.node.fields[0]!.type, { direction: 'out', types, differs: typesWithDistinctInput({ types }), resolveName: (t) => t.name });
}

const cases: Array<[string, unknown, string]> = [
  ['string', { type: 'string' }, 'string'],
  ['formats stay strings', { type: 'string', format: 'date-time' }, 'string'],
  ['integer', { type: 'integer' }, 'number'],
  ['number', { type: 'number' }, 'number'],
  ['boolean', { type: 'boolean' }, 'boolean'],
  ['null', { type: 'null' }, 'null'],
  ['nullable via a type array', { type: ['string', 'null'] }, 'string | null'],
  ['enum', { enum: ['a', 'b', 1, null] }, '"a" | "b" | 1 | null'],
  ['const', { const: 'fixed' }, '"fixed"'],
  ['array', { type: 'array', items: { type: 'integer' } }, 'number[]'],
  ['array of a union', { type: 'array', items: { type: ['string', 'null'] } }, 'Array<string | null>'],
  ['tuple arrays are unknown[]', { type: 'array', prefixItems: [{ type: 'string' }] }, 'unknown[]'],
  ['map', { type: 'object', additionalProperties: { type: 'number' } }, 'Record<string, number>'],
  ['open object without properties', { type: 'object' }, 'Record<string, unknown>'],
  ['closed empty object', { type: 'object', additionalProperties: false }, 'Record<string, never>'],
  ['inline object', { type: 'object', required: ['x'], properties: { x: { type: 'string' }, y: { type: 'integer' } } }, '{\n  x: string;\n  y?: number;\n}'],
  ['oneOf', { oneOf: [{ type: 'string' }, { type: 'integer' }] }, 'string | number'],
  ['anyOf', { anyOf: [{ $ref: '#/$defs/D' }, { type: 'null' }] }, 'D | null'],
  ['allOf', { allOf: [{ $ref: '#/$defs/D' }, { type: 'object', properties: { z: { type: 'boolean' } } }] }, 'D & {\n  z?: boolean;\n}'],
  ['$ref to a $defs entry', { $ref: '#/$defs/D' }, 'D'],
  ['no type at all', {}, 'unknown'],
];

describe('JSON Schema type mapping', () => {
  it.each(cases)('%s', (_n, prop, expected) => {
    expect(propType(prop, {}, { D: { type: 'object', properties: { d: { type: 'string' } } } })).toBe(expected);
  });

  it('resolves a cross-file $ref by relative path to a named type of the other file', () => {
    const t = propType({ $ref: 'common.schema.json#/$defs/Money' }, { 'common.schema.json': { $defs: { Money: { type: 'string', pattern: '^\\d+$' } } } });
    expect(t).toBe('Money');
  });

  it('inlines a $ref to a pointer that is not a named type', () => {
    expect(propType({ $ref: '#/$defs/D/properties/d' }, {}, { D: { type: 'object', properties: { d: { type: 'integer' } } } })).toBe('number');
  });

  it('supports recursion through object properties', () => {
    const { types } = loadJson({ 'tree.schema.json': { title: 'Tree', type: 'object', properties: { children: { type: 'array', items: { $ref: '#' } } } } });
    expect(types.get('tree.schema.json#')!.kind).toBe('record');
  });

  it('makes $defs and definitions entries named types, root first', () => {
    const { modules } = loadJson({ 'x.schema.json': { $schema: 'http://json-schema.org/draft-07/schema#', title: 'X', type: 'string', definitions: { Inner: { type: 'integer' } } } });
    expect(modules[0]!.types.map((t) => [t.id, t.name, t.json!.draft])).toEqual([
      ['x.schema.json#', 'X', 'draft-07'],
      ['x.schema.json#/definitions/Inner', 'Inner', 'draft-07'],
    ]);
  });
});

function errorOf(files: Record<string, unknown>): KafkagenError {
  try {
    loadJson(files);
  } catch (e) {
    if (isKafkagenError(e)) return e;
    throw e;
  }
  throw new Error('expected a KafkagenError');
}

describe('JSON Schema bad input', () => {
  const cases: Array<[string, Record<string, unknown>, string, string, RegExp]> = [
    ['a $ref to a missing file', { 'a.schema.json': { type: 'object', properties: { x: { $ref: 'nope.schema.json' } } } }, 'REF_UNRESOLVED', '/properties/x/$ref', /no schema file has the \$id .*nope\.schema\.json/],
    ['a $ref to a missing definition', { 'a.schema.json': { type: 'object', properties: { x: { $ref: '#/$defs/Nope' } } } }, 'REF_UNRESOLVED', '/properties/x/$ref', /has nothing at \/\$defs\/Nope/],
    ['an alias cycle', { 'a.schema.json': { $defs: { A: { $ref: '#/$defs/B' }, B: { oneOf: [{ $ref: '#/$defs/A' }, { type: 'string' }] } } } }, 'REF_CYCLE', '/$defs/A', /A refers to itself only through \$ref/],
    ['an unknown draft', { 'a.schema.json': { $schema: 'http://json-schema.org/draft-04/schema#', type: 'string' } }, 'SCHEMA_INVALID', '/$schema', /unsupported \$schema/],
    ['an unknown type', { 'a.schema.json': { type: 'strin' } }, 'SCHEMA_INVALID', '/type', /unknown type "strin"/],
    ['two types with one name', { 'a.schema.json': { title: 'Same', type: 'string', $defs: { Same: { type: 'integer' } } } }, 'NAME_CLASH', '/$defs/Same', /would both be the TypeScript type Same/],
  ];
  it.each(cases)('%s', (_n, files, code, pointer, message) => {
    const e = errorOf(files);
    expect(e.code).toBe(code);
    expect(e.location.pointer).toBe(pointer);
    expect(e.location.file).toMatch(/a\.schema\.json$/);
    expect(e.message).toMatch(message);
    expect(e.hint).toBeTruthy();
  });
});
