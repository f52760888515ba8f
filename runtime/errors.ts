// Runtime errors: a stable `code`, whether retrying can help (`retriable`), and the `cause`.
// Guards check `name` and `code`, not `instanceof`, so they work across copies of the package.
import type { ValidationIssue } from './validation.js';

export type RuntimeErrorCode =
  | 'CONFIG_INVALID'
  | 'VALIDATION_FAILED'
  | 'SERIALIZE_FAILED'
  | 'DESERIALIZE_FAILED'
  | 'UNKNOWN_SCHEMA_ID'
  | 'UNKNOWN_EVENT_TYPE'
  | 'SCHEMA_NOT_REGISTERED'
  | 'REGISTRY_UNAVAILABLE'
  | 'REGISTRY_AUTH_FAILED'
  | 'REGISTRY_HTTP'
  | 'BROKER_UNREACHABLE'
  | 'BROKER_AUTH_FAILED'
  | 'SEND_FAILED'
  | 'KEY_MISSING'
  | 'HANDLER_FAILED'
  | 'DEAD_LETTERED'
  | 'REPLAY_FAILED'
  | 'SHUTDOWN_TIMEOUT'
  | 'CLIENT_CLOSED';

export class KafkagenRuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  readonly retriable: boolean;
  /** VALIDATION_FAILED: every problem, `path` a JSON Pointer ('' is the root). */
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

/** `hasErrorCode(e, 'SCHEMA_NOT_REGISTERED')` */
export function hasErrorCode<C extends RuntimeErrorCode>(e: unknown, code: C): e is KafkagenRuntimeError & { code: C } {
  return isKafkagenRuntimeError(e) && e.code === code;
}

export const isValidationError = (e: unknown): e is KafkagenRuntimeError => hasErrorCode(e, 'VALIDATION_FAILED');

/** Our own flag, or kafkajs's `retriable` on its errors (network, leader moves). */
export function isRetriable(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { retriable?: unknown }).retriable === true;
}

export function validationError(what: string, issues: ValidationIssue[]): KafkagenRuntimeError {
  return new KafkagenRuntimeError('VALIDATION_FAILED', `${what} is invalid: ${issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; ')}`, { issues });
}

export function messageOf(e: unknown): string {
  const m = (e as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m : String(e);
}
