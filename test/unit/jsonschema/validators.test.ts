// The emitted ahead-of-time ajv validators: written to .cache/test-jsv, imported, and run
// against valid and invalid values (exact instancePaths); deterministic, readable output.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitJsonValidators, jsonSchemaAjv } from '../../../generator/emit/json-validators.js';
import { emitModule, runtimeSpecifier } from '../../../generator/emit/module.js';
import { typesWithDistinctInput } from '../../../generator/emit/types.js';
import { isKafkagenError } from '../../../generator/errors.js';
import { header } from '../../../generator/emit/header.js';
import { jsonValidator, type AjvValidateFunction } from '../../../runtime/validation.js';
import { strictDiagnostics } from '../../support/compile.js';
import { type Loaded, importValidators, loadDir, loadFixture, loadJson, outputDir, paths, removeOutput, repo } from './helpers.js';

afterAll(removeOutput);

const UUID = '0f8b3c2e-1d2a-4c5b-9e6f-7a8b9c0d1e2f';
const money = (cents: number, currency = 'EUR') => ({ cents, currency });
const validOrder = () => ({
  order_id: UUID,
  placed_at: '2024-01-15T10:30:00Z',
  total: money(1250),
  device: { device_type: 'mobile', os: null, screen: [390, 844] },
  lines: [{ sku: 'A-1', quantity: 2, unit_price: money(625) }],
  customer_email: 'reader@example.com',
  coupon: { kind: 'fixed', amount: money(100, 'USD') },
  channel: 'web',
  notes: { gift: 'yes' },
});

describe.each([
  ['self-contained', false],
  ['sharing other modules\' validators by import', true],
])('validators for the domain fixture (draft-07 + 2020-12, cross-file refs), %s', (_mode, shared) => {
  let domain: Loaded;
  let v: Map<string, Record<string, AjvValidateFunction>>;
  beforeAll(async () => {
    domain = loadFixture('domain');
    v = await importValidators(domain.modules, shared ? domain.types : undefined);
  });
  const fn = (module: string, name: string): AjvValidateFunction => v.get(module)![name]!;

  it('exports validate<TypeName> for every named type of each module, and nothing else', () => {
    for (const m of domain.modules) expect(Object.keys(v.get(m.path)!).sort()).toEqual(m.types.map((t) => `validate${t.name}`).sort());
    expect(Object.keys(v.get('common')!)).toContain('validateAmount');
  });

  it('accepts a valid value', () => {
    const order = fn('orders/order', 'validateOrderPlaced');
    expect(paths(order, validOrder())).toEqual([]);
    expect(paths(order, { ...validOrder(), coupon: null, notes: {} })).toEqual([]);
    expect(paths(order, { ...validOrder(), coupon: { kind: 'percent', percent: 12.5 } })).toEqual([]);
  });

  it('reports every problem with its exact instancePath (allErrors)', () => {
    const bad = {
      ...validOrder(),
      order_id: 'not-a-uuid',
      placed_at: 'yesterday',
      total: { cents: -1, currency: 'GBP' },
      device: { device_type: 'tv', screen: [1, 2, 3] },
      lines: [],
      customer_email: 'nope',
      channel: 'w',
      notes: { a: 1 },
      extra: true,
    };
    const order = fn('orders/order', 'validateOrderPlaced');
    expect(paths(order, bad)).toEqual(['', '/order_id', '/placed_at', '/total/cents', '/total/currency', '/device/device_type', '/device/screen', '/lines', '/customer_email', '/channel', '/notes/a']);
    expect(order.errors!.map((e) => e.keyword)).toEqual(['additionalProperties', 'format', 'format', 'minimum', 'enum', 'enum', 'items', 'minItems', 'format', 'minLength', 'type']);
  });

  it('reports nested problems in arrays and unions', () => {
    const order = fn('orders/order', 'validateOrderPlaced');
    expect(paths(order, { ...validOrder(), lines: [{ sku: 'A-1', quantity: 1, unit_price: money(1) }, { sku: 'bad sku', quantity: 0, unit_price: { cents: 1 } }] })).toEqual([
      '/lines/1/sku',
      '/lines/1/quantity',
      '/lines/1/unit_price',
    ]);
    expect(paths(order, { ...validOrder(), coupon: { kind: 'percent', percent: 0 } })).toEqual(['/coupon/percent', '/coupon', '/coupon/kind', '/coupon', '/coupon', '/coupon']);
  });

  it('validates draft-07 tuples (items list + additionalItems: false) and "$id": "#anchor"', () => {
    const device = fn('common', 'validateDeviceInfo');
    expect(paths(device, { device_type: 'desktop', screen: [1, 2] })).toEqual([]);
    expect(paths(device, { device_type: 'desktop', screen: [1, 'x'] })).toEqual(['/screen/1']);
    expect(paths(device, { device_type: 'desktop', screen: [1, 2, 3] })).toEqual(['/screen']);
    expect(paths(fn('common', 'validateChannel'), 'x')).toEqual(['']);
    expect(paths(fn('common', 'validateChannel'), 'web')).toEqual([]);
  });

  it('validates recursion, inlined pointer refs and files without $id', () => {
    const category = fn('tree', 'validateCategory');
    expect(paths(category, { name: 'a', children: [{ name: 'b', children: [], parent: null }] })).toEqual([]);
    expect(paths(category, { name: 'a', children: [{ name: 'b', children: [{ name: '', children: [] }] }], meta: { sku: 'lower' } })).toEqual(['/children/0/children/0/name', '/meta/sku']);
    expect(paths(fn('nested/leaf', 'validateLeaf'), { category: { name: 'x', children: [] }, meta: { label: '' } })).toEqual(['/meta/label']);
    expect(paths(fn('nested/leaf', 'validateLeaf'), { category: { name: 'x' } })).toEqual(['/category']);
  });

  it('checks formats (ajv-formats, full mode)', () => {
    const { modules } = loadJson({ 'f.schema.json': { type: 'object', properties: { dt: { type: 'string', format: 'date-time' }, d: { type: 'string', format: 'date' }, u: { type: 'string', format: 'uuid' }, e: { type: 'string', format: 'email' }, uri: { type: 'string', format: 'uri' }, phone: { type: 'string', format: 'phone' } } } });
    return importValidators(modules).then((m) => {
      const f = m.get('f')!.validateF!;
      expect(paths(f, { dt: '2024-02-29T23:59:59+01:00', d: '2024-02-29', u: UUID, e: 'a@b.co', uri: 'https://example.com/x?y=1' })).toEqual([]);
      expect(paths(f, { dt: '2024-02-30T10:00:00Z', d: '2023-02-29', u: 'x', e: 'a@', uri: 'not a uri' })).toEqual(['/dt', '/d', '/u', '/e', '/uri']);
      // An unknown format is an annotation: accepted, not checked.
      expect(paths(f, { phone: 'anything' })).toEqual([]);
    });
  });

  it('turns into { path, message } lists through the runtime jsonValidator', () => {
    const order = jsonValidator(fn('orders/order', 'validateOrderPlaced'));
    const { customer_email: _omitted, ...rest } = validOrder();
    expect(order.validate({ ...rest, total: money(1, 'GBP') })).toEqual({
      ok: false,
      errors: [
        { path: '/customer_email', message: 'is required' },
        { path: '/total/currency', message: 'must be one of "EUR", "USD"' },
      ],
    });
    expect(order.is(validOrder())).toBe(true);
  });

  it('is deterministic, machine-independent and readable', () => {
    const usedHelpers: string[] = [];
    for (const m of domain.modules) {
      const types = shared ? domain.types : undefined;
      const a = emitJsonValidators(m, { runtimeImport: '../runtime/index.js', types });
      const b = emitJsonValidators(m, { runtimeImport: '../runtime/index.js', types });
      expect(b).toEqual(a);
      for (const text of [a.js, a.dts]) {
        expect(text.startsWith(header(m.sourceFile))).toBe(true);
        expect(text).not.toContain(repo);
        expect(text).not.toContain('\r');
        expect(text).not.toContain('kafkagen.local/schemas/../');
      }
      // ajv's helpers come from the runtime, never from ajv itself (pnpm, Yarn PnP).
      expect(a.js).not.toMatch(/\brequire\(|createRequire|from "ajv/);
      const helpers = [...new Set(a.js.match(/\bjsonSchema\w+/g) ?? [])].sort();
      if (helpers.length > 0) expect(a.js).toContain(`\nimport { ${helpers.join(', ')} } from "../runtime/index.js";\n`);
      usedHelpers.push(...helpers);
      expect(a.js).not.toContain('"use strict"');
      expect(a.js).not.toContain('sourceURL');
      // Formatted: one statement a line, indented by depth, long literals one entry a line.
      const lines = a.js.split('\n');
      expect(lines.length).toBeGreaterThan(50);
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(400);
      expect(lines.filter((l) => /^\s*function /.test(l)).every((l) => l.startsWith('function validate'))).toBe(true);
      expect(lines.filter((l) => l.includes('vErrors.push(')).every((l) => /^ {4,}vErrors\.push\(err\d+\);$/.test(l))).toBe(true);
      expect(lines.at(-1)).toBe('');
      expect(lines.at(-2)).toMatch(/^validate\d+\.evaluated = /);
    }
    expect(new Set(usedHelpers)).toEqual(new Set(['jsonSchemaFormats', 'jsonSchemaUcs2length']));
  });

  it('declares each export in the .d.ts, importing the type from the given runtime specifier', () => {
    const m = domain.modules.find((x) => x.path === 'orders/order')!;
    expect(emitJsonValidators(m, { runtimeImport: '../../runtime/index.js', types: shared ? domain.types : undefined }).dts).toBe(
      `${header(m.sourceFile)}import type { AjvValidateFunction } from "../../runtime/index.js";\n\nexport declare const validateOrderPlaced: AjvValidateFunction;\nexport declare const validateLine: AjvValidateFunction;\nexport declare const validateCoupon: AjvValidateFunction;\n`,
    );
  });

  it('gives the same verdicts through jsonSchemaAjv (compiled at run time)', () => {
    const ajv = jsonSchemaAjv(domain.modules.flatMap((m) => m.jsonDocuments ?? []));
    const device = ajv.getSchema(domain.types.get('common.schema.json#/definitions/DeviceInfo')!.json!.ref)!;
    expect(device({ device_type: 'desktop', screen: [1, 2, 3] })).toBe(false);
    expect(device.errors!.map((e) => e.instancePath)).toEqual(['/screen']);
    const order = ajv.getSchema(domain.types.get('orders/order.schema.json#')!.json!.ref)!;
    expect(order(validOrder())).toBe(true);
  });
});

describe('sharing validators between modules (types given)', () => {
  it('imports the types of other files instead of compiling them again', () => {
    const { modules, types } = loadFixture('domain');
    const order = modules.find((m) => m.path === 'orders/order')!;
    const shared = emitJsonValidators(order, { runtimeImport: 'kafkagen/runtime', types }).js;
    const alone = emitJsonValidators(order, { runtimeImport: 'kafkagen/runtime' }).js;
    expect(shared).toContain('import { validateUuid as kafkagenImport0, validateTimestamp as kafkagenImport1, validateAmount as kafkagenImport3, validateDeviceInfo as kafkagenImport4, validateChannel as kafkagenImport5 } from "../common.validate.js";');
    // DeviceInfo's code (its enum check) lives in common.validate.js only.
    expect(shared).not.toContain('"desktop"');
    // Channel is referenced through its anchor ("$id": "#channel" in draft-07); the stub keeps it.
    expect(shared).toContain('{ "kafkagenImport": "kafkagenImport5", "$anchor": "channel" }');
    expect(alone).toContain('"desktop"');
    expect(alone).not.toContain('kafkagenImport');
    expect(shared.length).toBeLessThan(alone.length);
  });

  it('compiles a type locally when a $ref points inside it', () => {
    const { modules, types } = loadFixture('domain');
    const tree = emitJsonValidators(modules.find((m) => m.path === 'tree')!, { runtimeImport: 'kafkagen/runtime', types }).js;
    expect(tree).not.toContain('order.validate.js');
    expect(tree).toContain('new RegExp("^[A-Z0-9-]+$", "u")');
  });

  it('handles files whose types refer to each other (modules importing each other)', async () => {
    const { modules, types } = loadJson({
      'a.schema.json': { title: 'A', type: 'object', properties: { b: { $ref: 'b.schema.json' }, s: { type: 'string' } } },
      'b.schema.json': { title: 'B', type: 'object', properties: { a: { $ref: 'a.schema.json' }, n: { type: 'integer' } } },
    });
    const v = await importValidators(modules, types);
    expect(emitJsonValidators(modules[0]!, { runtimeImport: 'x', types }).js).toContain('from "./b.validate.js"');
    expect(emitJsonValidators(modules[1]!, { runtimeImport: 'x', types }).js).toContain('from "./a.validate.js"');
    expect(paths(v.get('a')!.validateA!, { s: 'x', b: { n: 1, a: { b: { n: 'no' }, s: 2 } } })).toEqual(['/b/a/b/n', '/b/a/s']);
    expect(paths(v.get('b')!.validateB!, { a: { b: { a: {} } } })).toEqual([]);
  });

  it('keeps the output of each module the same size along a chain of references', () => {
    const files: Record<string, unknown> = {};
    for (let i = 0; i < 30; i++) files[`c${i}.schema.json`] = { title: `C${i}`, type: 'object', properties: { n: { type: 'integer' }, ...(i > 0 ? { prev: { $ref: `c${i - 1}.schema.json` } } : {}) } };
    const { modules, types } = loadJson(files);
    const size = (path: string, shared: boolean) => emitJsonValidators(modules.find((m) => m.path === path)!, { runtimeImport: 'x', types: shared ? types : undefined }).js.length;
    expect(size('c29', true)).toBeLessThan(size('c1', true) * 1.2);
    expect(size('c29', false)).toBeGreaterThan(size('c1', false) * 10);
  });
});

describe('ajv helpers from the runtime', () => {
  it('compares objects (const, enum, uniqueItems) and counts code points through the runtime', async () => {
    const { modules } = loadJson({
      'h.schema.json': {
        type: 'object',
        properties: {
          fixed: { const: { a: [1, { b: null }] } },
          choice: { enum: [{ x: 1 }, [1, 2], 'plain'] },
          set: { type: 'array', uniqueItems: true, items: { type: 'object' } },
          word: { type: 'string', minLength: 2, maxLength: 3 },
        },
      },
    });
    const js = emitJsonValidators(modules[0]!, { runtimeImport: 'kafkagen/runtime' }).js;
    expect(js).toContain('import { jsonSchemaEqual, jsonSchemaUcs2length } from "kafkagen/runtime";\n');
    const h = (await importValidators(modules)).get('h')!.validateH!;
    expect(paths(h, { fixed: { a: [1, { b: null }] }, choice: [1, 2], set: [{ a: 1 }, { a: 2 }], word: '😀😀😀' })).toEqual([]);
    expect(paths(h, { fixed: { a: [1, { b: 0 }] }, choice: { x: 2 }, set: [{ a: 1 }, { a: 1 }], word: '😀' })).toEqual(['/fixed', '/choice', '/set', '/word']);
  });
});

describe('validators across drafts', () => {
  it('lets a draft-07 file refer to a 2020-12 file and back', async () => {
    const { modules } = loadJson({
      'old.schema.json': { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { n: { $ref: 'new.schema.json#/$defs/Pair' } }, required: ['n'], definitions: { Code: { type: 'string', pattern: '^[A-Z]+$' } } },
      'new.schema.json': { type: 'object', properties: { code: { $ref: 'old.schema.json#/definitions/Code' } }, $defs: { Pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false } } },
    });
    const v = await importValidators(modules);
    expect(paths(v.get('old')!.validateOld!, { n: ['a', 1] })).toEqual([]);
    expect(paths(v.get('old')!.validateOld!, { n: ['a', 'b', 3] })).toEqual(['/n/1', '/n']);
    expect(paths(v.get('new')!.validateNew!, { code: 'abc' })).toEqual(['/code']);
  });

  it('reports a document missing from jsonDocuments as a KafkagenError', () => {
    const { modules } = loadJson({ 'a.schema.json': { type: 'object', properties: { b: { $ref: 'b.schema.json' } } }, 'b.schema.json': { type: 'string' } });
    const a = modules.find((m) => m.path === 'a')!;
    try {
      emitJsonValidators({ ...a, jsonDocuments: a.jsonDocuments!.slice(0, 1) }, { runtimeImport: 'kafkagen/runtime' });
      expect.unreachable();
    } catch (e) {
      expect(isKafkagenError(e) && e.code).toBe('REF_UNRESOLVED');
      expect(isKafkagenError(e) && e.location.file).toBe('a.schema.json');
    }
  });
});

describe('hard-case corpus (test/fixtures/jsonschema/hard)', () => {
  let hard: Loaded;
  let v: Record<string, AjvValidateFunction>;
  let js: string;
  beforeAll(async () => {
    hard = loadFixture('hard');
    v = (await importValidators(hard.modules)).get('hostile')!;
    js = emitJsonValidators(hard.modules[0]!, { runtimeImport: 'kafkagen/runtime' }).js;
  });
  // A JSON-parsed object has an own "__proto__" property; an object literal would not.
  const parsed = (text: string): unknown => JSON.parse(text);

  it('maps the hostile names and values', () => {
    expect(hard.list.map((t) => t.name)).toEqual(['Hostile', 'Keyword', 'Größe', 'WithSlash', 'NulType', 'T1stPlace', 'Class']);
    expect(Object.keys(v).sort()).toEqual(['validateClass', 'validateGröße', 'validateHostile', 'validateKeyword', 'validateNulType', 'validateT1stPlace', 'validateWithSlash']);
    expect(hard.types.get('hostile.schema.json#/$defs/Keyword')!.symbols).toEqual(['class', 'default', 'function', '__proto__', 'constructor', 'null', 'typeof', '*/']);
    const root = hard.types.get('hostile.schema.json#')!.node;
    expect(root.kind === 'object' && root.fields.map((f) => f.name)).toEqual(['constructor', '__proto__', 'class', 'my-prop', 'größe', 'toString', 'a/b~c', 'keyword', 'nothing', 'rank', 'size']);
    expect(root.kind === 'object' && root.fields[3]!.defaultText).toBe('"it\'s \\"quoted\\" `tick` ${process.exit(1)} \\\\ back"');
  });

  it('validates properties named constructor, __proto__, toString as own properties only', () => {
    expect(paths(v.validateHostile!, parsed('{"constructor":"c","__proto__":1,"class":true,"größe":1}'))).toEqual([]);
    // Missing: not satisfied by Object.prototype.constructor / the prototype.
    expect(paths(v.validateHostile!, { class: true, größe: 1 })).toEqual(['', '']);
    expect(v.validateHostile!.errors!.map((e) => e.params?.missingProperty)).toEqual(['constructor', '__proto__']);
    expect(paths(v.validateHostile!, parsed('{"constructor":"c","__proto__":1,"class":true,"größe":1,"toString":5}'))).toEqual(['/toString']);
  });

  it('escapes pointers in instancePaths and handles non-ASCII names', () => {
    const bad = parsed('{"constructor":"c","__proto__":1,"class":true,"größe":-1,"a/b~c":"A","keyword":"*/","nothing":null,"rank":0,"size":"groß","x":1}');
    expect(paths(v.validateHostile!, bad)).toEqual(['', '/größe', '/a~1b~0c', '/rank']);
    expect(paths(v.validateKeyword!, '__proto__')).toEqual([]);
    expect(paths(v.validateKeyword!, 'toString')).toEqual(['']);
    expect(paths(v.validateGröße!, 'groß')).toEqual([]);
  });

  it('cannot be escaped by descriptions or defaults', () => {
    expect(js).not.toMatch(/^export const pwned/m);
    expect(js).toContain('["__proto__"]: { "type": "integer" }');
    expect(js.match(/^export const \w+/gmu)!.length).toBe(7);
  });

  it('compiles under tsc --strict together with the TypeScript module', () => {
    const types = hard.types;
    const differs = typesWithDistinctInput({ types });
    const dir = outputDir('hard-');
    const runtimeImport = path.relative(dir, path.join(repo, 'runtime/index.js')).split(path.sep).join('/');
    const files: string[] = [];
    for (const m of hard.modules) {
      const ts = emitModule(m, { types }, differs, { runtimeImport, long: 'number' });
      expect(ts).not.toMatch(/^export const pwned/m);
      const validators = emitJsonValidators(m, { runtimeImport: runtimeSpecifier(runtimeImport, m.path) });
      const base = path.join(dir, m.path);
      mkdirSync(path.dirname(base), { recursive: true });
      writeFileSync(`${base}.ts`, ts);
      writeFileSync(`${base}.validate.js`, validators.js);
      writeFileSync(`${base}.validate.d.ts`, validators.dts);
      files.push(`${base}.ts`);
    }
    // Only the generated files are under test here (the runtime has its own checks).
    const ours = path.relative(repo, dir).split(path.sep).join('/');
    expect(strictDiagnostics(files).filter((d) => d.startsWith(ours))).toEqual([]);
  });
});

describe('the example domain (schemas/ownlens)', () => {
  const dir = path.join(repo, 'schemas/ownlens');
  // The example domain is committed with the repo: a missing folder is a failure, not a skip.
  it('loads without errors and its validators compile and import', async () => {
    expect(existsSync(dir), `${dir} (the committed example domain) is missing`).toBe(true);
    const { modules, list } = loadDir(dir, repo);
    expect(list.length).toBeGreaterThan(0);
    // Every schema file of the folder became a module.
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    expect(modules.length).toBe(files.length);
    const v = await importValidators(modules);
    for (const m of modules) {
      if (m.types.length === 0) continue;
      for (const t of m.types) expect(typeof v.get(m.path)![`validate${t.name}`]).toBe('function');
    }
  });
});
