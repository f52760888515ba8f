// Registration as data: the catalog and the model -> an ordered list of subjects, each with
// its schema text, references and compatibility level. One runtime function applies it
// (runtime/registration.ts); `kafkagen register` and generated/registry.ts both use it.
import type { CompatibilityLevel, JsonDocument, Model, NamedType, Topic } from './model.js';

export interface ManifestReference {
  /** The name the schema uses for it: an Avro full name, or a JSON Schema `$id`. */
  name: string;
  subject: string;
}

export interface ManifestSubject {
  subject: string;
  schemaType: 'AVRO' | 'JSON';
  schema: string;
  references: ManifestReference[];
  compatibility: CompatibilityLevel;
  /** value/key of a topic, or a schema other subjects reference. */
  role: 'value' | 'key' | 'reference';
  topics: string[];
  source: { file: string; pointer: string };
}

export interface RegistrationManifest {
  /** Subjects in registration order: every reference before the subjects that use it. */
  subjects: ManifestSubject[];
}

/** The subject of a record under a naming strategy (Confluent's rules). */
export function subjectName(topic: Topic, role: 'value' | 'key', recordName: string | undefined): string {
  switch (topic.subjectNaming) {
    case 'RecordNameStrategy':
      return recordName ?? `${topic.name}-${role}`;
    case 'TopicRecordNameStrategy':
      return recordName ? `${topic.name}-${recordName}` : `${topic.name}-${role}`;
    default:
      return `${topic.name}-${role}`;
  }
}

/** The subject each of a topic's event types (and union, and key) is written under. */
export interface TopicBindings {
  events: ManifestSubject[];
  union?: ManifestSubject;
  key?: ManifestSubject;
}

export function buildManifest(model: Model, defaultCompatibility: CompatibilityLevel = 'BACKWARD'): RegistrationManifest {
  return planRegistration(model, defaultCompatibility).manifest;
}

export function planRegistration(model: Model, defaultCompatibility: CompatibilityLevel = 'BACKWARD'): { manifest: RegistrationManifest; bindings: Map<string, TopicBindings> } {
  const out = new Map<string, ManifestSubject>();
  const add = (s: ManifestSubject): ManifestSubject => {
    const existing = out.get(s.subject);
    if (existing) {
      for (const t of s.topics) if (!existing.topics.includes(t)) existing.topics.push(t);
      return existing;
    }
    out.set(s.subject, s);
    return s;
  };
  const referenceOf = (t: NamedType): ManifestReference => addReferenceTree(t, model, add, defaultCompatibility);
  const bindings = new Map<string, TopicBindings>();

  for (const topic of model.topics) {
    const events = topic.events.map((e) => model.types.get(e.typeId)!);
    const recordSubjects = topic.subjectNaming !== 'TopicNameStrategy';
    const b: TopicBindings = { events: [] };
    if (recordSubjects) {
      b.events = events.map((t) => add(subjectFor(t, subjectName(topic, 'value', recordNameOf(t)), topic, 'value', model, referenceOf)));
    } else if (events.length === 1) {
      b.events = [add(subjectFor(events[0]!, subjectName(topic, 'value', undefined), topic, 'value', model, referenceOf))];
    } else {
      // Each event type is a referenced subject of its own; the topic's subject is the union.
      b.union = add(unionSubject(events, subjectName(topic, 'value', undefined), topic, referenceOf));
      b.events = events.map((t) => out.get(referenceOf(t).subject)!);
    }
    if (topic.key.kind === 'schema') {
      const keyType = model.types.get(topic.key.typeId)!;
      b.key = add(subjectFor(keyType, subjectName(topic, 'key', recordSubjects ? recordNameOf(keyType) : undefined), topic, 'key', model, referenceOf));
    }
    bindings.set(topic.name, b);
  }
  return { manifest: { subjects: [...out.values()] }, bindings };
}

function recordNameOf(t: NamedType): string {
  return t.format === 'avro' ? t.avro!.fullName : (t.json!.ref.split('/').pop() ?? t.name).replace(/#.*$/, '') + (t.source.pointer ? `#${t.source.pointer}` : '');
}

/** One event type as a subject: Avro standalone definition, or the JSON Schema it lives in. */
function subjectFor(t: NamedType, subject: string, topic: Topic, role: 'value' | 'key', model: Model, referenceOf: (t: NamedType) => ManifestReference): ManifestSubject {
  if (t.format === 'avro') {
    return {
      subject,
      schemaType: 'AVRO',
      schema: JSON.stringify(t.avro!.standalone),
      references: t.avro!.references.map((name) => referenceOf(model.types.get(name)!)),
      compatibility: topic.compatibility,
      role,
      topics: [topic.name],
      source: t.source,
    };
  }
  const { doc, refs } = jsonDocumentOf(t, model);
  const schema = t.source.pointer === '' ? JSON.stringify(doc.schema) : JSON.stringify({ $ref: t.json!.ref });
  const references = t.source.pointer === '' ? refs.map((d) => jsonReference(d, model, referenceOf)) : [jsonReference(doc, model, referenceOf)];
  return { subject, schemaType: 'JSON', schema, references, compatibility: topic.compatibility, role, topics: [topic.name], source: t.source };
}

/** Several event types on one topic under TopicNameStrategy: a union of references. */
function unionSubject(events: NamedType[], subject: string, topic: Topic, referenceOf: (t: NamedType) => ManifestReference): ManifestSubject {
  const refs = events.map(referenceOf);
  const schema = events[0]!.format === 'avro' ? JSON.stringify(refs.map((r) => r.name)) : JSON.stringify({ oneOf: events.map((e) => ({ $ref: e.json!.ref })) });
  return {
    subject,
    schemaType: events[0]!.format === 'avro' ? 'AVRO' : 'JSON',
    schema,
    references: dedupe(refs),
    compatibility: topic.compatibility,
    role: 'value',
    topics: [topic.name],
    source: topic.source,
  };
}

/** Registers a referenced type (and, first, everything it references) as its own subject. */
function addReferenceTree(t: NamedType, model: Model, add: (s: ManifestSubject) => unknown, compatibility: CompatibilityLevel, seen = new Set<string>()): ManifestReference {
  if (t.format === 'avro') {
    const name = t.avro!.fullName;
    if (!seen.has(name)) {
      seen.add(name);
      const references = t.avro!.references.map((r) => addReferenceTree(model.types.get(r)!, model, add, compatibility, seen));
      add({ subject: name, schemaType: 'AVRO', schema: JSON.stringify(t.avro!.standalone), references, compatibility, role: 'reference', topics: [], source: t.source });
    }
    return { name, subject: name };
  }
  const { doc } = jsonDocumentOf(t, model);
  return jsonDocumentReference(doc, model, add, compatibility, seen);
}

function jsonReference(doc: JsonDocument, model: Model, referenceOf: (t: NamedType) => ManifestReference): ManifestReference {
  // Any type of the document stands for the whole document.
  const anyType = [...model.types.values()].find((t) => t.format === 'json' && jsonDocumentOf(t, model).doc.id === doc.id);
  return anyType ? referenceOf(anyType) : { name: doc.id, subject: doc.file };
}

function jsonDocumentReference(doc: JsonDocument, model: Model, add: (s: ManifestSubject) => unknown, compatibility: CompatibilityLevel, seen: Set<string>): ManifestReference {
  const subject = doc.file.replace(/^.*?schemas\//, '');
  if (!seen.has(doc.id)) {
    seen.add(doc.id);
    const { refs } = documentRefs(doc, model);
    const references = refs.map((d) => jsonDocumentReference(d, model, add, compatibility, seen));
    add({ subject, schemaType: 'JSON', schema: JSON.stringify(doc.schema), references, compatibility, role: 'reference', topics: [], source: { file: doc.file, pointer: '' } });
  }
  return { name: doc.id, subject };
}

function jsonDocumentOf(t: NamedType, model: Model): { doc: JsonDocument; refs: JsonDocument[] } {
  const module = model.modules.find((m) => m.path === t.module)!;
  const docs = module.jsonDocuments ?? [];
  const docId = t.json!.ref.split('#')[0]!;
  const doc = docs.find((d) => d.id === docId) ?? docs[0]!;
  return documentRefs(doc, model);
}

/** The documents a JSON Schema document refers to directly (by `$ref` to another `$id`). */
function documentRefs(doc: JsonDocument, model: Model): { doc: JsonDocument; refs: JsonDocument[] } {
  const all = new Map<string, JsonDocument>();
  for (const m of model.modules) for (const d of m.jsonDocuments ?? []) all.set(d.id, d);
  const refs: JsonDocument[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string' && !v.startsWith('#')) {
          const target = new URL(v, doc.id).href.split('#')[0]!;
          const d = all.get(target);
          if (d && d.id !== doc.id && !refs.includes(d)) refs.push(d);
        } else walk(v);
      }
    }
  };
  walk(doc.schema);
  return { doc, refs };
}

function dedupe(refs: ManifestReference[]): ManifestReference[] {
  const seen = new Set<string>();
  return refs.filter((r) => (seen.has(r.name) ? false : (seen.add(r.name), true)));
}
