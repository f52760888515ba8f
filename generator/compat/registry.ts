// Asks a Confluent-compatible schema registry whether a schema is compatible with a subject:
//
//   POST {url}/compatibility/subjects/{subject}/versions/latest?verbose=true   (BACKWARD, FORWARD, FULL, NONE)
//   POST {url}/compatibility/subjects/{subject}/versions?verbose=true          (*_TRANSITIVE)
//   body { schema, schemaType, references? }
//
// `versions/latest` compares with the latest version only, in Confluent Schema Registry and in
// Apicurio Registry alike, whatever the subject's level; for a transitive level only the
// all-versions endpoint (the same check a registration makes) covers the older versions.
// The registry applies the subject's level as configured in the registry.
// A subject the registry does not know (404) is new: compatible.
// Apicurio Registry (3.0.x) cannot check a schema with references through this API; its answers
// for those become one REGISTRY_UNSUPPORTED error per subject (see apicurioReferenceFailure).
import { isKafkagenRuntimeError } from '../../runtime/errors.js';
import { RegistryHttpError, registryHttp } from '../../runtime/registry.js';
import { CompatError } from './errors.js';
import { pointerToPath, renderPath } from './paths.js';
import type { Reason, SchemaFormat } from './types.js';
import { RULE_HINTS } from './rules.js';

export interface RegistryReference {
  name: string;
  subject: string;
  version: number;
}

export interface RegistryCheckRequest {
  subject: string;
  format: SchemaFormat;
  level: string;
  candidate: unknown;
  /** References of the candidate as registered (`references` of the registration body). */
  registryReferences?: RegistryReference[];
}

export interface RegistryClientOptions {
  /** user:password for HTTP basic authentication (as SCHEMA_REGISTRY_AUTH). */
  basicAuth?: string;
  /** Bearer token (as SCHEMA_REGISTRY_TOKEN). */
  bearerToken?: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

export interface RegistryVerdict {
  compatible: boolean;
  /** The registry's reasons, parsed from its `messages` (Confluent); empty for Apicurio. */
  reasons: Reason[];
  /** The subject does not exist yet in the registry. */
  newSubject: boolean;
}

export async function askRegistry(url: string, req: RegistryCheckRequest, opts: RegistryClientOptions = {}): Promise<RegistryVerdict> {
  // The runtime's registry client: one place for auth, timeouts, retries and error bodies.
  const http = registryHttp({ url, basicAuth: opts.basicAuth, bearerToken: opts.bearerToken, timeoutMs: opts.timeoutMs ?? 30_000 }, opts.fetch);
  const transitive = req.level.toUpperCase().endsWith('_TRANSITIVE');
  const path = `/compatibility/subjects/${encodeURIComponent(req.subject)}/versions${transitive ? '' : '/latest'}?verbose=true`;
  const body = {
    schema: JSON.stringify(req.candidate),
    schemaType: req.format,
    ...(req.registryReferences?.length ? { references: req.registryReferences } : {}),
  };
  let json: unknown;
  try {
    json = await http('POST', path, body);
  } catch (e) {
    if (e instanceof RegistryHttpError) {
      if (e.status === 404) return { compatible: true, reasons: [], newSubject: true };
      if (req.registryReferences?.length && apicurioReferenceFailure(req.format, e.status, e.registryMessage ?? e.message)) {
        throw new CompatError(
          'REGISTRY_UNSUPPORTED',
          `Apicurio Registry cannot check schemas with references through its Confluent-compatible API (this schema has ${req.registryReferences.length} reference${req.registryReferences.length === 1 ? '' : 's'}; the registry answered ${e.status}: ${e.registryMessage ?? e.message})`,
          { hint: 'check this subject with kafkagen check --against REF (a git ref or a folder of the previous schemas), which resolves references itself' },
        );
      }
      throw new CompatError('REGISTRY_ERROR', `the registry answered ${e.status} for ${req.subject}: ${e.registryMessage ?? e.message}`, {
        retriable: e.retriable,
        hint: e.status === 401 || e.status === 403 ? 'set SCHEMA_REGISTRY_AUTH=user:password or SCHEMA_REGISTRY_TOKEN' : e.status === 422 ? 'the registry cannot parse the schema; kafkagen check --against shows where' : undefined,
      });
    }
    if (isKafkagenRuntimeError(e) && e.code === 'REGISTRY_UNAVAILABLE') {
      const cause = e.cause as Error | undefined;
      throw new CompatError('REGISTRY_UNREACHABLE', `the registry at ${url.replace(/\/+$/, '')} did not answer: ${cause?.name === 'TimeoutError' ? 'timed out' : (cause?.message ?? e.message)}`, {
        retriable: true,
        cause: e,
        hint: 'check --registry (for Apicurio: http://host:port/apis/ccompat/v7)',
      });
    }
    throw e;
  }
  const answer = (json ?? {}) as { is_compatible?: unknown; messages?: unknown };
  if (typeof answer.is_compatible !== 'boolean') {
    throw new CompatError('REGISTRY_ERROR', `the registry's answer for ${req.subject} has no is_compatible: ${JSON.stringify(json ?? null).slice(0, 300)}`);
  }
  const messages = Array.isArray(answer.messages) ? answer.messages.map(String) : [];
  const reasons = answer.is_compatible ? [] : parseRegistryMessages(messages);
  if (!answer.is_compatible && reasons.length === 0) {
    reasons.push({
      path: '',
      rule: 'REGISTRY_INCOMPATIBLE',
      message: 'the registry reports the schema incompatible without giving reasons (Apicurio Registry never gives them)',
      hint: RULE_HINTS.REGISTRY_INCOMPATIBLE!,
    });
  }
  return { compatible: answer.is_compatible, reasons, newSubject: false };
}

/**
 * Whether a registry error is Apicurio Registry failing on a schema with references, which it
 * does for every such schema on its Confluent-compatible compatibility endpoint (3.0.9; posting
 * the registered schema with its own references fails the same way):
 * - Avro: 422 (42201) "Could not execute compatibility rule on invalid Avro schema" (it parses
 *   the schema without the referenced named types);
 * - JSON Schema: 500 "java.net.UnknownHostException: <host of $id>" (it fetches `$ref`s, resolved
 *   against `$id`, over the network instead of using the references) or "#: could not determine
 *   version" (its loader failing on the referenced document).
 * Only asked for requests that carry references; any other error stays what it is.
 */
export function apicurioReferenceFailure(format: SchemaFormat, status: number, message: string): boolean {
  if (format === 'AVRO') return status === 422 && /Could not execute compatibility rule on invalid Avro schema/i.test(message);
  if (format === 'JSON') return status === 500 && /java\.net\.UnknownHostException|could not determine version/i.test(message);
  return false;
}

/**
 * Confluent's `messages`: one string per incompatibility, e.g.
 * `{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'x' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'x'}`
 * (Avro) or `{errorType:"TYPE_CHANGED", description:"A type at path '#/properties/a' is different between the new schema and the old schema'}`
 * (JSON Schema), followed by context entries (`{oldSchemaVersion: 2}`, `{oldSchema: '...'}`,
 * `{validateFields: 'false', compatibility: 'BACKWARD'}`) that are left out.
 */
export function parseRegistryMessages(messages: readonly string[]): Reason[] {
  const reasons: Reason[] = [];
  for (const m of messages) {
    if (/^\{\s*(oldSchemaVersion|oldSchema|validateFields|compatibility)\s*:/.test(m)) continue;
    const type = /errorType:\s*['"]([A-Z_]+)['"]/.exec(m)?.[1];
    if (!type) {
      reasons.push({ path: '', rule: 'REGISTRY', message: m, hint: '' });
      continue;
    }
    const description = (/description:\s*['"](.*?)['"]\s*(?:,\s*additionalInfo:|\}\s*$)/s.exec(m)?.[1] ?? m);
    const pointer = /path '([^']*)'/.exec(description)?.[1];
    reasons.push({
      path: pointer === undefined ? '' : renderPath(pointerToPath(pointer)),
      rule: type,
      message: description,
      hint: RULE_HINTS[type] ?? '',
    });
  }
  return reasons;
}
