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
  const base = url.replace(/\/+$/, '');
  const transitive = req.level.toUpperCase().endsWith('_TRANSITIVE');
  const endpoint = `${base}/compatibility/subjects/${encodeURIComponent(req.subject)}/versions${transitive ? '' : '/latest'}?verbose=true`;
  const headers: Record<string, string> = { 'Content-Type': 'application/vnd.schemaregistry.v1+json', Accept: 'application/vnd.schemaregistry.v1+json, application/json' };
  if (opts.basicAuth) headers.Authorization = `Basic ${Buffer.from(opts.basicAuth).toString('base64')}`;
  else if (opts.bearerToken) headers.Authorization = `Bearer ${opts.bearerToken}`;
  const body = {
    schema: JSON.stringify(req.candidate),
    schemaType: req.format,
    ...(req.registryReferences?.length ? { references: req.registryReferences } : {}),
  };
  const doFetch = opts.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(endpoint, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000) });
  } catch (e) {
    throw new CompatError('REGISTRY_UNREACHABLE', `the registry at ${base} did not answer: ${(e as Error).message}`, {
      retriable: true,
      cause: e,
      hint: 'check --registry (for Apicurio: http://host:port/apis/ccompat/v7)',
    });
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.status === 404) return { compatible: true, reasons: [], newSubject: true };
  if (!res.ok) {
    const message = typeof (json as { message?: unknown })?.message === 'string' ? (json as { message: string }).message : text.slice(0, 500);
    throw new CompatError('REGISTRY_ERROR', `the registry answered ${res.status} for ${req.subject}: ${message}`, {
      retriable: res.status >= 500,
      hint: res.status === 401 || res.status === 403 ? 'set SCHEMA_REGISTRY_AUTH=user:password or SCHEMA_REGISTRY_TOKEN' : res.status === 422 ? 'the registry cannot parse the schema; kafkagen check --against shows where' : undefined,
    });
  }
  const answer = (json ?? {}) as { is_compatible?: unknown; messages?: unknown };
  if (typeof answer.is_compatible !== 'boolean') {
    throw new CompatError('REGISTRY_ERROR', `the registry's answer for ${req.subject} has no is_compatible: ${text.slice(0, 300)}`);
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
