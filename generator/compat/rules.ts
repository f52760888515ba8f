// Rule ids and a general hint for each, used where a reason comes without kafkagen's own
// context (the registry's messages). The offline engine writes hints naming the field.
//
// Avro rule ids are Apache Avro's SchemaIncompatibilityType (what Confluent reports), plus
// LOGICAL_TYPE_MISMATCH; JSON Schema rule ids are Confluent's Difference.Type.

export const AVRO_RULES = ['NAME_MISMATCH', 'FIXED_SIZE_MISMATCH', 'MISSING_ENUM_SYMBOLS', 'READER_FIELD_MISSING_DEFAULT_VALUE', 'TYPE_MISMATCH', 'MISSING_UNION_BRANCH', 'LOGICAL_TYPE_MISMATCH'] as const;

export const RULE_HINTS: Readonly<Record<string, string>> = {
  // Avro
  NAME_MISMATCH: 'keep the name of the named type, or (backward only) add the old full name to "aliases"',
  FIXED_SIZE_MISMATCH: 'keep the size of the fixed type; add a new field with a new fixed type instead',
  MISSING_ENUM_SYMBOLS: 'keep every symbol, or give the reader\'s enum a "default" symbol',
  READER_FIELD_MISSING_DEFAULT_VALUE: 'give the field a default (for an optional field: ["null", ...] with "default": null)',
  TYPE_MISMATCH: 'only int -> long -> float -> double and string <-> bytes are promotions; add a new field for the new type',
  MISSING_UNION_BRANCH: 'keep every union branch the other side can write',
  LOGICAL_TYPE_MISMATCH: 'keep the logical type (a decimal keeps its scale); add a new field for the new one',
  // JSON Schema (Confluent Difference.Type)
  TYPE_CHANGED: 'keep the type, or widen it with a type list / anyOf that still includes the old one',
  TYPE_NARROWED: 'keep "type": "number"',
  REQUIRED_ATTRIBUTE_ADDED: 'keep the property optional, or give it a "default"',
  REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL: 'add the property as optional, or give it a "default"',
  REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: 'add the property as optional to a closed content model ("additionalProperties": false)',
  OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: 'close the content model ("additionalProperties": false) before adding properties, or declare the property with {}',
  PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: 'keep the property, or open the content model',
  ADDITIONAL_PROPERTIES_REMOVED: 'keep the content model open',
  ADDITIONAL_PROPERTIES_NARROWED: 'keep additional properties unrestricted',
  ENUM_ARRAY_NARROWED: 'keep every enum value; values may only be added',
  ENUM_ARRAY_CHANGED: 'keep every enum value (and a const as it is)',
  SUM_TYPE_NARROWED: 'keep every oneOf / anyOf branch',
  PRODUCT_TYPE_EXTENDED: 'do not add allOf branches',
  COMBINED_TYPE_CHANGED: 'keep the combining keyword',
  COMBINED_TYPE_SUBSCHEMAS_CHANGED: 'change each oneOf / anyOf / allOf branch only compatibly',
  MAX_LENGTH_ADDED: 'do not add maxLength', MAX_LENGTH_DECREASED: 'do not lower maxLength',
  MIN_LENGTH_ADDED: 'do not add minLength', MIN_LENGTH_INCREASED: 'do not raise minLength',
  PATTERN_ADDED: 'do not add a pattern', PATTERN_CHANGED: 'keep the pattern',
  MAXIMUM_ADDED: 'do not add maximum', MAXIMUM_DECREASED: 'do not lower maximum',
  MINIMUM_ADDED: 'do not add minimum', MINIMUM_INCREASED: 'do not raise minimum',
  MAX_ITEMS_ADDED: 'do not add maxItems', MAX_ITEMS_DECREASED: 'do not lower maxItems',
  MIN_ITEMS_ADDED: 'do not add minItems', MIN_ITEMS_INCREASED: 'do not raise minItems',
  UNIQUE_ITEMS_ADDED: 'do not add "uniqueItems": true',
  // The registry said no without saying why.
  REGISTRY_INCOMPATIBLE: 'run kafkagen check --against <git ref> for the reasons',
};
