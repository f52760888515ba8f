// Serdes: the Confluent wire format over the generated Avro codecs and JSON Schema validators.
export { DecodeError, type DecodeStage, frame, isDecodeError, MAGIC_BYTE, unframe } from './wire.js';
export { inlineReferences, selfContainedAvro } from './avro-payload.js';
export { type Decoded, type Encoded, type SchemaSource, TopicSerde } from './topic.js';
