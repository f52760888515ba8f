// Topic descriptors built at run time from the model (for `kafkagen produce` / `consume`,
// which work from the schemas and catalog without compiled generated code). The same data
// the generated topic modules carry, with codecs and validators made on the spot.
import { createAvroType } from '../runtime/avro.js';
import type { SchemaBinding, TopicDescriptor } from '../runtime/descriptor.js';
import { jsonValidator } from '../runtime/validation.js';
import type { Model, NamedType, Topic } from './model.js';
import { jsonSchemaAjv } from './emit/json-validators.js';
import { unionSchema } from './emit/topic.js';
import type { ManifestSubject, TopicBindings } from './registration.js';

export function runtimeDescriptor(topic: Topic, model: Model, bindings: TopicBindings, long: 'bigint' | 'number'): TopicDescriptor {
  const ajv = topic.format === 'json' ? jsonAjv(model) : undefined;
  const checker = (t: NamedType): Pick<SchemaBinding, 'codec' | 'validator'> =>
    t.format === 'avro' ? { codec: createAvroType(t.avro!.selfContained, { long }) } : { validator: jsonValidator(ajv!.getSchema(t.json!.ref)!) };
  const bind = (b: ManifestSubject) => ({ subject: b.subject, schema: b.schema, references: b.references.map((r) => ({ name: r.name, subject: r.subject })) });
  const events = topic.events.map((e, i) => {
    const t = model.types.get(e.typeId)!;
    return { name: e.name, recordName: t.avro?.fullName, ...bind(bindings.events[i]!), ...checker(t) };
  });
  const descriptor: TopicDescriptor = {
    topic: topic.name,
    format: topic.format === 'avro' ? 'AVRO' : 'JSON',
    events,
    key: topic.key.kind === 'schema' ? { kind: 'schema', ...bind(bindings.key!), ...checker(model.types.get(topic.key.typeId)!) } : topic.key,
    consumerGroup: topic.consumerGroup,
    retry: topic.retry,
    deadLetterTopic: topic.deadLetterTopic,
    partitions: topic.partitions,
    replicationFactor: topic.replicationFactor,
    config: topic.config,
    ...(topic.wire === 'plain' && { wire: 'plain' as const }),
    ...(topic.envelope && { envelope: topic.envelope }),
  };
  if (bindings.union) {
    descriptor.union = { ...bind(bindings.union), ...(topic.format === 'avro' ? { codec: createAvroType(unionSchema(topic.events.map((e) => model.types.get(e.typeId)!)), { long }) } : {}) };
  }
  return descriptor;
}

function jsonAjv(model: Model) {
  return jsonSchemaAjv(model.modules.flatMap((m) => m.jsonDocuments ?? []));
}
