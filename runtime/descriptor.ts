// What generated code tells the runtime about a topic: plain data plus the generated codecs
// and validators. The runtime takes every decision from here; generated classes add types.
import type { AvroCodec } from './avro.js';
import type { RetryPolicy } from './retry.js';
import type { Validator } from './validation.js';

export interface SubjectRef {
  name: string;
  subject: string;
}

export interface SchemaBinding {
  /** The registry subject this schema is registered under. */
  subject: string;
  /** Schema text exactly as `kafkagen register` registers it. */
  schema: string;
  references: SubjectRef[];
  /** Avro: the generated codec (reader schema). */
  codec?: AvroCodec<unknown, unknown>;
  /** JSON Schema: the generated, ahead-of-time compiled validator. */
  validator?: Validator<unknown>;
}

export interface EventDescriptor extends SchemaBinding {
  /** Event type name: the `$type` tag and the handler key. */
  name: string;
  /** Avro full name (matched against the writer's record name when reading). */
  recordName?: string;
}

export type KeyDescriptor = { kind: 'field'; field: string } | { kind: 'string' } | ({ kind: 'schema' } & SchemaBinding);

export interface TopicDescriptor {
  topic: string;
  format: 'AVRO' | 'JSON';
  events: EventDescriptor[];
  /** TopicNameStrategy with several event types: the union subject all of them are written under. */
  union?: SchemaBinding;
  key: KeyDescriptor;
  consumerGroup: string;
  retry: RetryPolicy;
  deadLetterTopic: string;
  partitions?: number;
}

/** The binding a value is written with: the topic's union, or the event's own subject. */
export function bindingFor(d: TopicDescriptor, event: EventDescriptor): SchemaBinding {
  return d.union ?? event;
}

export function isMultiEvent(d: TopicDescriptor): boolean {
  return d.events.length > 1;
}
