// What generated code tells the runtime about a topic: plain data plus the generated codecs
// and validators. The runtime takes every decision from here; generated classes add types.
import type { AvroCodec } from './avro.js';
import type { EnvelopeDescriptor } from './envelope.js';
import type { RetryPolicy } from './retry.js';
import type { Validator } from './validation.js';

export interface SubjectRef {
  name: string;
  subject: string;
}

export interface SchemaBinding {
  subject: string;
  /** Exactly as `kafkagen register` registers it. */
  schema: string;
  references: SubjectRef[];
  /** Avro: the generated codec (the reader schema); JSON Schema: the generated validator. */
  codec?: AvroCodec<unknown, unknown>;
  validator?: Validator<unknown>;
}

export interface EventDescriptor extends SchemaBinding {
  /** The `$type` tag and the handler key. */
  name: string;
  /** Avro full name, matched against the writer's. */
  recordName?: string;
}

export type KeyDescriptor = { kind: 'field'; field: string } | { kind: 'fields'; fields: string[]; separator: string } | { kind: 'string' } | ({ kind: 'schema' } & SchemaBinding);

export interface TopicDescriptor {
  topic: string;
  format: 'AVRO' | 'JSON';
  events: EventDescriptor[];
  /** TopicNameStrategy with several event types: the union subject they are all written under. */
  union?: SchemaBinding;
  key: KeyDescriptor;
  consumerGroup: string;
  retry: RetryPolicy;
  deadLetterTopic: string;
  partitions?: number;
  replicationFactor?: number;
  /** Topic configs for ensureTopics (the dead-letter topic gets them too). */
  config?: Record<string, string>;
  /**
   * JSON topics only. `plain`: values are written as bare UTF-8 JSON, without the Confluent
   * framing, for consumers that read plain JSON (a topic migrating to or from kafkagen).
   * Consumers of a JSON topic read both forms whatever this says.
   */
  wire?: 'confluent' | 'plain';
  /** Envelope fields the producer fills in when the caller leaves them unset. */
  envelope?: EnvelopeDescriptor;
}

/** The binding a value is written with: the topic's union, or the event's own subject. */
export function bindingFor(d: TopicDescriptor, event: EventDescriptor): SchemaBinding {
  return d.union ?? event;
}

export function isMultiEvent(d: TopicDescriptor): boolean {
  return d.events.length > 1;
}
