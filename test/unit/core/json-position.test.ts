// Lines of JSON places for error messages: object members point at their key, array elements
// at the element, missing places at their nearest ancestor, syntax errors at the bad token.
import { describe, expect, it } from 'vitest';
import { lineOfPath, lineOfPointer, syntaxErrorOffset, lineOf } from '../../../generator/json-position.js';

const avsc = `{
  "type": "record",
  "name": "Order",
  "fields": [
    { "name": "id", "type": "string" },
    { "name": "total", "type": "double" },
    {
      "name": "who",
      "type": "Custmer"
    }
  ]
}`;

describe('JSON positions', () => {
  it.each([
    ['', 1],
    ['/name', 3],
    ['/fields', 4],
    ['/fields/0', 5],
    ['/fields/1/type', 6],
    ['/fields/2', 7],
    ['/fields/2/type', 9],
    ['/fields/7/type', 4], // no such element: its array
    ['/nope', 1],
  ])('pointer %s is on line %i', (pointer, line) => {
    expect(lineOfPointer(avsc, pointer)).toBe(line);
  });

  it('reads numeric segments as array indexes and object keys alike', () => {
    const text = '{\n  "0": {\n    "a": [\n      1,\n      2\n    ]\n  }\n}';
    expect(lineOfPath(text, ['0', 'a', 1])).toBe(5);
    expect(lineOfPointer(text, '/0/a/1')).toBe(5);
    expect(lineOfPointer('{"a~/b": {\n"c": 1}}', '/a~0~1b/c')).toBe(2);
  });

  it('gives line 1 for text that is not JSON, and the line of the first syntax error', () => {
    expect(lineOfPath('not json', ['a'])).toBe(1);
    const bad = '{\n  "a": 1,\n  "b": ,\n  "c": 3\n}';
    expect(lineOf(bad, syntaxErrorOffset(bad))).toBe(3);
    expect(lineOf('{"a": 1,}', syntaxErrorOffset('{"a": 1,}'))).toBe(1);
    expect(syntaxErrorOffset('{"a": 1}')).toBe(8);
  });
});
