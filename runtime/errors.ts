// Runtime errors: a stable `code`, whether retrying can help (`retriable`), and the `cause`.
// Guards check `code`, not `instanceof`, so they work across copies of the package.
import type { ValidationIssue } from './validation.js';

export type RuntimeErrorCode =
  | 'CONFIG_INVALID'
  | 'VALIDATION_FAILED'
  | 'SERIALIZE_FAILED'
  | 'DESERIALIZE_FAILED'
  | 'UNKNOWN_SCHEMA_ID'
  | 'SCHEMA_NOT_REGISTERED'
  | 'REGISTRY_UNAVAILABLE'
  | 'REGISTRY_HTTP'
  | 'SEND_FAILED'
  | 'UNKNOWN_EVENT_TYPE'
  | 'KEY_MISSING'
  | 'HANDLER_FAILED'
  | 'DEAD_LETTERED'
  | 'SHUTDOWN_TIMEOUT';

export class KafkagenRuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  readonly retriable: boolean;
  /** For VALIDATION_FAILED: every problem with its JSON path. */
  readonly issues: ValidationIssue[];

  constructor(code: RuntimeErrorCode, message: string, opts: { retriable?: boolean; cause?: unknown; issues?: ValidationIssue[] } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'KafkagenRuntimeError';
    this.code = code;
    this.retriable = opts.retriable ?? false;
    this.issues = opts.issues ?? [];
  }
}

export function isKafkagenRuntimeError(e: unknown): e is KafkagenRuntimeError {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'KafkagenRuntimeError' && typeof (e as { code?: unknown }).code === 'string';
}

export function isValidationError(e: unknown): e is KafkagenRuntimeError {
  return isKafkagenRuntimeError(e) && e.code === 'VALIDATION_FAILED';
}

/** Retriable: our own flag, or kafkajs's `retriable` on its errors (network, leader moves). */
export function isRetriable(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { retriable?: unknown }).retriable === true;
}

export function validationError(what: string, issues: ValidationIssue[]): KafkagenRuntimeError {
  const list = issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; ');
  return new KafkagenRuntimeError('VALIDATION_FAILED', `${what} is invalid: ${list}`, { issues });
}
