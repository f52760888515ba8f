// The public runtime API. Generated code imports only from here.
export { createAvroType, recordTags, shortName, TYPE_TAG } from './avro.js';
export type { AvroCodec, AvroCodecOptions, LongMode } from './avro.js';
export { jsonValidator, toPointer } from './validation.js';
export type { AjvValidateFunction, ValidationIssue, ValidationResult, Validator } from './validation.js';
export { applyRegistration, formatRegistrationTable } from './registration.js';
export type { RegistrationManifestData, RegistrationOptions, RegistrationRow, RegistrationStatus, RegistrationSubject } from './registration.js';
