/**
 * kafkagen compatibility checking (issue #6): offline, with readable reasons, and the same
 * verdict as a Confluent-compatible schema registry.
 *
 * API (stable; the CLI `kafkagen check` is wired onto it):
 *
 *   checkCompatibility({ format: 'AVRO' | 'JSON', level, candidate, previous }): CheckResult
 *     candidate: the new schema (parsed JSON, self-contained); previous: earlier versions,
 *     oldest -> newest ([] = a new subject, always compatible). level: BACKWARD,
 *     BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE
 *     (case-insensitive). Returns { compatible, reasons: Reason[] }, Reason =
 *     { path (JSON Pointer into the candidate), message, rule (Confluent's id), hint }.
 *     Throws CompatibilityError (code LEVEL_UNKNOWN / FORMAT_UNKNOWN / SCHEMA_INVALID).
 *
 *   runCheck({ subjects: CheckSubject[], output: 'text' | 'json' | 'github', write }): Promise<0 | 1 | 2>
 *     Checks every subject against its baseline and writes the report through `write`.
 *     0 = all compatible, 1 = at least one breaking, 2 = a subject could not be checked
 *     (invalid schema, unknown level); 2 wins over 1.
 *
 *   runRegistryCheck(subjects, registryUrl, write, output = 'text', against = 'level'): Promise<0 | 1 | 2>
 *     Asks the registry instead, with { schema, schemaType }. against 'level' (default): reads
 *     the subject's level (GET {url}/config/{subject}, else the global GET {url}/config); a
 *     *_TRANSITIVE level is checked with POST {url}/compatibility/subjects/{subject}/versions?verbose=true
 *     (every version), any other with POST .../versions/latest?verbose=true (the latest one),
 *     which is what registering the schema would do. (On Apicurio 3.0.9 `/versions/latest`
 *     ignores a transitive level and `/versions` checks every version even for BACKWARD.)
 *     against 'latest': always `/versions/latest`.
 *     404 = new subject (OK). Unreachable registry / other errors: exit 2. `baseline` and
 *     `level` of the subjects are not used (the registry's own level applies).
 *
 *   Baselines (baseline.ts): baselineAtRef(repoDir, ref, file), historyAtRef(repoDir, ref, file),
 *   baselineFromDir(dir, file), readTextAtRef(...). Reports (report.ts): formatText,
 *   formatJson, formatGithub, lineOfPointer.
 */
import { readFile } from 'node:fs/promises';
import { checkAvroPair, validateAvro } from './avro.js';
import { checkJsonPair, validateJsonSchema } from './jsonschema.js';
import { type CheckResult, CompatibilityError, type Finding, type CandidateSide, pairsFor, parseLevel, toReasons, type Reason, type SchemaFormat } from './levels.js';
import { formatResults, type OutputFormat, type SubjectResult } from './report.js';

export { CompatibilityError, LEVELS, parseLevel, type CheckResult, type CompatibilityLevel, type Reason, type SchemaFormat } from './levels.js';
export { baselineAtRef, baselineFromDir, historyAtRef, readTextAtRef } from './baseline.js';
export { formatGithub, formatJson, formatText, lineOfPointer, type OutputFormat, type SubjectResult } from './report.js';

export interface CheckInput {
  format: SchemaFormat;
  level: string;
  candidate: unknown;
  previous: readonly unknown[];
}

export function checkCompatibility(input: CheckInput): CheckResult {
  const level = parseLevel(input.level);
  const format = String(input.format).toUpperCase();
  if (format !== 'AVRO' && format !== 'JSON') throw new CompatibilityError('FORMAT_UNKNOWN', `unknown schema format "${input.format}" (AVRO or JSON)`);
  const validate = format === 'AVRO' ? validateAvro : validateJsonSchema;
  validate(input.candidate);
  const pairCheck = format === 'AVRO' ? checkAvroPair : checkJsonPair;
  const findings: Array<{ finding: Finding; side: CandidateSide }> = [];
  for (const pair of pairsFor(level, input.candidate, input.previous)) {
    for (const finding of pairCheck(pair.reader, pair.writer, pair.candidateSide)) findings.push({ finding, side: pair.candidateSide });
  }
  const reasons: Reason[] = toReasons(findings);
  return { compatible: reasons.length === 0, reasons };
}

export interface CheckSubject {
  subject: string;
  format: SchemaFormat;
  level: string;
  /** Repo-relative path of the schema file (for reports and GitHub annotations). */
  file: string;
  /** The new schema, parsed. */
  candidate: unknown;
  /** Previous versions, oldest -> newest. */
  baseline: unknown[];
  /** Text of the schema file; read from `file` (relative to cwd) when absent, for GitHub line numbers. */
  text?: string;
}

export type Write = (chunk: string) => void;

async function fileText(s: CheckSubject, output: OutputFormat): Promise<string | undefined> {
  if (s.text !== undefined || output !== 'github') return s.text;
  return readFile(s.file, 'utf8').catch(() => undefined);
}

function exitCode(results: SubjectResult[]): 0 | 1 | 2 {
  if (results.some((r) => r.error !== undefined)) return 2;
  return results.every((r) => r.compatible) ? 0 : 1;
}

export async function runCheck(options: { subjects: CheckSubject[]; output: OutputFormat; write: Write }): Promise<0 | 1 | 2> {
  const results: SubjectResult[] = [];
  for (const s of options.subjects) {
    const base = { subject: s.subject, format: s.format, level: String(s.level).toUpperCase(), file: s.file, text: await fileText(s, options.output) };
    try {
      const r = checkCompatibility({ format: s.format, level: s.level, candidate: s.candidate, previous: s.baseline });
      results.push({ ...base, compatible: r.compatible, reasons: r.reasons });
    } catch (e) {
      results.push({ ...base, compatible: false, reasons: [], error: e instanceof Error ? e.message : String(e) });
    }
  }
  options.write(formatResults(results, options.output));
  return exitCode(results);
}

const REGISTRY_ACCEPT = 'application/vnd.schemaregistry.v1+json, application/json';

async function registryGet(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { headers: { accept: REGISTRY_ACCEPT } }).catch((e: unknown) => {
    throw new CompatibilityError('REGISTRY_UNREACHABLE', `registry ${url} is unreachable: ${(e as Error).message}`, { cause: e, retriable: true });
  });
  return { status: res.status, body: ((await res.json().catch(() => ({}))) ?? {}) as Record<string, unknown> };
}

/** The subject's compatibility level, else the registry's global one (BACKWARD when neither says). */
async function registryLevel(base: string, subject: string): Promise<string> {
  for (const route of [`/config/${encodeURIComponent(subject)}`, '/config']) {
    const { status, body } = await registryGet(base + route);
    const level = body.compatibilityLevel ?? body.compatibility;
    if (status === 200 && typeof level === 'string') return level.toUpperCase();
    if (status !== 404 && status !== 200) throw new CompatibilityError('REGISTRY_ERROR', `registry answered ${status} for GET ${route}`, { retriable: status >= 500 });
  }
  return 'BACKWARD';
}

/** Turns a registry's verbose message into a Reason (best effort; Apicurio sends none). */
function registryReason(message: string): Reason {
  const rule = /errorType:'?([A-Z_]+)/.exec(message)?.[1] ?? 'REGISTRY_INCOMPATIBLE';
  const path = /location:'?([^',}]+)/.exec(message)?.[1]?.replace(/^#/, '') ?? '';
  const description = /description:'([^']*)'/.exec(message)?.[1] ?? message;
  return { path, message: description, rule, hint: 'see the registry message; run kafkagen check --against REF for an offline explanation' };
}

export async function runRegistryCheck(
  subjects: CheckSubject[],
  registryUrl: string,
  write: Write,
  output: OutputFormat = 'text',
  against: 'level' | 'latest' = 'level',
): Promise<0 | 1 | 2> {
  const base = registryUrl.replace(/\/+$/, '');
  const results: SubjectResult[] = [];
  for (const s of subjects) {
    const head: SubjectResult = { compatible: true, reasons: [], subject: s.subject, format: s.format, level: 'REGISTRY', file: s.file, text: await fileText(s, output) };
    try {
      const level = against === 'latest' ? 'LATEST' : await registryLevel(base, s.subject);
      head.level = level;
      const url = `${base}/compatibility/subjects/${encodeURIComponent(s.subject)}/versions${level.endsWith('_TRANSITIVE') ? '' : '/latest'}?verbose=true`;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', accept: REGISTRY_ACCEPT },
        body: JSON.stringify({ schema: JSON.stringify(s.candidate), schemaType: s.format }),
      }).catch((e: unknown) => {
        throw new CompatibilityError('REGISTRY_UNREACHABLE', `registry ${base} is unreachable: ${(e as Error).message}`, { cause: e, retriable: true });
      });
      const body = (await res.json().catch(() => ({}))) as { is_compatible?: boolean; messages?: unknown[]; message?: string };
      if (res.status === 404) {
        results.push({ ...head, compatible: true, reasons: [] });
        continue;
      }
      if (!res.ok || typeof body.is_compatible !== 'boolean')
        throw new CompatibilityError('REGISTRY_ERROR', `registry answered ${res.status}${body.message ? `: ${body.message}` : ''}`, { retriable: res.status >= 500 });
      const reasons = body.is_compatible ? [] : (body.messages ?? []).map((m) => registryReason(String(m)));
      if (!body.is_compatible && reasons.length === 0)
        reasons.push({ path: '', message: 'the registry rejects this schema as incompatible (it gave no details)', rule: 'REGISTRY_INCOMPATIBLE', hint: 'run kafkagen check --against REF for an offline explanation' });
      results.push({ ...head, compatible: body.is_compatible, reasons });
    } catch (e) {
      results.push({ ...head, compatible: false, reasons: [], error: e instanceof Error ? e.message : String(e) });
    }
  }
  write(formatResults(results, output));
  return exitCode(results);
}
