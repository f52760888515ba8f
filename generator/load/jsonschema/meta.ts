// Checks a schema document against its draft's meta-schema (once per run, one ajv instance),
// so a keyword with a wrong value is reported with its file and JSON Pointer at load time
// instead of as an ajv exception while emitting validators.
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';

export type Draft = 'draft-07' | '2020-12';

export const META_URI: Record<Draft, string> = {
  'draft-07': 'http://json-schema.org/draft-07/schema#',
  '2020-12': 'https://json-schema.org/draft/2020-12/schema',
};

const require = createRequire(import.meta.url);
let validators: Record<Draft, ValidateFunction> | undefined;

function metaValidators(): Record<Draft, ValidateFunction> {
  if (!validators) {
    const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false, logger: false });
    ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-07.json') as object);
    validators = { 'draft-07': ajv.getSchema('http://json-schema.org/draft-07/schema')!, '2020-12': ajv.getSchema('https://json-schema.org/draft/2020-12/schema')! };
  }
  return validators;
}

/** The first meta-schema violation in `schema` (pointer into the schema and message), if any. */
export function metaSchemaProblem(schema: unknown, draft: Draft): { pointer: string; message: string } | undefined {
  const validate = metaValidators()[draft];
  if (validate(schema)) return undefined;
  const e = validate.errors?.[0];
  if (!e) return { pointer: '', message: 'does not match the meta-schema' };
  const detail = e.keyword === 'enum' && Array.isArray(e.params.allowedValues) ? `must be one of ${e.params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')}` : e.message ?? `fails ${e.keyword}`;
  return { pointer: e.instancePath, message: detail };
}
