// One catalog topic -> generated/topics/<topic>.ts: the topic's event union types, its
// descriptor (data for the runtime) and thin typed producer and consumer classes. The classes
// come from a Handlebars template that only ever receives pre-escaped values.
import path from 'node:path';
import Handlebars from 'handlebars';
import { KafkagenError } from '../errors.js';
import type { Model, NamedType, Topic } from '../model.js';
import type { EnvelopeSource } from '../../runtime/envelope.js';
import { jsDoc, stringLiteral, typeIdentifier } from '../names.js';
import type { ManifestSubject, TopicBindings } from '../registration.js';
import { header } from './header.js';
import { exportedNames, relativeSpecifier, runtimeSpecifier } from './module.js';

export const TOPICS_DIR = 'topics';

export function topicModulePath(topic: Topic): string {
  return `${TOPICS_DIR}/${topic.name.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
}

export function topicClassBase(topic: Topic): string {
  return typeIdentifier(topic.name.replace(/[^\p{ID_Continue}]+/gu, ' '));
}

/** Topic class names must not collide (e.g. `a.b` and `a-b`): checked once for all topics. */
export function checkTopicNames(topics: Topic[]): void {
  const seen = new Map<string, Topic>();
  for (const t of topics) {
    const base = topicClassBase(t);
    const other = seen.get(base) ?? seen.get(`path:${topicModulePath(t)}`);
    if (other) {
      throw new KafkagenError('NAME_CLASH', `topics ${other.name} and ${t.name} would both generate ${base} (${topicModulePath(t)}.ts)`, t.source, 'rename one of the topics');
    }
    seen.set(base, t);
    seen.set(`path:${topicModulePath(t)}`, t);
  }
}

const template = Handlebars.compile(
  `{{{header}}}
{{{imports}}}

{{{doc}}}export type {{base}}Event =
{{{eventUnion}}};

/** An event of {{{topicLiteral}}} as a producer passes it. */
export type {{base}}EventInput =
{{{inputUnion}}};

/** Handlers by event type; an event type without a handler is acknowledged and skipped. */
export type {{base}}Handlers = {
{{{handlerLines}}}
};

/** Everything the runtime needs to know about {{{topicLiteral}}}: data from the catalog and the registry manifest. */
export const {{descriptor}}: runtime.TopicDescriptor = {{{descriptorLiteral}}};

/** Typed producer for {{{topicLiteral}}}. Share one KafkaClient: every producer uses its one connection. */
export class {{base}}Producer {
  readonly topic = {{{topicLiteral}}};
  private readonly producer: runtime.TopicProducer<{{base}}EventInput>;

  /** \`ownsClient\`: disconnect() closes the client (as fromEnv() does); a shared client stays open. */
  constructor(private readonly client: runtime.KafkaClient, private readonly ownsClient = false) {
    this.producer = client.producerFor<{{base}}EventInput>({{descriptor}});
  }

  /** A producer with a client of its own, configured from the environment (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, ...). */
  static fromEnv(overrides: Partial<runtime.ClientConfig> = {}): {{base}}Producer {
    return new {{base}}Producer(runtime.KafkaClient.fromEnv(overrides), true);
  }

  /** Connects the client's shared producer now rather than on the first send. */
  async connect(): Promise<void> {
    await this.client.sharedProducer();
  }

  /** Validates and sends one event; an invalid event throws VALIDATION_FAILED and sends nothing. */
  send(event: {{base}}EventInput, options?: runtime.SendOptions): Promise<runtime.SendResult> {
    return this.producer.send(event, options);
  }

  /** Validates every event, then sends them in one request. */
  sendBatch(events: Array<{{base}}EventInput | { event: {{base}}EventInput; options?: runtime.SendOptions }>): Promise<runtime.SendResult[]> {
    return this.producer.sendBatch(events);
  }{{{publishMethods}}}
{{#if keySchema}}

  /** Sends with a key of the topic's key schema (validated and encoded like the value). */
  sendKeyed(key: {{{keyType}}}, event: {{base}}EventInput, options?: runtime.SendOptions): Promise<runtime.SendResult> {
    return this.producer.sendKeyed(key, event, options);
  }
{{/if}}

  /**
   * Closes the client when this producer owns it (fromEnv). A shared client stays open for the
   * other producers and consumers made from it: close it with \`client.close()\`.
   */
  async disconnect(): Promise<void> {
    if (this.ownsClient) await this.client.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.disconnect();
  }
}

/** Typed consumer for {{{topicLiteral}}} (group {{{groupLiteral}}} unless overridden). */
export class {{base}}Consumer {
  readonly group: runtime.GroupConsumer;

  constructor(client: runtime.KafkaClient, handlers: {{base}}Handlers | runtime.EventHandler<{{base}}Event>, options: runtime.ConsumerOptions = {}) {
    this.group = client.consume<{{base}}Event>({{descriptor}}, handlers as runtime.EventHandler<{{base}}Event>, options);
  }

  /** Adds this topic, with its handlers, to a consumer group that serves several topics. */
  static route(group: runtime.GroupConsumer, handlers: {{base}}Handlers | runtime.EventHandler<{{base}}Event>): runtime.GroupConsumer {
    return group.route<{{base}}Event>({{descriptor}}, handlers as runtime.EventHandler<{{base}}Event>);
  }

  /** Pull-style reading for batch and ETL jobs: \`for await (const { event, ctx } of ...)\`. */
  static iterate(client: runtime.KafkaClient, options: runtime.ConsumerOptions = {}): AsyncIterableIterator<{ event: {{base}}Event; ctx: runtime.EventContext }> {
    return client.iterate<{{base}}Event>({{descriptor}}, options);
  }

  /** Joins the group and starts handling records (resolves once running). */
  start(): Promise<void> {
    return this.group.start();
  }

  /** Graceful shutdown: stop fetching, finish in-flight handlers, commit, disconnect. */
  stop(): Promise<void> {
    return this.group.stop();
  }

  /** Stops gracefully on SIGTERM/SIGINT, then calls onStopped. */
  stopOnSignals(onStopped?: (error?: unknown) => void): this {
    this.group.stopOnSignals(onStopped);
    return this;
  }

  /** Back-pressure: stops fetching this topic (or some of its partitions); records in hand finish. */
  pause(partitions?: number[]): void {
    this.group.pause({{descriptor}}.topic, partitions);
  }

  /** Fetches this topic again, every partition, from where it stopped. */
  resume(): void {
    this.group.resume({{descriptor}}.topic);
  }

  health(): Promise<runtime.ConsumerHealth> {
    return this.group.health();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
`,
  { noEscape: true, strict: true },
);

export interface TopicEmitOptions {
  runtimeImport: string;
  long: 'bigint' | 'number';
}

export function emitTopic(topic: Topic, model: Model, bindings: TopicBindings, opts: TopicEmitOptions): string {
  const module = topicModulePath(topic);
  const base = topicClassBase(topic);
  const fromDir = path.posix.dirname(module);
  const events = topic.events.map((e) => ({ event: e, type: model.types.get(e.typeId)! }));
  const imports = new ImportList(fromDir);
  const multi = events.length > 1;
  const tagged = multi && topic.format === 'avro';

  const publishMethods: string[] = [];
  const publishNames = new Map<string, string>();
  const eventLines: string[] = [];
  const inputLines: string[] = [];
  const handlerLines: string[] = [];
  const descriptorEvents: string[] = [];
  for (const [i, { event, type }] of events.entries()) {
    const names = exportedNames(type);
    const out = imports.type(type, names.type);
    const input = imports.type(type, names.input);
    const tag = tagged ? `{ $type: ${stringLiteral(event.name)} } & ` : '';
    eventLines.push(`  | (${tag}${out})`);
    inputLines.push(`  | (${tag}${input})`);
    handlerLines.push(`  ${stringLiteral(event.name)}?: runtime.EventHandler<${tag}${out}>;`);
    if (tagged && topic.key.kind !== 'schema') {
      // One method per event type (not with a key schema: those send through sendKeyed), as hand-written producers had (publish_inspection_created): `$type` is set for the caller.
      const method = `publish${typeIdentifier(event.name.split('.').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(''))}`;
      const other = publishNames.get(method);
      if (other !== undefined) throw new KafkagenError('NAME_CLASH', `event types ${other} and ${event.name} of topic ${topic.name} would both generate ${method}()`, topic.source, 'rename one of the records');
      publishNames.set(method, event.name);
      const tagLiteral = stringLiteral(event.name);
      publishMethods.push(
        `\n\n  /** Validates and sends one ${event.name.replace(/\*\//g, '*\\/')}; its \`$type\` is set here. */\n  ${method}(event: Omit<Extract<${base}EventInput, { $type: ${tagLiteral} }>, "$type">, options?: runtime.SendOptions): Promise<runtime.SendResult> {\n    return this.producer.send({ ...event, $type: ${tagLiteral} }, options);\n  }`,
      );
    }
    const binding = bindings.events[i]!;
    const checker = type.format === 'avro' ? `codec: ${imports.value(type, names.codec)}` : `validator: ${imports.value(type, names.codec)}`;
    descriptorEvents.push(
      `    {\n      name: ${stringLiteral(event.name)},\n${type.format === 'avro' ? `      recordName: ${stringLiteral(type.avro!.fullName)},\n` : ''}${bindingFields(binding, '      ')}      ${checker},\n    }`,
    );
  }

  const fields: string[] = [
    `  topic: ${stringLiteral(topic.name)}`,
    `  format: ${stringLiteral(topic.format === 'avro' ? 'AVRO' : 'JSON')}`,
    `  events: [\n${descriptorEvents.join(',\n')},\n  ]`,
  ];
  if (bindings.union) {
    const codec = topic.format === 'avro' ? `,\n    codec: runtime.createAvroType(JSON.parse(${stringLiteral(JSON.stringify(unionSchema(events.map((e) => e.type))))}), { long: ${stringLiteral(opts.long)} })` : '';
    fields.push(`  union: {\n${bindingFields(bindings.union, '    ').trimEnd().replace(/,$/, '')}${codec},\n  }`);
  }
  let keyType = 'string';
  if (topic.key.kind === 'field') fields.push(`  key: { kind: "field", field: ${stringLiteral(topic.key.field)} }`);
  else if (topic.key.kind === 'fields') fields.push(`  key: { kind: "fields", fields: [${topic.key.fields.map(stringLiteral).join(', ')}], separator: ${stringLiteral(topic.key.separator)} }`);
  else if (topic.key.kind === 'string') fields.push('  key: { kind: "string" }');
  else {
    const keyNamed = model.types.get(topic.key.typeId)!;
    const names = exportedNames(keyNamed);
    keyType = imports.type(keyNamed, names.input);
    const checker = `${keyNamed.format === 'avro' ? 'codec' : 'validator'}: ${imports.value(keyNamed, names.codec)}`;
    fields.push(`  key: {\n    kind: "schema",\n${bindingFields(bindings.key!, '    ')}    ${checker},\n  }`);
  }
  fields.push(`  consumerGroup: ${stringLiteral(topic.consumerGroup)}`);
  fields.push(`  retry: ${JSON.stringify(topic.retry).replace(/"(\w+)":/g, '$1: ').replace(/,/g, ', ').replace(/^\{/, '{ ').replace(/\}$/, ' }')}`);
  fields.push(`  deadLetterTopic: ${stringLiteral(topic.deadLetterTopic)}`);
  if (topic.partitions !== undefined) fields.push(`  partitions: ${topic.partitions}`);
  if (topic.replicationFactor !== undefined) fields.push(`  replicationFactor: ${topic.replicationFactor}`);
  if (topic.config !== undefined) fields.push(`  config: { ${Object.entries(topic.config).map(([k, v]) => `${stringLiteral(k)}: ${stringLiteral(v)}`).join(', ')} }`);
  if (topic.wire === 'plain') fields.push('  wire: "plain"');
  const envelope = topic.envelope;
  if (envelope) {
    const source = (v: EnvelopeSource) => (typeof v === 'string' ? stringLiteral(v) : `{ const: ${typeof v.const === 'string' ? stringLiteral(v.const) : String(v.const)}${v.bigint ? ', bigint: true' : ''} }`);
    fields.push(`  envelope: { field: ${stringLiteral(envelope.field)}, fill: { ${Object.entries(envelope.fill).map(([k, v]) => `${stringLiteral(k)}: ${source(v)}`).join(', ')} } }`);
  }

  return template({
    header: header(topic.source.file),
    imports: [`import * as runtime from ${stringLiteral(runtimeSpecifier(opts.runtimeImport, module))};`, ...imports.statements()].join('\n'),
    doc: jsDoc([topic.description, `Events of topic ${topic.name}${multi ? ` (${events.length} event types)` : ''}.`].filter(Boolean).join('\n\n')),
    base,
    eventUnion: eventLines.join('\n'),
    // With an envelope, the fields the producer fills are optional on input.
    inputUnion: envelope
      ? `  runtime.Enveloped<\n${inputLines.map((l) => `  ${l}`).join('\n')},\n    ${stringLiteral(envelope.field)},\n    ${Object.keys(envelope.fill).map(stringLiteral).join(' | ')}\n  >`
      : inputLines.join('\n'),
    handlerLines: handlerLines.join('\n'),
    publishMethods: publishMethods.join(''),
    descriptor: `${base.charAt(0).toLowerCase()}${base.slice(1)}Topic`,
    descriptorLiteral: `{\n${fields.join(',\n')},\n}`,
    topicLiteral: stringLiteral(topic.name),
    groupLiteral: stringLiteral(topic.consumerGroup),
    keySchema: topic.key.kind === 'schema',
    keyType,
  });
}

function bindingFields(b: ManifestSubject, indent: string): string {
  const refs = b.references.map((r) => `{ name: ${stringLiteral(r.name)}, subject: ${stringLiteral(r.subject)} }`).join(', ');
  return `${indent}subject: ${stringLiteral(b.subject)},\n${indent}schema: ${stringLiteral(b.schema)},\n${indent}references: [${refs}],\n`;
}

/**
 * The reader schema of a multi-event Avro topic: the union of its event records, each named
 * type defined once (at its first use) across all branches.
 */
export function unionSchema(types: NamedType[]): unknown {
  const defined = new Set<string>();
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node !== 'object' || node === null) return node;
    const obj = node as Record<string, unknown>;
    if (typeof obj.name === 'string' && ['record', 'error', 'enum', 'fixed'].includes(obj.type as string)) {
      if (defined.has(obj.name)) return obj.name;
      defined.add(obj.name);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      Object.defineProperty(out, k, { value: k === 'fields' && Array.isArray(v) ? v.map((f) => ({ ...(f as object), type: walk((f as { type: unknown }).type) })) : k === 'type' || k === 'items' || k === 'values' ? walk(v) : v, enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  return types.map((t) => walk(t.avro!.selfContained));
}

/** Imports of generated types and values into a topic module, aliased when names collide. */
class ImportList {
  private readonly byModule = new Map<string, Map<string, { alias: string; typeOnly: boolean }>>();
  private readonly taken = new Map<string, string>([['runtime', '#runtime']]);

  constructor(private readonly fromDir: string) {}

  type(t: NamedType, name: string): string {
    return this.add(t, name, true);
  }

  value(t: NamedType, name: string): string {
    return this.add(t, name, false);
  }

  private add(t: NamedType, name: string, typeOnly: boolean): string {
    let names = this.byModule.get(t.module);
    if (!names) this.byModule.set(t.module, (names = new Map()));
    const known = names.get(name);
    if (known) {
      known.typeOnly &&= typeOnly;
      return known.alias;
    }
    const owner = `${t.module}#${name}`;
    let alias = name;
    for (let i = 0; this.taken.has(alias) && this.taken.get(alias) !== owner; i++) alias = `${typeIdentifier(path.posix.basename(t.module))}${name}${i === 0 ? '' : i + 1}`;
    this.taken.set(alias, owner);
    names.set(name, { alias, typeOnly });
    return alias;
  }

  statements(): string[] {
    return [...this.byModule.entries()]
      .map(([mod, names]) => {
        const spec = relativeSpecifier(this.fromDir, `${mod}.js`);
        const list = [...names.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([n, { alias, typeOnly }]) => `${typeOnly ? 'type ' : ''}${n === alias ? n : `${n} as ${alias}`}`);
        return { spec, line: `import { ${list.join(', ')} } from ${stringLiteral(spec)};` };
      })
      .sort((a, b) => (a.spec < b.spec ? -1 : a.spec > b.spec ? 1 : 0))
      .map((x) => x.line);
  }
}
