// Validation results shared by Avro codecs and JSON Schema validators.
// Errors are always a list of { path, message }, never a bare "invalid".

/** One problem found in a value. `path` is a JSON Pointer ('' is the value itself). */
export interface ValidationIssue {
  path: string;
  message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ValidationIssue[] };

export interface Validator<T> {
  validate(value: unknown): ValidationResult<T>;
  is(value: unknown): value is T;
}

/** Escapes one JSON Pointer segment (RFC 6901). */
export function pointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => '/' + pointerSegment(s)).join('');
}

/** The shape of an ajv (standalone) validate function, without importing ajv at run time. */
export interface AjvValidateFunction {
  (data: unknown): boolean;
  errors?: null | Array<{ instancePath: string; message?: string; keyword: string; params?: Record<string, unknown> }>;
}

/** Wraps an ahead-of-time compiled ajv validate function into a Validator. */
export function jsonValidator<T>(fn: AjvValidateFunction): Validator<T> {
  return {
    validate(value: unknown): ValidationResult<T> {
      if (fn(value)) return { ok: true, value: value as T };
      const errors = (fn.errors ?? []).map((e) => ({
        path: appendMissingProperty(e.instancePath, e.keyword, e.params),
        message: ajvMessage(e.keyword, e.message, e.params),
      }));
      return { ok: false, errors: errors.length > 0 ? errors : [{ path: '', message: 'is invalid' }] };
    },
    is(value: unknown): value is T {
      return fn(value);
    },
  };
}

// ajv reports a missing required property at its parent; point at the property itself,
// which is where a user looks for it.
function appendMissingProperty(path: string, keyword: string, params?: Record<string, unknown>): string {
  if (keyword === 'required' && params && typeof params.missingProperty === 'string') {
    return `${path}/${pointerSegment(params.missingProperty)}`;
  }
  if (keyword === 'additionalProperties' && params && typeof params.additionalProperty === 'string') {
    return `${path}/${pointerSegment(params.additionalProperty)}`;
  }
  return path;
}

function ajvMessage(keyword: string, message: string | undefined, params?: Record<string, unknown>): string {
  if (keyword === 'required') return 'is required';
  if (keyword === 'additionalProperties') return 'is not allowed (additionalProperties is false)';
  if (keyword === 'enum' && params && Array.isArray(params.allowedValues)) {
    return `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return message ?? `fails ${keyword}`;
}
