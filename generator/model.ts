// The format-neutral model: loaders (load/*) build it from .avsc, JSON Schema and the
// catalog; emitters (emit/*) only read it. No emitter opens a schema file and no loader
// knows about TypeScript syntax.
import type { EnvelopeDescriptor } from '../runtime/envelope.js';

export type SchemaFormat = 'avro' | 'json';

/** A TypeScript-level type shape. `ref` points at a NamedType by id. */
export type TypeNode =
  | { kind: 'primitive'; type: 'null' | 'boolean' | 'string' | 'number' | 'bigint' | 'Buffer' | 'Date' | 'unknown' }
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'array'; items: TypeNode }
  | { kind: 'map'; values: TypeNode }
  | { kind: 'object'; fields: FieldNode[]; additional?: TypeNode }
  | { kind: 'union'; members: TypeNode[] }
  | { kind: 'intersection'; members: TypeNode[] }
  /** `tag` is set for an Avro record that is a branch of a multi-branch union: it carries `$type: tag`. */
  | { kind: 'ref'; id: string; tag?: string };

export interface FieldNode {
  name: string;
  doc?: string;
  type: TypeNode;
  /** Absent from values as received (JSON Schema: not required). */
  optional: boolean;
  /** May be left out when producing (it has a default the serializer fills in). */
  optionalOnInput: boolean;
  /** A literal default, shown in docs. */
  defaultText?: string;
}

export type NamedKind = 'record' | 'enum' | 'fixed' | 'alias';

export interface SourceLocation {
  /** Path relative to the working directory. */
  file: string;
  /** JSON Pointer of the definition in that file. */
  pointer: string;
}

export interface NamedType {
  /** Unique id: the Avro full name, or `<schema-relative file>#<pointer>` for JSON Schema. */
  id: string;
  /** TypeScript identifier, unique within its module. */
  name: string;
  /** Output module (path under `out`, no extension), e.g. `chipquality/inspection`. */
  module: string;
  kind: NamedKind;
  format: SchemaFormat;
  doc?: string;
  node: TypeNode;
  source: SourceLocation;
  /** Enum symbols in schema order (kind 'enum'). */
  symbols?: string[];
  avro?: AvroInfo;
  json?: JsonInfo;
}

export interface AvroInfo {
  fullName: string;
  /** The schema with every named type it uses defined inline (first use), names fully qualified. */
  selfContained: unknown;
  /** The definition alone, referring to other named types by full name (for registry references). */
  standalone: unknown;
  /** Full names of the named types `standalone` refers to directly, in order of first use. */
  references: string[];
}

export interface JsonInfo {
  /** The `$id`-based reference ajv compiles for this type. */
  ref: string;
  /** JSON Schema draft of the file. */
  draft: 'draft-07' | '2020-12';
}

export interface SchemaModule {
  /** Output module path, e.g. `ownlens/customer/user-event`. */
  path: string;
  sourceFile: string;
  format: SchemaFormat;
  /** Named types defined in this file, in definition order. */
  types: NamedType[];
  /** For JSON Schema files: the parsed documents ajv needs (this file and all it references). */
  jsonDocuments?: JsonDocument[];
}

export interface JsonDocument {
  id: string;
  file: string;
  schema: unknown;
}

export type CompatibilityLevel =
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE'
  | 'NONE';

export type SubjectNaming = 'TopicNameStrategy' | 'RecordNameStrategy' | 'TopicRecordNameStrategy';

export interface RetryPolicy {
  attempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  multiplier: number;
  jitter: number;
}

export type TopicKey =
  | { kind: 'field'; field: string }
  /** A composite key: the fields' values joined by `separator` (e.g. `table_name:metric_date`). */
  | { kind: 'fields'; fields: string[]; separator: string }
  | { kind: 'schema'; typeId: string }
  | { kind: 'string' };

export interface TopicEvent {
  /** The event type's NamedType id. */
  typeId: string;
  /** Event type name: the `$type` tag on a multi-event topic, and the handler key. */
  name: string;
}

export interface Topic {
  name: string;
  description?: string;
  format: SchemaFormat;
  events: TopicEvent[];
  key: TopicKey;
  consumerGroup: string;
  compatibility: CompatibilityLevel;
  subjectNaming: SubjectNaming;
  retry: RetryPolicy;
  deadLetterTopic: string;
  partitions?: number;
  /** Used when kafkagen creates the topic (and its dead-letter topic). */
  replicationFactor?: number;
  /** Topic configs (retention.ms, cleanup.policy, ...) used when kafkagen creates the topic. */
  config?: Record<string, string>;
  /** JSON topics: `plain` writes bare JSON (no Confluent framing). */
  wire: 'confluent' | 'plain';
  /** Envelope fields the producer fills in (`now` resolved to the field's own type). */
  envelope?: EnvelopeDescriptor;
  source: SourceLocation;
}

export interface Model {
  modules: SchemaModule[];
  types: Map<string, NamedType>;
  topics: Topic[];
}
