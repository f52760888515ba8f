// `kafkagen check`: check a list of subjects offline (against previous versions the caller
// loaded, e.g. with baseline.ts) or online (asking a registry), print the report, return the
// exit code: 0 every subject compatible, 1 a breaking change, 2 bad input or a check that could
// not run (an unreadable schema, an unknown ref, an unreachable registry). 2 wins over 1.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isCompatError } from './errors.js';
import { checkCompatibility, parseLevel } from './levels.js';
import { findLine } from './locate.js';
import { askRegistry, type RegistryClientOptions, type RegistryReference } from './registry.js';
import { formatReport, type LocatedReason, type OutputFormat, type SubjectResult } from './report.js';
import type { Reason, SchemaFormat } from './types.js';

export const EXIT_COMPATIBLE = 0;
export const EXIT_BREAKING = 1;
export const EXIT_BAD_INPUT = 2;

export interface CheckSubject {
  /** Registry subject, e.g. `orders-value`. */
  subject: string;
  format: SchemaFormat;
  /** Compatibility level (BACKWARD, FULL_TRANSITIVE, ...). */
  level: string;
  /** The candidate's schema file, repo-relative; reports and annotations point into it. */
  file: string;
  /** The new schema, parsed. */
  candidate: unknown;
  /** Previous versions, oldest first; [] for a new subject. */
  baseline: unknown[];
  /** The text of `file`, for line numbers; read from `cwd`/`file` when absent. */
  source?: string;
  /** Named types / documents the candidate uses without defining (see CheckInput.references). */
  references?: Record<string, unknown>;
  /** Per baseline version, its references; default `references`. */
  baselineReferences?: Array<Record<string, unknown> | undefined>;
}

export interface OutputOptions {
  /** Default 'text'. */
  output?: OutputFormat;
  /** Receives the report one line at a time, without line endings. Default: stdout. */
  write?: (line: string) => void;
  /** Where `file`s are read from for line numbers. Default: process.cwd(). */
  cwd?: string;
}

export interface RunCheckOptions extends OutputOptions {
  subjects: CheckSubject[];
  output: OutputFormat;
  write: (line: string) => void;
}

/** Checks every subject offline. Never throws for a subject's bad input: it becomes an ERROR result. */
export function checkSubjects(subjects: readonly CheckSubject[], opts: { cwd?: string } = {}): SubjectResult[] {
  return subjects.map((s) => {
    const base = { subject: s.subject, file: s.file, format: s.format, level: String(s.level).toUpperCase() };
    try {
      const result = checkCompatibility({
        format: s.format,
        level: s.level,
        candidate: s.candidate,
        previous: s.baseline,
        references: s.references,
        previousReferences: s.baselineReferences,
      });
      return { ...base, status: result.compatible ? 'OK' : 'BREAKING', reasons: locate(result.reasons, s, opts.cwd) };
    } catch (e) {
      if (!isCompatError(e)) throw e;
      return { ...base, status: 'ERROR', reasons: [], error: e.message };
    }
  });
}

/** Offline check: prints the report, returns the exit code. */
export function runCheck(opts: RunCheckOptions): number {
  const results = checkSubjects(opts.subjects, { cwd: opts.cwd });
  return report(results, opts);
}

/** Subjects for a registry check: no baseline needed (the registry has the versions). */
export type RegistrySubject = Omit<CheckSubject, 'baseline' | 'baselineReferences' | 'references'> & {
  baseline?: unknown[];
  /** The candidate's references as registered (`references` of the registration body). */
  registryReferences?: RegistryReference[];
};

export interface RunRegistryCheckOptions extends OutputOptions, RegistryClientOptions {}

/** Asks the registry about every subject. Never throws for one subject's problem: it becomes an ERROR result. */
export async function checkRegistry(subjects: readonly RegistrySubject[], registryUrl: string, opts: RunRegistryCheckOptions = {}): Promise<SubjectResult[]> {
  const results: SubjectResult[] = [];
  for (const s of subjects) {
    const base = { subject: s.subject, file: s.file, format: s.format, level: String(s.level).toUpperCase() };
    try {
      parseLevel(s.level);
      const verdict = await askRegistry(registryUrl, { subject: s.subject, format: s.format, level: s.level, candidate: s.candidate, registryReferences: s.registryReferences }, opts);
      results.push({ ...base, status: verdict.compatible ? 'OK' : 'BREAKING', reasons: locate(verdict.reasons, s, opts.cwd) });
    } catch (e) {
      if (!isCompatError(e)) throw e;
      results.push({ ...base, status: 'ERROR', reasons: [], error: e.message });
    }
  }
  return results;
}

/** Online check against a Confluent-compatible registry: prints the report, returns the exit code. */
export async function runRegistryCheck(subjects: readonly RegistrySubject[], registryUrl: string, opts: RunRegistryCheckOptions = {}): Promise<number> {
  return report(await checkRegistry(subjects, registryUrl, opts), opts);
}

export function exitCodeOf(results: readonly SubjectResult[]): number {
  if (results.some((r) => r.status === 'ERROR')) return EXIT_BAD_INPUT;
  if (results.some((r) => r.status === 'BREAKING')) return EXIT_BREAKING;
  return EXIT_COMPATIBLE;
}

function report(results: SubjectResult[], opts: OutputOptions): number {
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const text = formatReport(results, opts.output ?? 'text');
  if (text !== '') for (const line of text.split('\n')) write(line);
  return exitCodeOf(results);
}

function locate(reasons: Reason[], s: { file: string; source?: string }, cwd = process.cwd()): LocatedReason[] {
  if (reasons.length === 0) return [];
  let text = s.source;
  if (text === undefined) {
    try {
      text = readFileSync(path.resolve(cwd, s.file), 'utf8');
    } catch {
      text = undefined;
    }
  }
  return reasons.map((r) => ({ ...r, line: text === undefined ? 1 : findLine(text, r.path) }));
}
