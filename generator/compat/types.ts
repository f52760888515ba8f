// The shapes shared by the compatibility engine, the report and the command.

export type SchemaFormat = 'AVRO' | 'JSON';

export const LEVELS = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'] as const;
export type CompatibilityLevel = (typeof LEVELS)[number];

/** One reason a candidate schema is not compatible. */
export interface Reason {
  /**
   * Where, in the candidate schema document: `fields[3].type`, `properties.address.required`
   * (see paths.ts). When the offending part exists only in the previous schema (a removed
   * field), the path is the nearest place in the candidate (`fields`, `properties`).
   * '' is the document root. A path into a referenced document is `<reference>#<path>`.
   */
  path: string;
  /** What changed, in a sentence, naming the field. */
  message: string;
  /** Stable rule id: Confluent's SchemaIncompatibilityType (Avro) or Difference.Type (JSON Schema) names, plus LOGICAL_TYPE_MISMATCH. */
  rule: string;
  /** The compatible alternative. */
  hint: string;
}

export interface CheckInput {
  format: SchemaFormat;
  /** Compatibility level; case-insensitive. */
  level: CompatibilityLevel | string;
  /** The new schema, parsed JSON (an Avro schema or a JSON Schema). */
  candidate: unknown;
  /** Earlier versions, oldest first. Empty: a new subject, always compatible. */
  previous: readonly unknown[];
  /**
   * Schemas the candidate refers to by name and does not define itself.
   * Avro: full name -> schema of that named type. JSON Schema: the `$ref` URI (as written,
   * e.g. `../common.schema.json`, or absolute after resolving against `$id`) -> document.
   */
  references?: Readonly<Record<string, unknown>>;
  /** Per previous version (same order), its own references; defaults to `references`. */
  previousReferences?: ReadonlyArray<Readonly<Record<string, unknown>> | undefined>;
}

export interface CheckResult {
  compatible: boolean;
  reasons: Reason[];
}

/** Which side of a comparison is the candidate; messages are phrased from it. */
export interface Roles {
  /** How to name the candidate in messages. */
  candidate: string;
  /** How to name the previous version in messages. */
  previous: string;
}
