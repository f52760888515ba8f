// The public runtime API. Generated code imports only from here.
export { createAvroType, recordTags, shortName, TYPE_TAG } from './avro.js';
export type { AvroCodec, AvroCodecOptions, LongMode } from './avro.js';
export { jsonValidator, toPointer } from './validation.js';
export type { AjvValidateFunction, ValidationIssue, ValidationResult, Validator } from './validation.js';
export { jsonSchemaEqual, jsonSchemaFormats, jsonSchemaUcs2length } from './json-helpers.js';
export { applyRegistration, formatRegistrationTable } from './registration.js';
export type { RegistrationManifestData, RegistrationOptions, RegistrationRow, RegistrationStatus, RegistrationSubject } from './registration.js';

export { KafkaClient } from './client.js';
export type { ClientHealth, ClientOptions, DependencyHealth } from './client.js';
export { configFromEnv, DEFAULTS, validateConfig } from './config.js';
export type { ClientConfig, Compression, ConsumerConfig, ProducerConfig, RegistryConfig, SaslConfig, SaslMechanism, TlsConfig } from './config.js';
export type { EventDescriptor, KeyDescriptor, SchemaBinding, SubjectRef, TopicDescriptor } from './descriptor.js';
export { fillEnvelope } from './envelope.js';
export type { Enveloped, EnvelopeDescriptor, EnvelopeSource } from './envelope.js';

export { causedBy, TopicProducer } from './producer.js';
export type { SendOptions, SendResult } from './producer.js';
export { GroupConsumer } from './consumer.js';
export type { ConsumerHealth, ConsumerOptions, ConsumerState, EventContext, EventHandler } from './consumer.js';
export type { IteratedEvent } from './iterator.js';
export { deadLetterHeaders, replayDeadLetters } from './dlq.js';
export type { DeadLetterStage, ReplayOptions } from './dlq.js';
export { CONTENT_TYPES, DLQ_HEADERS, HEADERS } from './headers.js';

export { hasErrorCode, isKafkagenRuntimeError, isRetriable, isValidationError, KafkagenRuntimeError } from './errors.js';
export type { RuntimeErrorCode } from './errors.js';
export { backoffDelay, DEFAULT_RETRY, DEFAULT_SEND_RETRY } from './retry.js';
export type { RetryPolicy } from './retry.js';
export type { RecordEvent, RuntimeHooks } from './hooks.js';
export { defaultLogger, silentLogger } from './logger.js';
export type { Logger } from './logger.js';

export { frame, isDecodeError, MAGIC_BYTE, TopicSerde, unframe } from './serde/index.js';
export { RegistryClient } from './registry.js';
export type { RegisteredSchema, RegistryReference } from './registry.js';
export type { IncomingRecord, OutgoingRecord, SentRecord, Transport } from './transport/types.js';
