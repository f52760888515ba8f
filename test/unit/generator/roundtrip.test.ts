// Every Avro type of the example domain: avsc random() values pass the generated validator
// and survive encode/decode; a value made invalid at one field fails it at that field's path.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AvroCodec } from '../../../runtime/avro.js';

const repo = path.resolve(import.meta.dirname, '../../..');
const avroModules = readdirSync(path.join(repo, 'schemas/chipquality')).filter((f) => f.endsWith('.avsc')).map((f) => f.replace('.avsc', ''));

type AnyCodec = AvroCodec<Record<string, unknown>, unknown>;
// Values no single Avro type accepts all of: the first that the field's type refuses is used.
const POISONS: unknown[] = ['☃ not avro', 12345.5, new Map([['k', 1]])];

async function codecs(module: string): Promise<Array<[string, AnyCodec]>> {
  const mod = (await import(path.join(repo, 'generated/chipquality', `${module}.ts`))) as Record<string, unknown>;
  return Object.entries(mod).filter(([n]) => n.endsWith('Codec')) as Array<[string, AnyCodec]>;
}

function recordFields(codec: AnyCodec): string[] {
  const schema = codec.schema as { type?: string; fields?: Array<{ name: string }> };
  return schema.type === 'record' ? (schema.fields ?? []).map((f) => f.name) : [];
}

describe.each(avroModules)('schemas/chipquality/%s.avsc', (module) => {
  it('random values pass the generated validators and round-trip', async () => {
    const list = await codecs(module);
    expect(list.length).toBeGreaterThan(0);
    for (const [name, codec] of list) {
      for (let i = 0; i < 25; i++) {
        const value = codec.random();
        expect(codec.validate(value), name).toEqual({ ok: true, value });
        const once = codec.decode(codec.encode(value));
        expect(codec.decode(codec.encode(once)), name).toEqual(once);
      }
    }
  });

  it('a value broken at one field fails validation at exactly that path', async () => {
    for (const [name, codec] of await codecs(module)) {
      const value = codec.random();
      for (const field of recordFields(codec)) {
        const result = POISONS.map((p) => codec.validate({ ...value, [field]: p })).find((r) => !r.ok);
        expect(result, `${name}.${field}`).toBeDefined();
        if (result && !result.ok) expect(result.errors.map((e) => e.path), `${name}.${field}`).toEqual([`/${field}`]);
        // One level deeper, where the field is a record.
        const inner = value[field];
        if (inner && typeof inner === 'object' && !Array.isArray(inner) && !(inner instanceof Date) && !Buffer.isBuffer(inner)) {
          const key = Object.keys(inner).find((k) => k !== '$type');
          if (!key) continue;
          const deep = POISONS.map((p) => codec.validate({ ...value, [field]: { ...(inner as object), [key]: p } })).find((r) => !r.ok);
          expect(deep, `${name}.${field}.${key}`).toBeDefined();
          if (deep && !deep.ok) expect(deep.errors.map((e) => e.path), `${name}.${field}.${key}`).toEqual([`/${field}/${key}`]);
        }
      }
    }
  });
});
