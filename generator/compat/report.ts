// The report of `kafkagen check`, in three forms:
//
// text (default):
//   OK  orders-value
//   BREAKING  payments-value
//     fields[2]: field "currency" was added without a default, ... (READER_FIELD_MISSING_DEFAULT_VALUE)
//       hint: give "currency" a default ...
//   ERROR  refunds-value
//     the new schema is not a valid Avro schema: ...
//
// json: { "compatible": false, "subjects": [{ subject, file, format, level, status, reasons: [{ path, message, rule, hint, line }], error? }] }
//
// github: the text report, then one workflow command per reason, which GitHub Actions shows as
// an annotation on the schema file's line:
//   ::error file=schemas/payments.avsc,line=12::payments-value: fields[2]: field "currency" ... (READER_FIELD_MISSING_DEFAULT_VALUE). Hint: ...
import type { Reason, SchemaFormat } from './types.js';

export type OutputFormat = 'text' | 'json' | 'github';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'github'];

export type SubjectStatus = 'OK' | 'BREAKING' | 'ERROR';

export interface LocatedReason extends Reason {
  /** 1-based line of `path` in the subject's schema file (1 when it cannot be found). */
  line?: number;
}

export interface SubjectResult {
  subject: string;
  /** The schema file, as given (repo-relative). */
  file: string;
  format: SchemaFormat;
  level: string;
  status: SubjectStatus;
  /** Why the subject is BREAKING; empty otherwise. */
  reasons: LocatedReason[];
  /** Why the subject could not be checked (status ERROR). */
  error?: string;
}

export function formatReport(results: readonly SubjectResult[], format: OutputFormat = 'text'): string {
  switch (format) {
    case 'json':
      return formatJson(results);
    case 'github':
      return [formatText(results), ...annotations(results)].filter((s) => s !== '').join('\n');
    default:
      return formatText(results);
  }
}

export function formatText(results: readonly SubjectResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.status}  ${r.subject}`);
    if (r.status === 'ERROR') {
      for (const l of (r.error ?? 'unknown error').split('\n')) lines.push(`  ${l}`);
      continue;
    }
    for (const reason of r.reasons) {
      lines.push(`  ${displayPath(reason.path)}: ${reason.message} (${reason.rule})`);
      if (reason.hint) lines.push(`    hint: ${reason.hint}`);
    }
  }
  return lines.join('\n');
}

export function formatJson(results: readonly SubjectResult[]): string {
  const subjects = results.map((r) => ({
    subject: r.subject,
    file: r.file,
    format: r.format,
    level: r.level,
    status: r.status,
    reasons: r.reasons.map((x) => ({ path: x.path, message: x.message, rule: x.rule, hint: x.hint, line: x.line ?? 1 })),
    ...(r.error !== undefined ? { error: r.error } : {}),
  }));
  return JSON.stringify({ compatible: results.every((r) => r.status === 'OK'), subjects }, null, 2);
}

/** GitHub Actions workflow commands (`::error ...`) for every breaking reason and every error. */
export function annotations(results: readonly SubjectResult[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    const file = escapeProperty(r.file);
    if (r.status === 'ERROR') {
      out.push(`::error file=${file},line=1::${escapeData(`${r.subject}: could not check: ${r.error ?? 'unknown error'}`)}`);
      continue;
    }
    for (const reason of r.reasons) {
      const text = `${r.subject}: ${displayPath(reason.path)}: ${reason.message} (${reason.rule})${reason.hint ? `. Hint: ${reason.hint}` : ''}`;
      out.push(`::error file=${file},line=${reason.line ?? 1}::${escapeData(text)}`);
    }
  }
  return out;
}

function displayPath(path: string): string {
  return path === '' ? '(root)' : path;
}

// https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
