// Bad JSON Schema input: every problem is a KafkagenError with a stable code, the file, the
// JSON Pointer (and line) of the offending place, and a hint that says how to fix it.
import { describe, expect, it } from 'vitest';
import { errorOf } from './helpers.js';

const S2020 = 'https://json-schema.org/draft/2020-12/schema';
const S07 = 'http://json-schema.org/draft-07/schema#';

type Case = [name: string, files: Record<string, unknown>, code: string, file: string, pointer: string, message: RegExp, hint?: RegExp];

const cases: Case[] = [
  // Syntax and shape
  ['malformed JSON', { 'a.schema.json': '{\n  "type": "object",\n  "properties": { "x": { "type": "string" }, }\n}' }, 'SCHEMA_PARSE', 'a.schema.json', '', /not valid JSON/],
  ['a file holding an array', { 'a.schema.json': [1, 2] }, 'SCHEMA_INVALID', 'a.schema.json', '', /must hold an object \(or a boolean\), not an array/],
  ['a property schema that is a string', { 'a.schema.json': { type: 'object', properties: { x: 'string' } } }, 'SCHEMA_INVALID', 'a.schema.json', '/properties/x', /not a schema: expected an object or a boolean, found a string/, /write \{ "type": "string" \}/],
  ['a $defs entry that is a number', { 'a.schema.json': { $defs: { N: 42 } } }, 'SCHEMA_INVALID', 'a.schema.json', '/$defs/N', /not a schema/],
  ['a oneOf member that is null', { 'a.schema.json': { oneOf: [{ type: 'string' }, null] } }, 'SCHEMA_INVALID', 'a.schema.json', '/oneOf/1', /found null/],
  ['an unknown type', { 'a.schema.json': { type: 'strin' } }, 'SCHEMA_INVALID', 'a.schema.json', '/type', /unknown type "strin"/, /did you mean "string"\?/],
  ['an unknown type in a type array', { 'a.schema.json': { type: 'object', properties: { x: { type: ['string', 'nul'] } } } }, 'SCHEMA_INVALID', 'a.schema.json', '/properties/x/type/1', /unknown type "nul"/, /did you mean "null"\?/],
  ['a keyword with a wrong value (meta-schema)', { 'a.schema.json': { type: 'object', properties: { x: { type: 'integer', minimum: '5' } } } }, 'SCHEMA_INVALID', 'a.schema.json', '/properties/x/minimum', /not a valid 2020-12 schema: \/properties\/x\/minimum must be number/, /meta-schema/],
  ['required that is not a list (draft-07 meta-schema)', { 'a.schema.json': { $schema: S07, type: 'object', required: 'x' } }, 'SCHEMA_INVALID', 'a.schema.json', '/required', /not a valid draft-07 schema: \/required must be array/],
  ['draft-07 tuple items in a 2020-12 file', { 'a.schema.json': { type: 'array', items: [{ type: 'string' }] } }, 'SCHEMA_INVALID', 'a.schema.json', '/items', /must be object,boolean/],
  ['a pattern that is not a regular expression', { 'a.schema.json': { type: 'object', properties: { x: { type: 'string', pattern: '^[a-z' } } } }, 'SCHEMA_INVALID', 'a.schema.json', '/properties/x/pattern', /not a valid regular expression with the u flag/],
  ['a pattern only valid without the u flag', { 'a.schema.json': { type: 'string', pattern: '^\\-$' } }, 'SCHEMA_INVALID', 'a.schema.json', '/pattern', /u flag/, /escapes that are not needed/],
  ['a patternProperties key that is not a regular expression', { 'a.schema.json': { type: 'object', patternProperties: { '(': { type: 'string' } } } }, 'SCHEMA_INVALID', 'a.schema.json', '/patternProperties/(', /regular expression/],
  // Drafts and ids
  ['an unknown draft', { 'a.schema.json': { $schema: 'http://json-schema.org/draft-04/schema#', type: 'string' } }, 'SCHEMA_INVALID', 'a.schema.json', '/$schema', /unsupported \$schema "http:\/\/json-schema.org\/draft-04\/schema#"/, /draft-07.*2020-12/],
  ['a $schema that is not a string', { 'a.schema.json': { $schema: 7, type: 'string' } }, 'SCHEMA_INVALID', 'a.schema.json', '/$schema', /unsupported \$schema 7/],
  ['a root $id with a fragment', { 'a.schema.json': { $id: 'https://example.test/a.json#part', type: 'string' } }, 'SCHEMA_INVALID', 'a.schema.json', '/$id', /has a fragment/],
  ['two files with one $id', { 'a.schema.json': { $id: 'https://example.test/same.json', type: 'string' }, 'b.schema.json': { $id: 'https://example.test/same.json', type: 'string' } }, 'TYPE_DUPLICATE', 'b.schema.json', '/$id', /\$id https:\/\/example.test\/same.json is also used by a.schema.json/],
  // References
  ['a $ref to a missing file', { 'a.schema.json': { type: 'object', properties: { x: { $ref: 'nope.schema.json' } } } }, 'REF_UNRESOLVED', 'a.schema.json', '/properties/x/$ref', /\$ref "nope.schema.json" does not resolve: no schema file has the \$id https:\/\/kafkagen.local\/schemas\/nope.schema.json/, /relative to this file/],
  ['a $ref with the wrong relative depth', { 'sub/a.schema.json': { type: 'object', properties: { x: { $ref: 'common.schema.json#/$defs/Id' } } }, 'common.schema.json': { $defs: { Id: { type: 'string' } } } }, 'REF_UNRESOLVED', 'sub/a.schema.json', '/properties/x/$ref', /no schema file has the \$id https:\/\/kafkagen.local\/schemas\/sub\/common.schema.json/, /did you mean "..\/common.schema.json#\/\$defs\/Id"\?/],
  ['a $ref to a missing definition', { 'a.schema.json': { type: 'object', properties: { x: { $ref: '#/$defs/Nope' } } } }, 'REF_UNRESOLVED', 'a.schema.json', '/properties/x/$ref', /\$ref "#\/\$defs\/Nope" does not resolve: a.schema.json has nothing at \/\$defs\/Nope/, /case-sensitive/],
  ['a $ref with the wrong case', { 'a.schema.json': { type: 'object', properties: { x: { $ref: '#/$defs/deviceinfo' } }, $defs: { DeviceInfo: { type: 'string' } } } }, 'REF_UNRESOLVED', 'a.schema.json', '/properties/x/$ref', /has nothing at \/\$defs\/deviceinfo/, /did you mean "#\/\$defs\/DeviceInfo"\?/],
  ['a $ref to a missing definition in another file', { 'a.schema.json': { type: 'object', properties: { x: { items: { $ref: 'b.schema.json#/$defs/Y' } } } }, 'b.schema.json': { $defs: { X: { type: 'string' } } } }, 'REF_UNRESOLVED', 'a.schema.json', '/properties/x/items/$ref', /b.schema.json has nothing at \/\$defs\/Y/],
  ['a $ref to a missing $anchor', { 'a.schema.json': { type: 'object', properties: { x: { $ref: '#nowhere' } } } }, 'REF_UNRESOLVED', 'a.schema.json', '/properties/x/$ref', /has no \$anchor "nowhere"/],
  ['a $ref by path from a file without $id to a file with one', { 'a.schema.json': { type: 'object', properties: { x: { $ref: 'common.schema.json#/$defs/Id' } } }, 'common.schema.json': { $id: 'https://example.test/common.schema.json', $defs: { Id: { type: 'string' } } } }, 'REF_UNRESOLVED', 'a.schema.json', '/properties/x/$ref', /no schema file has the \$id https:\/\/kafkagen.local\/schemas\/common.schema.json/, /is the file common.schema.json, but it declares an \$id.*"https:\/\/example.test\/common.schema.json#\/\$defs\/Id"/],
  ['a $ref by path from a file with $id to a file without', { 'a.schema.json': { $id: 'https://example.test/a.schema.json', type: 'object', properties: { x: { $ref: 'common.schema.json#/$defs/Id' } } }, 'common.schema.json': { $defs: { Id: { type: 'string' } } } }, 'REF_UNRESOLVED', 'a.schema.json', '/properties/x/$ref', /no schema file has the \$id https:\/\/example.test\/common.schema.json/, /give common.schema.json "\$id": "https:\/\/example.test\/common.schema.json"/],
  ['an unresolved $ref inside not (every schema position is checked)', { 'a.schema.json': { type: 'string', not: { $ref: '#/$defs/Missing' } } }, 'REF_UNRESOLVED', 'a.schema.json', '/not/$ref', /nothing at \/\$defs\/Missing/],
  ['an unresolved $ref inside if/then', { 'a.schema.json': { if: { type: 'string' }, then: { $ref: 'x.json' } } }, 'REF_UNRESOLVED', 'a.schema.json', '/then/$ref', /no schema file has the \$id/],
  ['a $ref to something that is not a schema', { 'a.schema.json': { type: 'object', required: ['x'], properties: { x: { $ref: '#/required' } } } }, 'REF_UNRESOLVED', 'a.schema.json', '/properties/x/$ref', /points at an array in a.schema.json, which is not a schema/],
  ['a $ref that is not a URI reference', { 'a.schema.json': { type: 'object', properties: { x: { $ref: '#/$defs/100%' } } } }, 'REF_UNRESOLVED', 'a.schema.json', '/properties/x/$ref', /is not a valid URI reference/],
  // Cycles TypeScript cannot express
  ['an alias cycle', { 'a.schema.json': { $defs: { A: { $ref: '#/$defs/B' }, B: { oneOf: [{ $ref: '#/$defs/A' }, { type: 'string' }] } } } }, 'REF_CYCLE', 'a.schema.json', '/$defs/A', /A refers to itself only through \$ref, oneOf\/anyOf\/allOf or additionalProperties \(A -> B -> A\)/, /object property or array items/],
  ['a root that is its own $ref', { 'a.schema.json': { $ref: '#' } }, 'REF_CYCLE', 'a.schema.json', '', /A refers to itself only through .*\(A -> A\)/],
  ['an allOf cycle', { 'a.schema.json': { $defs: { X: { allOf: [{ $ref: '#/$defs/Y' }, { type: 'object', properties: { a: { type: 'string' } } }] }, Y: { allOf: [{ $ref: '#/$defs/X' }] } } } }, 'REF_CYCLE', 'a.schema.json', '/$defs/X', /\(X -> Y -> X\)/],
  ['a cycle across files, reported at the first file', { 'a.schema.json': { $defs: { A: { anyOf: [{ $ref: 'b.schema.json#/$defs/B' }, { type: 'null' }] } } }, 'b.schema.json': { $defs: { B: { $ref: 'a.schema.json#/$defs/A' } } } }, 'REF_CYCLE', 'a.schema.json', '/$defs/A', /\(A -> B -> A\)/],
  ['a map whose values are the map itself', { 'a.schema.json': { title: 'Json', type: 'object', additionalProperties: { $ref: '#' } } }, 'REF_CYCLE', 'a.schema.json', '', /Json refers to itself/],
  ['recursion through inlined pointers', { 'a.schema.json': { $defs: { A: { type: 'object', properties: { x: { type: 'array', items: { $ref: '#/$defs/A/properties/x' } } } } } } }, 'REF_CYCLE', 'a.schema.json', '/$defs/A/properties/x/items/$ref', /leads back to itself through schemas that are not named types/, /move the recursive schema into \$defs/],
  // Names
  ['two types with one name', { 'a.schema.json': { title: 'Same', type: 'string', $defs: { Same: { type: 'integer' } } } }, 'NAME_CLASH', 'a.schema.json', '/$defs/Same', /the file root and \/\$defs\/Same would both be the TypeScript type Same/, /different "title"/],
  ['two keys with one identifier', { 'a.schema.json': { $defs: { 'my-type': { type: 'string' }, MyType: { type: 'integer' } } } }, 'NAME_CLASH', 'a.schema.json', '/$defs/MyType', /\/\$defs\/my-type and \/\$defs\/MyType would both be the TypeScript type MyType/],
  ['a title that clashes with another key', { 'a.schema.json': { definitions: { A: { title: 'B', type: 'string' }, B: { type: 'string' } } } }, 'NAME_CLASH', 'a.schema.json', '/definitions/B', /\/definitions\/A and \/definitions\/B would both be the TypeScript type B/],
];

describe('JSON Schema bad input', () => {
  it.each(cases)('%s', (_name, files, code, file, pointer, message, hint) => {
    const e = errorOf(files);
    expect(e.name).toBe('KafkagenError');
    expect(e.code).toBe(code);
    expect(e.location.file).toBe(file);
    expect(e.location.pointer ?? '').toBe(pointer);
    expect(e.message).toMatch(message);
    expect(e.hint).toBeTruthy();
    if (hint) expect(e.hint).toMatch(hint);
    // The message itself says where: file, and the pointer when there is one.
    expect(e.message.startsWith(file)).toBe(true);
  });

  it('gives the line of the offending place', () => {
    const text = `{\n  "type": "object",\n  "properties": {\n    "a": { "type": "string" },\n    "b": { "$ref": "#/$defs/Nope" }\n  }\n}\n`;
    const e = errorOf({ 'a.schema.json': text });
    expect(e.location.line).toBe(5);
    expect(e.message).toMatch(/^a\.schema\.json:5 at \/properties\/b\/\$ref: /);
  });

  it('gives the line of a JSON syntax error', () => {
    expect(errorOf({ 'a.schema.json': '{\n  "type": "object",\n  "properties": { "x": { "type": "string" }, }\n}' }).location.line).toBe(3);
  });

  it('accepts draft-07 and 2020-12 spelled with or without "#" and over http or https', () => {
    for (const $schema of [S07, 'http://json-schema.org/draft-07/schema', 'https://json-schema.org/draft-07/schema#', S2020, `${S2020}#`]) {
      expect(() => errorOf({ 'a.schema.json': { $schema, type: 'string' } })).toThrow(/expected a KafkagenError/);
    }
  });
});
