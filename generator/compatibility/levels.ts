// Compatibility levels and which (reader, writer) pairs each one checks.
// A "pair" is: can a consumer using `reader` read data written with `writer`?
// For JSON Schema the same question reads: is every document valid under `writer`
// also valid under `reader`?

export type SchemaFormat = 'AVRO' | 'JSON';

export const LEVELS = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'] as const;
export type CompatibilityLevel = (typeof LEVELS)[number];

/** One reason a candidate schema is not compatible. */
export interface Reason {
  /** JSON Pointer into the candidate schema (`/fields/3`, `/properties/metadata/properties/occurred_at`); '' is the root. */
  path: string;
  /** What changed, in a sentence. */
  message: string;
  /** Stable rule id (Confluent's names: READER_FIELD_MISSING_DEFAULT_VALUE, TYPE_NARROWED, ...). */
  rule: string;
  /** The compatible alternative. */
  hint: string;
}

export interface CheckResult {
  compatible: boolean;
  reasons: Reason[];
}

/** Which side of a pair the candidate is on; checkers phrase messages and hints with it. */
export type CandidateSide = 'reader' | 'writer';

/** A finding of a pair checker, with the location on both sides. */
export interface Finding {
  rule: string;
  message: string;
  hint: string;
  readerPath: string;
  writerPath: string;
}

export interface PairToCheck {
  reader: unknown;
  writer: unknown;
  candidateSide: CandidateSide;
  /** Index into `previous` of the other schema. */
  version: number;
}

export class CompatibilityError extends Error {
  readonly code: 'LEVEL_UNKNOWN' | 'FORMAT_UNKNOWN' | 'SCHEMA_INVALID' | 'NOT_A_REPO' | 'UNKNOWN_REF' | 'GIT_FAILED' | 'BASELINE_UNREADABLE' | 'REGISTRY_UNREACHABLE' | 'REGISTRY_ERROR';
  readonly retriable: boolean;
  constructor(code: CompatibilityError['code'], message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CompatibilityError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

export function parseLevel(level: string): CompatibilityLevel {
  const up = level.trim().toUpperCase();
  if ((LEVELS as readonly string[]).includes(up)) return up as CompatibilityLevel;
  throw new CompatibilityError('LEVEL_UNKNOWN', `unknown compatibility level "${level}" (expected one of ${LEVELS.join(', ')})`);
}

/**
 * The pairs a level checks, given the candidate and the previous versions (oldest first).
 * BACKWARD: candidate reads latest. FORWARD: latest reads candidate. FULL: both.
 * *_TRANSITIVE: the same against every previous version. NONE: nothing.
 */
export function pairsFor(level: CompatibilityLevel, candidate: unknown, previous: readonly unknown[]): PairToCheck[] {
  if (level === 'NONE' || previous.length === 0) return [];
  const transitive = level.endsWith('_TRANSITIVE');
  const versions = transitive ? previous.map((_, i) => i) : [previous.length - 1];
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const pairs: PairToCheck[] = [];
  for (const v of [...versions].reverse()) {
    if (backward) pairs.push({ reader: candidate, writer: previous[v], candidateSide: 'reader', version: v });
    if (forward) pairs.push({ reader: previous[v], writer: candidate, candidateSide: 'writer', version: v });
  }
  return pairs;
}

/** Turns findings into reasons located in the candidate, without duplicates. */
export function toReasons(findings: Iterable<{ finding: Finding; side: CandidateSide }>): Reason[] {
  const seen = new Set<string>();
  const out: Reason[] = [];
  for (const { finding, side } of findings) {
    const path = side === 'reader' ? finding.readerPath : finding.writerPath;
    const key = `${path}\u0000${finding.rule}\u0000${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message: finding.message, rule: finding.rule, hint: finding.hint });
  }
  return out;
}

/** JSON Pointer segment escaping. */
export function ptr(base: string, ...segments: Array<string | number>): string {
  return base + segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
