// Applies a registration manifest (generated/registry.ts, or `kafkagen register`) to a
// Confluent-compatible schema registry: references first, each subject's compatibility level
// set, then its schema registered. Re-running changes nothing and says "unchanged".
import { type RegistryHttp, RegistryHttpError, registryHttp } from './registry.js';

export interface RegistrationReference {
  name: string;
  subject: string;
}

export interface RegistrationSubject {
  subject: string;
  schemaType: 'AVRO' | 'JSON';
  schema: string;
  references: RegistrationReference[];
  compatibility: string;
}

export interface RegistrationManifestData {
  subjects: RegistrationSubject[];
}

export type RegistrationStatus = 'registered' | 'unchanged' | 'incompatible' | 'would register' | 'failed';

export interface RegistrationRow {
  subject: string;
  version: number | undefined;
  id: number | undefined;
  status: RegistrationStatus;
  reason?: string;
}

export interface RegistrationOptions {
  url: string;
  dryRun?: boolean;
  basicAuth?: string;
  bearerToken?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Registers every subject of the manifest in order; stops at the first refusal. */
export async function applyRegistration(manifest: RegistrationManifestData, opts: RegistrationOptions): Promise<RegistrationRow[]> {
  const http = registryHttp({ url: opts.url, basicAuth: opts.basicAuth, bearerToken: opts.bearerToken, timeoutMs: opts.timeoutMs }, opts.fetch);
  const rows: RegistrationRow[] = [];
  const versions = new Map<string, number>(); // subject -> version registered in this run
  for (const s of manifest.subjects) {
    const references = s.references.map((r) => ({ name: r.name, subject: r.subject, version: versions.get(r.subject) }));
    const body: Record<string, unknown> = { schema: s.schema };
    if (s.schemaType !== 'AVRO') body.schemaType = s.schemaType;
    if (references.length > 0) body.references = references;

    const existing = await lookup(http, s.subject, body);
    if (existing) {
      versions.set(s.subject, existing.version);
      rows.push({ subject: s.subject, version: existing.version, id: existing.id, status: 'unchanged' });
      if (!opts.dryRun) await setCompatibility(http, s.subject, s.compatibility);
      continue;
    }
    // The catalog's level must govern the check below; a registry may refuse a level for a
    // subject that has no version yet (Apicurio does), so new subjects get it right after.
    const known = await subjectExists(http, s.subject);
    if (known && !opts.dryRun) await setCompatibility(http, s.subject, s.compatibility);
    const verdict = await compatible(http, s.subject, body);
    if (!verdict.ok) {
      rows.push({ subject: s.subject, version: undefined, id: undefined, status: 'incompatible', reason: verdict.reason });
      break;
    }
    if (opts.dryRun) {
      rows.push({ subject: s.subject, version: undefined, id: undefined, status: 'would register' });
      continue;
    }
    try {
      const { id } = (await http('POST', `/subjects/${encodeURIComponent(s.subject)}/versions`, body)) as { id: number };
      const found = await lookup(http, s.subject, body);
      versions.set(s.subject, found?.version ?? 1);
      if (!known) await setCompatibility(http, s.subject, s.compatibility);
      rows.push({ subject: s.subject, version: found?.version, id, status: 'registered' });
    } catch (e) {
      if (e instanceof RegistryHttpError && e.status === 409) {
        rows.push({ subject: s.subject, version: undefined, id: undefined, status: 'incompatible', reason: e.message });
        break;
      }
      throw e;
    }
  }
  return rows;
}

export function formatRegistrationTable(rows: RegistrationRow[]): string {
  const head = ['subject', 'version', 'id', 'status'];
  const cells = rows.map((r) => [r.subject, r.version === undefined ? '-' : String(r.version), r.id === undefined ? '-' : String(r.id), r.status]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  for (const r of rows) if (r.reason) out.push(`\n${r.subject}: ${r.reason}`);
  return out.join('\n');
}

type Http = RegistryHttp;

async function lookup(http: Http, subject: string, body: Record<string, unknown>): Promise<{ id: number; version: number } | undefined> {
  try {
    return (await http('POST', `/subjects/${encodeURIComponent(subject)}`, body)) as { id: number; version: number };
  } catch (e) {
    if (e instanceof RegistryHttpError && e.status === 404) return undefined; // new subject or new schema
    throw e;
  }
}

async function compatible(http: Http, subject: string, body: Record<string, unknown>): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const r = (await http('POST', `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`, body)) as { is_compatible: boolean; messages?: string[] };
    return r.is_compatible ? { ok: true } : { ok: false, reason: (r.messages ?? []).join('; ') || 'the registry refuses the schema as incompatible' };
  } catch (e) {
    if (e instanceof RegistryHttpError && e.status === 404) return { ok: true }; // nothing registered yet
    throw e;
  }
}

async function subjectExists(http: Http, subject: string): Promise<boolean> {
  try {
    const versions = (await http('GET', `/subjects/${encodeURIComponent(subject)}/versions`)) as unknown[];
    return versions.length > 0;
  } catch (e) {
    if (e instanceof RegistryHttpError && e.status === 404) return false;
    throw e;
  }
}

async function setCompatibility(http: Http, subject: string, level: string): Promise<void> {
  await http('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
}
