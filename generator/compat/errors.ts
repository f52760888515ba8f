// Errors of `kafkagen check`: bad input (an unreadable schema, an unknown level, a git ref that
// does not exist) as opposed to a breaking change, which is a result, not an error.
// The `name` is 'KafkagenError' so the CLI's `isKafkagenError` guard treats these like every
// other user-facing error (message printed, exit code 2).

export type CompatErrorCode =
  | 'CHECK_USAGE' // unknown format or level, malformed subject list
  | 'SCHEMA_INVALID' // a schema that cannot be read as Avro / JSON Schema
  | 'SCHEMA_PARSE' // a schema file that is not JSON
  | 'REF_UNRESOLVED' // an Avro name or JSON Schema $ref that resolves to nothing
  | 'GIT_NOT_A_REPO' // --against REF outside a git work tree
  | 'GIT_UNKNOWN_REF' // --against REF names no commit
  | 'GIT_FAILED' // git itself failed (not installed, corrupt repository)
  | 'BASELINE_NOT_FOUND' // --against DIR that does not exist
  | 'REGISTRY_UNREACHABLE' // the registry did not answer
  | 'REGISTRY_ERROR' // the registry answered with an error
  | 'REGISTRY_UNSUPPORTED'; // the registry cannot run this check (Apicurio and schemas with references)

export class CompatError extends Error {
  readonly code: CompatErrorCode;
  readonly retriable: boolean;
  readonly hint: string | undefined;

  constructor(code: CompatErrorCode, message: string, options: { hint?: string; cause?: unknown; retriable?: boolean } = {}) {
    super(options.hint ? `${message}\n  fix: ${options.hint}` : message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KafkagenError';
    this.code = code;
    this.hint = options.hint;
    this.retriable = options.retriable ?? false;
  }
}

export function isCompatError(e: unknown): e is CompatError {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'KafkagenError' && typeof (e as { code?: unknown }).code === 'string';
}
