// kafkagen's schema compatibility checking (`kafkagen check`): the API the CLI uses.
// docs/compatibility.md describes the command, the rules and how they compare with the registries.
//
// ── The engine (pure, offline) ──────────────────────────────────────────────────────────────
//
//   checkCompatibility({ format: 'AVRO' | 'JSON', level, candidate, previous, references?, previousReferences? })
//     -> { compatible: boolean, reasons: Reason[] }
//   candidate: the new schema (parsed JSON); previous: earlier versions, oldest first.
//   Reason = { path, message, rule, hint }: path in the candidate document (`fields[3].type`,
//   `properties.metadata.required`), what changed, a stable rule id (Confluent's names:
//   READER_FIELD_MISSING_DEFAULT_VALUE, TYPE_MISMATCH, MISSING_ENUM_SYMBOLS, NAME_MISMATCH,
//   FIXED_SIZE_MISMATCH, MISSING_UNION_BRANCH for Avro, plus LOGICAL_TYPE_MISMATCH; Confluent's
//   JSON Schema Difference.Type names such as PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL,
//   TYPE_CHANGED, ENUM_ARRAY_NARROWED), and the compatible alternative.
//   Schemas must be self-contained, or pass what they use in `references`:
//   Avro: { [fullName]: schema of that named type }; JSON Schema: { [$ref URI]: document }.
//   Throws CompatError (code, retriable, cause) for input that cannot be checked.
//
// ── Previous versions (baseline.ts) ────────────────────────────────────────────────────────
//
//   loadBaseline(against, file, level, { cwd }) -> SchemaVersion[]   // DIR or git REF; history for *_TRANSITIVE
//   readAtRef(ref, file), historyAtRef(ref, file), readFromDir(dir, file), resolveRef(ref), gitRoot()
//   `file` is relative to cwd (repo-relative from the top level). git errors: GIT_NOT_A_REPO,
//   GIT_UNKNOWN_REF, GIT_FAILED; a missing DIR: BASELINE_NOT_FOUND.
//
// ── The command (command.ts) ───────────────────────────────────────────────────────────────
//
//   runCheck({ subjects: CheckSubject[], output: 'text' | 'json' | 'github', write, cwd? }) -> exit code
//   runRegistryCheck(subjects: RegistrySubject[], registryUrl, { output?, write?, basicAuth?, bearerToken?, fetch?, cwd? }) -> Promise<exit code>
//   CheckSubject = { subject, format, level, file, candidate, baseline: unknown[], source?, references?, baselineReferences? }
//   RegistrySubject = the same without baseline, plus registryReferences? ([{ name, subject, version }]).
//   `write` receives one line at a time, without a line ending (pass the CLI's io.out).
//   Exit codes: 0 all compatible, 1 a breaking change, 2 bad input or a check that could not run
//   (2 wins over 1). checkSubjects / checkRegistry return the per-subject results instead;
//   formatReport(results, output) renders them.
//
// Example (CLI wiring):
//   const subjects = catalogSubjects.map((s) => ({ ...s, baseline: loadBaseline(flags.against, s.file, s.level, { cwd }).map((v) => v.schema) }));
//   return runCheck({ subjects, output: flags.format ?? 'text', write: io.out, cwd });

export * from './types.js';
export { checkCompatibility, parseLevel, directions } from './levels.js';
export { CompatError, isCompatError, type CompatErrorCode } from './errors.js';
export { formatReport, formatText, formatJson, annotations, OUTPUT_FORMATS, type OutputFormat, type SubjectResult, type SubjectStatus, type LocatedReason } from './report.js';
export { findLine } from './locate.js';
export { renderPath, parsePath, pointerToPath, type Segment, type SchemaPath } from './paths.js';
export { loadBaseline, readAtRef, historyAtRef, readFromDir, resolveRef, gitRoot, parseSchemaText, type SchemaVersion, type GitOptions } from './baseline.js';
export { apicurioReferenceFailure, askRegistry, parseRegistryMessages, type RegistryReference, type RegistryVerdict, type RegistryClientOptions } from './registry.js';
export {
  runCheck,
  runRegistryCheck,
  checkSubjects,
  checkRegistry,
  exitCodeOf,
  EXIT_COMPATIBLE,
  EXIT_BREAKING,
  EXIT_BAD_INPUT,
  type CheckSubject,
  type RegistrySubject,
  type RunCheckOptions,
  type RunRegistryCheckOptions,
  type OutputOptions,
} from './command.js';
export { RULE_HINTS, AVRO_RULES } from './rules.js';
export { COMPATIBLE_CHANGES as JSON_COMPATIBLE_CHANGES } from './jsonschema.js';
