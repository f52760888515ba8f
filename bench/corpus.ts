// A synthetic schema corpus for the generator benchmark: half Avro, half JSON Schema, with
// cross-file references, enums, unions, logical types and nested records, like a real domain.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function writeCorpus(dir: string, count: number): { avro: string[]; json: string[] } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'avro'), { recursive: true });
  mkdirSync(path.join(dir, 'json'), { recursive: true });
  const avro: string[] = [];
  const json: string[] = [];
  const avroCount = Math.ceil(count / 2);
  for (let i = 0; i < avroCount; i++) {
    const file = path.join(dir, 'avro', `event${i}.avsc`);
    const shared = i > 0 ? [{ name: 'previous', type: ['null', `bench.e${i - 1}.Event${i - 1}`], default: null }] : [];
    writeFileSync(file, JSON.stringify({
      type: 'record',
      name: `Event${i}`,
      namespace: `bench.e${i}`,
      doc: `Synthetic event ${i}`,
      fields: [
        { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
        { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'count', type: 'long', default: 0 },
        { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 } },
        { name: 'status', type: { type: 'enum', name: `Status${i}`, symbols: ['NEW', 'DONE', 'FAILED'], default: 'NEW' } },
        { name: 'tags', type: { type: 'map', values: 'string' }, default: {} },
        { name: 'detail', type: [{ type: 'record', name: `Ok${i}`, fields: [{ name: 'score', type: 'double' }] }, { type: 'record', name: `Err${i}`, fields: [{ name: 'reason', type: 'string' }] }] },
        { name: 'items', type: { type: 'array', items: { type: 'record', name: `Item${i}`, fields: [{ name: 'sku', type: 'string' }, { name: 'qty', type: 'int' }] } } },
        ...shared,
      ],
    }, null, 2));
    avro.push(file);
  }
  for (let i = 0; i < count - avroCount; i++) {
    const file = path.join(dir, 'json', `doc${i}.schema.json`);
    writeFileSync(file, JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `https://bench.local/json/doc${i}.schema.json`,
      title: `Doc${i}`,
      type: 'object',
      additionalProperties: false,
      required: ['id', 'kind', 'created_at'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        kind: { enum: ['a', 'b', 'c'] },
        created_at: { type: 'string', format: 'date-time' },
        email: { type: ['string', 'null'], format: 'email' },
        lines: { type: 'array', items: { $ref: '#/$defs/Line' } },
        meta: { type: 'object', additionalProperties: { type: 'string' } },
        ...(i > 0 ? { previous: { $ref: `doc${i - 1}.schema.json` } } : {}),
      },
      $defs: { Line: { type: 'object', required: ['sku'], properties: { sku: { type: 'string', minLength: 1 }, qty: { type: 'integer', minimum: 0 } } } },
    }, null, 2));
    json.push(file);
  }
  return { avro, json };
}
