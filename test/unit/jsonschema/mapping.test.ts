// JSON Schema -> TypeNode, one construct per row, with the exact node expected; then the
// named types (ids, names, kinds, docs, refs) a file gives and how files link up.
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NamedType, TypeNode } from '../../../generator/model.js';
import { T, loadFixture, loadJson } from './helpers.js';

const A = 'a.schema.json';
const D = T.ref(`${A}#/$defs/D`);
const DEFS = {
  D: { type: 'object', properties: { d: { type: 'integer' } } },
  Color: { type: 'string', enum: ['red', 'green'] },
};

/** The TypeNode of property `p` of the root of a file (with property `other` and $defs D and Color). */
function propNode(prop: unknown, draft: '2020-12' | 'draft-07' = '2020-12'): TypeNode {
  const $schema = draft === '2020-12' ? 'https://json-schema.org/draft/2020-12/schema' : 'http://json-schema.org/draft-07/schema#';
  const { types } = loadJson({ [A]: { $schema, title: 'Root', type: 'object', properties: { p: prop, other: { type: 'boolean' } }, $defs: DEFS } });
  const root = types.get(`${A}#`)!;
  if (root.node.kind !== 'object') throw new Error('root is not an object');
  return root.node.fields[0]!.type;
}

const cases: Array<[string, unknown, TypeNode]> = [
  ['string', { type: 'string' }, T.string],
  ['format date-time stays a string (JSON data stays JSON)', { type: 'string', format: 'date-time' }, T.string],
  ['format date', { type: 'string', format: 'date' }, T.string],
  ['format uuid', { type: 'string', format: 'uuid' }, T.string],
  ['format email', { type: 'string', format: 'email' }, T.string],
  ['format uri', { type: 'string', format: 'uri' }, T.string],
  ['integer', { type: 'integer' }, T.number],
  ['number', { type: 'number' }, T.number],
  ['boolean', { type: 'boolean' }, T.boolean],
  ['null', { type: 'null' }, T.null],
  ['nullable via a type array', { type: ['string', 'null'] }, T.union(T.string, T.null)],
  ['type array order is kept', { type: ['null', 'integer', 'boolean'] }, T.union(T.null, T.number, T.boolean)],
  ['integer and number merge', { type: ['integer', 'number'] }, T.number],
  ['a one-element type array', { type: ['string'] }, T.string],
  ['enum: union of literals in order', { enum: ['b', 'a', 1, true, null] }, T.union(T.lit('b'), T.lit('a'), T.lit(1), T.lit(true), T.lit(null))],
  ['enum wins over type', { type: 'string', enum: ['x', 'y'] }, T.union(T.lit('x'), T.lit('y'))],
  ['nullable enum', { type: ['string', 'null'], enum: ['x', null] }, T.union(T.lit('x'), T.lit(null))],
  ['empty enum is never', { enum: [] }, T.never],
  ['const string', { const: 'fixed' }, T.lit('fixed')],
  ['const number', { const: 3 }, T.lit(3)],
  ['const null', { const: null }, T.lit(null)],
  ['const object is unknown', { const: { a: 1 } }, T.unknown],
  ['array', { type: 'array', items: { type: 'integer' } }, T.array(T.number)],
  ['array of a nullable', { type: 'array', items: { type: ['string', 'null'] } }, T.array(T.union(T.string, T.null))],
  ['array without items', { type: 'array' }, T.array(T.unknown)],
  ['array inferred from items', { items: { type: 'boolean' } }, T.array(T.boolean)],
  ['prefixItems tuple is unknown[]', { type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'integer' } }, T.array(T.unknown)],
  ['object with required and optional fields', { type: 'object', required: ['x'], properties: { x: { type: 'string' }, y: { type: 'integer' } } }, T.object([['x', T.string, true], ['y', T.number]])],
  ['object inferred from properties', { properties: { x: { type: 'string' } } }, T.object([['x', T.string]])],
  ['additionalProperties schema without properties: a map', { type: 'object', additionalProperties: { type: 'number' } }, T.map(T.number)],
  ['additionalProperties schema with properties', { type: 'object', properties: { x: { type: 'string' } }, additionalProperties: { type: 'number' } }, T.object([['x', T.string]], T.number)],
  ['additionalProperties false', { type: 'object', properties: { x: { type: 'string' } }, additionalProperties: false }, T.object([['x', T.string]])],
  ['additionalProperties true', { type: 'object', properties: { x: { type: 'string' } }, additionalProperties: true }, T.object([['x', T.string]])],
  ['open object without properties', { type: 'object' }, T.map(T.unknown)],
  ['closed empty object', { type: 'object', additionalProperties: false }, T.object([])],
  ['patternProperties on a closed object', { type: 'object', patternProperties: { '^a': { type: 'string' }, '^b': { type: 'integer' } }, additionalProperties: false }, T.map(T.union(T.string, T.number))],
  ['oneOf: union in written order', { oneOf: [{ type: 'string' }, { type: 'integer' }, { $ref: '#/$defs/D' }] }, T.union(T.string, T.number, D)],
  ['anyOf with null', { anyOf: [{ $ref: '#/$defs/D' }, { type: 'null' }] }, T.union(D, T.null)],
  ['oneOf with a single member', { oneOf: [{ $ref: '#/$defs/D' }] }, D],
  ['allOf: intersection', { allOf: [{ $ref: '#/$defs/D' }, { type: 'object', properties: { z: { type: 'boolean' } } }] }, T.and(D, T.object([['z', T.boolean]]))],
  ['allOf wrapping one $ref', { description: 'wrapped', allOf: [{ $ref: '#/$defs/D' }] }, D],
  ['nested allOf is flattened', { allOf: [{ $ref: '#/$defs/D' }, { allOf: [{ $ref: '#/$defs/Color' }, { type: 'string' }] }] }, T.and(D, T.ref(`${A}#/$defs/Color`), T.string)],
  ['own properties intersected with oneOf', { type: 'object', properties: { kind: { type: 'string' } }, required: ['kind'], oneOf: [{ $ref: '#/$defs/D' }, { type: 'null' }] }, T.and(T.object([['kind', T.string, true]]), T.union(D, T.null))],
  ['a bare type object next to oneOf adds nothing', { type: 'object', oneOf: [{ $ref: '#/$defs/D' }, { $ref: '#/$defs/Color' }] }, T.union(D, T.ref(`${A}#/$defs/Color`))],
  ['constraint-only anyOf members add nothing', { type: 'string', anyOf: [{ format: 'date' }, { format: 'date-time' }] }, T.string],
  ['$ref to $defs', { $ref: '#/$defs/D' }, D],
  ['$ref with annotation siblings', { $ref: '#/$defs/D', description: 'doc', title: 'T', default: {}, examples: [] }, D],
  ['$ref with a constraining sibling: intersection', { $ref: '#/$defs/D', properties: { e: { type: 'string' } } }, T.and(D, T.object([['e', T.string]]))],
  ['$ref next to a bare type object', { type: 'object', $ref: '#/$defs/D' }, D],
  ['$ref to the file root', { $ref: '#' }, T.ref(`${A}#`)],
  ['$ref to a pointer that is not a named type is inlined', { $ref: '#/$defs/D/properties/d' }, T.number],
  ['$ref to a property of the root is inlined', { $ref: '#/properties/other' }, T.boolean],
  ['$ref with a percent-encoded pointer', { $ref: '#/%24defs/D' }, D],
  ['no type at all', {}, T.unknown],
  ['only constraints', { minLength: 3 }, T.unknown],
  ['true', true, T.unknown],
  ['false is never', false, T.never],
  ['not is ignored', { not: { type: 'string' } }, T.unknown],
];

describe('JSON Schema -> TypeNode', () => {
  it.each(cases)('%s', (_name, prop, expected) => {
    expect(propNode(prop)).toEqual(expected);
  });

  it('maps the same in draft-07 (definitions) as in 2020-12', () => {
    for (const [, prop, expected] of cases.filter(([n]) => !n.includes('prefixItems') && !n.includes('empty enum'))) expect(propNode(prop, 'draft-07')).toEqual(expected);
  });

  it('maps draft-07 tuple items to unknown[]', () => {
    expect(propNode({ type: 'array', items: [{ type: 'string' }, { type: 'integer' }], additionalItems: false }, 'draft-07')).toEqual(T.array(T.unknown));
  });

  it('keeps field docs and defaults (as JSON text)', () => {
    const { types } = loadJson({ [A]: { type: 'object', properties: { a: { type: 'string', description: 'The a.', default: 'x"`${y}`' }, b: { $ref: '#/$defs/C', description: 'Via ref.' }, c: { type: 'integer', default: 0 } }, required: ['a'], $defs: { C: { type: 'string' } } } });
    const node = types.get(`${A}#`)!.node;
    expect(node).toEqual({
      kind: 'object',
      fields: [
        { name: 'a', type: T.string, optional: false, optionalOnInput: false, doc: 'The a.', defaultText: '"x\\"`${y}`"' },
        { name: 'b', type: T.ref(`${A}#/$defs/C`), optional: true, optionalOnInput: true, doc: 'Via ref.' },
        { name: 'c', type: T.number, optional: true, optionalOnInput: true, defaultText: '0' },
      ],
    });
  });
});

describe('named types', () => {
  it('gives the root (when it describes a value) and every $defs / definitions entry, in file order', () => {
    const { modules } = loadJson({
      'x.schema.json': { $schema: 'http://json-schema.org/draft-07/schema#', title: 'X', type: 'string', definitions: { Inner: { type: 'integer' } }, $defs: { Other: { type: 'boolean' } } },
      'only-defs.schema.json': { title: 'Shared', description: 'no value here', $defs: { B: { type: 'string' }, A: { type: 'string' } } },
    });
    expect(modules.map((m) => [m.path, m.types.map((t) => [t.id, t.name, t.source.pointer, t.json!.draft])])).toEqual([
      ['only-defs', [['only-defs.schema.json#/$defs/B', 'B', '/$defs/B', '2020-12'], ['only-defs.schema.json#/$defs/A', 'A', '/$defs/A', '2020-12']]],
      [
        'x',
        [
          ['x.schema.json#', 'X', '', 'draft-07'],
          ['x.schema.json#/definitions/Inner', 'Inner', '/definitions/Inner', 'draft-07'],
          ['x.schema.json#/$defs/Other', 'Other', '/$defs/Other', 'draft-07'],
        ],
      ],
    ]);
  });

  it('names from title, else the $defs key, else the file name; PascalCase identifiers', () => {
    const { list } = loadJson({
      'user-event.schema.json': { type: 'object', properties: { a: { type: 'string' } }, $defs: { 'page-ref': { type: 'string' }, titled: { title: 'Shipping address', type: 'string' }, class: { type: 'string' }, '2fa': { type: 'boolean' } } },
      'named.json': { title: 'order placed', type: 'string' },
    });
    expect(list.map((t) => t.name)).toEqual(['OrderPlaced', 'UserEvent', 'PageRef', 'ShippingAddress', 'Class', 'T2fa']);
  });

  it('sets kind, symbols, doc, source, module and the ajv ref', () => {
    const { list } = loadJson({
      'shop/order.schema.json': {
        $id: 'https://example.test/shop/order.schema.json',
        title: 'Order placed',
        description: 'An order.',
        type: 'object',
        properties: { id: { type: 'string' } },
        $defs: { Status: { description: 'State.', type: 'string', enum: ['open', 'closed'] }, Mixed: { enum: ['a', 1] }, Empty: { type: 'object' }, 'Odd name': { type: 'string' } },
      },
    });
    const strip = (t: NamedType) => ({ id: t.id, name: t.name, module: t.module, kind: t.kind, format: t.format, doc: t.doc, source: t.source, symbols: t.symbols, json: t.json });
    expect(list.map(strip)).toEqual([
      { id: 'shop/order.schema.json#', name: 'OrderPlaced', module: 'shop/order', kind: 'record', format: 'json', doc: 'Order placed\n\nAn order.', source: { file: 'shop/order.schema.json', pointer: '' }, symbols: undefined, json: { ref: 'https://example.test/shop/order.schema.json', draft: '2020-12' } },
      { id: 'shop/order.schema.json#/$defs/Status', name: 'Status', module: 'shop/order', kind: 'enum', format: 'json', doc: 'State.', source: { file: 'shop/order.schema.json', pointer: '/$defs/Status' }, symbols: ['open', 'closed'], json: { ref: 'https://example.test/shop/order.schema.json#/$defs/Status', draft: '2020-12' } },
      { id: 'shop/order.schema.json#/$defs/Mixed', name: 'Mixed', module: 'shop/order', kind: 'alias', format: 'json', doc: undefined, source: { file: 'shop/order.schema.json', pointer: '/$defs/Mixed' }, symbols: undefined, json: { ref: 'https://example.test/shop/order.schema.json#/$defs/Mixed', draft: '2020-12' } },
      { id: 'shop/order.schema.json#/$defs/Empty', name: 'Empty', module: 'shop/order', kind: 'alias', format: 'json', doc: undefined, source: { file: 'shop/order.schema.json', pointer: '/$defs/Empty' }, symbols: undefined, json: { ref: 'https://example.test/shop/order.schema.json#/$defs/Empty', draft: '2020-12' } },
      { id: 'shop/order.schema.json#/$defs/Odd name', name: 'OddName', module: 'shop/order', kind: 'alias', format: 'json', doc: undefined, source: { file: 'shop/order.schema.json', pointer: '/$defs/Odd name' }, symbols: undefined, json: { ref: 'https://example.test/shop/order.schema.json#/$defs/Odd%20name', draft: '2020-12' } },
    ]);
  });

  it('uses a base URI from the path for files without $id', () => {
    const { list } = loadJson({ 'dir/no-id.schema.json': { type: 'string', $defs: { X: { type: 'integer' } } } });
    expect(list.map((t) => t.json!.ref)).toEqual(['https://kafkagen.local/schemas/dir/no-id.schema.json', 'https://kafkagen.local/schemas/dir/no-id.schema.json#/$defs/X']);
  });

  it('allows the same name in different modules', () => {
    const { list } = loadJson({ 'a.schema.json': { $defs: { Money: { type: 'string' } } }, 'b.schema.json': { $defs: { Money: { type: 'integer' } } } });
    expect(list.map((t) => `${t.module}.${t.name}`)).toEqual(['a.Money', 'b.Money']);
  });

  it('supports recursion through object properties and array items', () => {
    const { types } = loadJson({
      'tree.schema.json': { title: 'Tree', type: 'object', properties: { children: { type: 'array', items: { $ref: '#' } }, parent: { anyOf: [{ $ref: '#' }, { type: 'null' }] } }, $defs: { Node: { type: 'object', properties: { next: { $ref: '#/$defs/Node' }, byName: { type: 'object', additionalProperties: { $ref: '#/$defs/Node' } } } } } },
    });
    const tree = T.ref('tree.schema.json#');
    const node = T.ref('tree.schema.json#/$defs/Node');
    expect(types.get('tree.schema.json#')!.node).toEqual(T.object([['children', T.array(tree)], ['parent', T.union(tree, T.null)]]));
    expect(types.get('tree.schema.json#/$defs/Node')!.node).toEqual(T.object([['next', node], ['byName', T.map(node)]]));
  });

  it('resolves embedded $id resources and $anchor (2020-12) / "$id": "#name" (draft-07)', () => {
    const { types } = loadJson({
      'a.schema.json': { $id: 'https://example.test/a.json', type: 'object', properties: { x: { $ref: 'embedded.json' }, y: { $ref: '#named' }, z: { $ref: 'embedded.json#/properties/q' } }, $defs: { E: { $id: 'embedded.json', type: 'object', properties: { q: { type: 'boolean' } } }, N: { $anchor: 'named', type: 'string' } } },
      'b.schema.json': { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { v: { $ref: '#old' } }, definitions: { Old: { $id: '#old', type: 'integer' } } },
    });
    expect(types.get('a.schema.json#')!.node).toEqual(T.object([['x', T.ref('a.schema.json#/$defs/E')], ['y', T.ref('a.schema.json#/$defs/N')], ['z', T.boolean]]));
    expect(types.get('b.schema.json#')!.node).toEqual(T.object([['v', T.ref('b.schema.json#/definitions/Old')]]));
  });
});

describe('references across files (fixture test/fixtures/jsonschema/domain)', () => {
  const { modules, types } = loadFixture('domain');

  it('resolves relative refs against $id, absolute refs, and path-based ids', () => {
    const order = types.get('orders/order.schema.json#')!.node;
    if (order.kind !== 'object') throw new Error('not an object');
    const field = (n: string) => order.fields.find((f) => f.name === n)!.type;
    expect(field('device')).toEqual(T.ref('common.schema.json#/definitions/DeviceInfo'));
    expect(field('total')).toEqual(T.ref('common.schema.json#/definitions/Money'));
    expect(field('channel')).toEqual(T.ref('common.schema.json#/definitions/Channel'));
    expect(types.get('tree.schema.json#/$defs/Meta')!.node).toEqual(T.object([['sku', T.string], ['label', T.string]]));
    expect(types.get('nested/leaf.schema.json#')!.node).toEqual(T.object([['category', T.ref('tree.schema.json#'), true], ['meta', T.ref('tree.schema.json#/$defs/Meta')]]));
  });

  it('lists, per module, the documents its validators need: itself, then what it references, transitively', () => {
    expect(modules.map((m) => [m.path, m.jsonDocuments!.map((d) => d.id)])).toEqual([
      ['common', ['https://example.test/schemas/common.schema.json']],
      ['nested/leaf', ['https://kafkagen.local/schemas/nested/leaf.schema.json', 'https://kafkagen.local/schemas/tree.schema.json', 'https://example.test/schemas/orders/order.schema.json', 'https://example.test/schemas/common.schema.json']],
      ['orders/order', ['https://example.test/schemas/orders/order.schema.json', 'https://example.test/schemas/common.schema.json']],
      ['tree', ['https://kafkagen.local/schemas/tree.schema.json', 'https://example.test/schemas/orders/order.schema.json', 'https://example.test/schemas/common.schema.json']],
    ]);
    const common = modules[0]!.jsonDocuments![0]!;
    expect(common.file).toBe('test/fixtures/jsonschema/domain/common.schema.json');
    expect((common.schema as { title: string }).title).toBe('Common');
    // One object per document, shared by every module that needs it.
    expect(modules[2]!.jsonDocuments![1]).toBe(common);
  });

  it('gives a file that only holds definitions no root type', () => {
    expect(modules[0]!.types.map((t) => t.name)).toEqual(['Uuid', 'Timestamp', 'Currency', 'Amount', 'DeviceInfo', 'Channel']);
  });
});

describe('speed', () => {
  it('loads 1,000 files that share a common file', () => {
    const files: Record<string, unknown> = {
      'common.schema.json': { $id: 'https://example.test/s/common.schema.json', $defs: { Id: { type: 'string', format: 'uuid' }, Money: { type: 'object', properties: { cents: { type: 'integer' }, currency: { type: 'string', enum: ['EUR', 'USD'] } }, required: ['cents', 'currency'] } } },
    };
    for (let i = 0; i < 1000; i++) {
      files[`events/e${i}.schema.json`] = {
        $id: `https://example.test/s/events/e${i}.schema.json`,
        title: `Event ${i}`,
        type: 'object',
        properties: { id: { $ref: '../common.schema.json#/$defs/Id' }, amount: { $ref: '../common.schema.json#/$defs/Money' }, at: { type: 'string', format: 'date-time' }, tags: { type: 'array', items: { type: 'string' } }, detail: { $ref: '#/$defs/Detail' } },
        required: ['id'],
        $defs: { Detail: { oneOf: [{ type: 'null' }, { type: 'object', properties: { note: { type: 'string' }, next: { $ref: '#/$defs/Detail' } } }] } },
      };
    }
    const { modules, list, dir } = loadJson(files);
    rmSync(dir, { recursive: true, force: true });
    expect(modules).toHaveLength(1001);
    expect(list).toHaveLength(2 + 2000);
    expect(modules[1]!.jsonDocuments!.map((d) => d.id)).toEqual(['https://example.test/s/events/e0.schema.json', 'https://example.test/s/common.schema.json']);
  });
});
