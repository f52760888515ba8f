// Errors a user can act on: what is wrong, where (file, JSON path, line), how to fix it.
// Every error carries a stable `code` so tools and tests need not match on prose.

export type KafkagenErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'SCHEMA_PARSE'
  | 'SCHEMA_INVALID'
  | 'TYPE_UNKNOWN'
  | 'TYPE_DUPLICATE'
  | 'REF_UNRESOLVED'
  | 'REF_CYCLE'
  | 'NAME_CLASH'
  | 'CATALOG_INVALID'
  | 'CATALOG_SCHEMA_MISSING'
  | 'CATALOG_KEY_FIELD'
  | 'CATALOG_ENVELOPE'
  | 'CATALOG_TOPIC_NAME'
  | 'CHECK_STALE'
  | 'USAGE';

export interface ErrorLocation {
  /** Path of the file, relative to the working directory where possible. */
  file?: string;
  /** JSON Pointer into the file ('' is the whole document). */
  pointer?: string;
  line?: number;
}

export class KafkagenError extends Error {
  readonly code: KafkagenErrorCode;
  readonly retriable = false;
  readonly location: ErrorLocation;
  readonly hint: string | undefined;

  constructor(code: KafkagenErrorCode, message: string, location: ErrorLocation = {}, hint?: string, cause?: unknown) {
    super(formatMessage(message, location, hint), cause === undefined ? undefined : { cause });
    this.name = 'KafkagenError';
    this.code = code;
    this.location = location;
    this.hint = hint;
  }
}

/**
 * Several problems found in one pass, reported together so a user fixes them in one round.
 * Its code and location are the first problem's; `problems` holds them all.
 */
export class KafkagenErrors extends KafkagenError {
  constructor(readonly problems: KafkagenError[]) {
    super(problems[0]!.code, '', problems[0]!.location, problems[0]!.hint);
    this.message = `${problems.length} problems:\n${problems.map((p) => p.message).join('\n')}`;
  }
}

/** Runs `step`; a KafkagenError it throws is returned (as a list of one) instead, for throwCollected. */
export function problemOf(step: () => void): KafkagenError[] {
  try {
    step();
    return [];
  } catch (e) {
    if (isKafkagenError(e)) return [e];
    throw e;
  }
}

/** Runs `step` for every item, then throws every KafkagenError they threw, together. */
export function forEachReportingAll<T>(items: Iterable<T>, step: (item: T) => void): void {
  throwCollected([...items].flatMap((item) => problemOf(() => step(item))));
}

/** Throws what was gathered: nothing, the one error, or all of them together. */
export function throwCollected(errors: KafkagenError[]): void {
  const flat = errors.flatMap((e) => (e instanceof KafkagenErrors ? e.problems : [e]));
  if (flat.length === 1) throw flat[0];
  if (flat.length > 1) throw new KafkagenErrors(flat);
}

/** Type guard that does not rely on `instanceof` (several copies of kafkagen may be loaded). */
export function isKafkagenError(e: unknown): e is KafkagenError {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'KafkagenError' && 'code' in e;
}

function formatMessage(message: string, loc: ErrorLocation, hint: string | undefined): string {
  const where = loc.file ? `${loc.file}${loc.line !== undefined ? `:${loc.line}` : ''}` : '';
  const pointer = loc.pointer !== undefined ? ` at ${loc.pointer === '' ? '/' : loc.pointer}` : '';
  const head = where ? `${where}${pointer}: ` : pointer ? `${pointer.trim()}: ` : '';
  return `${head}${message}${hint ? `\n  fix: ${hint}` : ''}`;
}

/** Candidates close to `wanted` (same last segment, or a small edit distance), best first. */
export function closest(wanted: string, candidates: Iterable<string>, max = 3): string[] {
  const last = (s: string) => s.slice(s.lastIndexOf('.') + 1).toLowerCase();
  const w = last(wanted);
  return [...candidates]
    .map((c) => ({ c, d: last(c) === w ? 0 : editDistance(last(c), w) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(w.length / 4)))
    .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1))
    .slice(0, max)
    .map((x) => x.c);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
