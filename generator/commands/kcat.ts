// `kafkagen produce` and `kafkagen consume`: a schema-aware kcat. Events are validated
// against the catalog's schema before sending; consumed events are decoded and printed as
// JSON lines. Both work from schemas/ and the catalog directly (no compiled code needed).
import { readFileSync } from 'node:fs';
import { KafkaClient } from '../../runtime/client.js';
import { configFromEnv } from '../../runtime/config.js';
import type { TopicDescriptor } from '../../runtime/descriptor.js';
import { replayDeadLetters } from '../../runtime/dlq.js';
import { isKafkagenRuntimeError, type KafkagenRuntimeError } from '../../runtime/errors.js';
import { DLQ_HEADERS } from '../../runtime/headers.js';
import { fromJson, toJson } from '../../runtime/json-values.js';
import { silentLogger } from '../../runtime/logger.js';
import { resolveContext } from '../context.js';
import { runtimeDescriptor } from '../descriptors.js';
import { closest, KafkagenError } from '../errors.js';
import { buildModel } from '../generate.js';
import { planRegistration } from '../registration.js';

export interface KcatIo {
  out: (line: string) => void;
  err: (line: string) => void;
  cwd: string;
}

/** The catalog's model: these commands work from the catalog, not from compiled code. */
function catalogModel(config: string | undefined, cwd: string, command: string) {
  const ctx = resolveContext({ config, cwd });
  if (!ctx.catalog) throw new KafkagenError('CONFIG_NOT_FOUND', `${command} needs a catalog`, {}, 'create kafkagen.yaml or pass --config FILE');
  return { ctx: { ...ctx, catalog: ctx.catalog }, model: buildModel(ctx) };
}

function descriptorFor(config: string | undefined, topicName: string, cwd: string, command: string): TopicDescriptor {
  const { ctx, model } = catalogModel(config, cwd, command);
  const topic = model.topics.find((t) => t.name === topicName);
  if (!topic) {
    const near = closest(topicName, model.topics.map((t) => t.name));
    throw new KafkagenError('USAGE', `topic ${JSON.stringify(topicName)} is not in the catalog`, { file: ctx.catalog.display }, near.length > 0 ? `did you mean ${near.join(' or ')}?` : `add it under topics: in ${ctx.catalog.display}`);
  }
  return runtimeDescriptor(topic, model, planRegistration(model, ctx.defaultCompatibility).bindings.get(topic.name)!, ctx.long);
}

function client(registry: string | undefined, brokers: string | undefined): KafkaClient {
  return new KafkaClient(configFromEnv(process.env, { ...(brokers ? { brokers: brokers.split(',') } : {}), ...(registry ? { registry: { url: registry } } : {}), logger: silentLogger, ...(process.env.KAFKA_CLIENT_ID ? {} : { clientId: 'kafkagen-cli' }) }));
}

/**
 * Runs a command on a client it closes afterwards. A runtime error is printed and ends the
 * command with `exitCode(error)` (default 1: a Kafka or registry failure).
 */
async function withClient(c: KafkaClient, io: KcatIo, run: () => Promise<number>, exitCode: (e: KafkagenRuntimeError) => number = () => 1): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (!isKafkagenRuntimeError(e)) throw e;
    io.err(`kafkagen: ${e.message}`);
    return exitCode(e);
  } finally {
    await c.close();
  }
}

export async function produceCommand(opts: { topic: string; file: string; key?: string; headers?: Record<string, string>; correlationId?: string; causationId?: string; config?: string; registry?: string; brokers?: string }, io: KcatIo): Promise<number> {
  const d = descriptorFor(opts.config, opts.topic, io.cwd, 'produce');
  const text = opts.file === '-' ? readFileSync(0, 'utf8') : readFileSync(opts.file, 'utf8');
  const raw = parseEvents(text, opts.file);
  const events = raw.map((e) => (d.format === 'AVRO' ? fromJson((d.union?.codec ?? eventCodec(d, e))!, e) : e));
  const c = client(opts.registry, opts.brokers);
  const badInput = (e: KafkagenRuntimeError) => (e.code === 'VALIDATION_FAILED' || e.code === 'UNKNOWN_EVENT_TYPE' || e.code === 'KEY_MISSING' ? 2 : 1);
  return withClient(c, io, async () => {
    const producer = c.producerFor(d);
    const options = {
      ...(opts.key !== undefined ? { key: opts.key } : {}),
      ...(opts.headers && Object.keys(opts.headers).length > 0 ? { headers: opts.headers } : {}),
      ...(opts.correlationId !== undefined ? { correlationId: opts.correlationId } : {}),
      ...(opts.causationId !== undefined ? { causationId: opts.causationId } : {}),
    };
    // Every event is valid before anything happens on the cluster: an invalid file creates no topic.
    for (const event of events) await producer.check(event, options);
    // The catalog's partitions apply when kafkagen creates the topic: broker auto-creation would make one partition.
    await ensureTopics(c, d, io);
    for (const [i, event] of events.entries()) {
      const r = await producer.send(event, options);
      // The catalog name, as consume and ctx.topic print it (without KAFKA_TOPIC_PREFIX).
      io.out(JSON.stringify({ topic: d.topic, partition: r.partition, offset: r.offset, eventType: r.eventType, schemaId: r.schemaId, index: i }));
    }
    return 0;
  }, badInput);
}

/**
 * Creates the topic and its dead-letter topic when missing, with the catalog's partitions. A
 * principal without the right to create topics still gets to send (to a topic that exists, or
 * one the broker auto-creates): the failure is a warning, not the end.
 */
async function ensureTopics(c: KafkaClient, d: TopicDescriptor, io: KcatIo): Promise<void> {
  const names = [d.topic, d.deadLetterTopic].map((t) => c.topicName(t));
  try {
    const existing = await (await c.admin()).listTopics();
    if (names.every((t) => existing.includes(t))) return;
    await c.ensureTopics([d]);
  } catch (e) {
    if (isKafkagenRuntimeError(e) && (e.code === 'BROKER_UNREACHABLE' || e.code === 'BROKER_AUTH_FAILED')) throw e;
    io.err(`kafkagen: warning: could not create ${names.join(' and ')} (${(e as Error)?.message ?? String(e)}); sending anyway`);
  }
}

/** One event, an array of events, or JSON lines. */
function parseEvents(text: string, file: string): unknown[] {
  try {
    const all = JSON.parse(text) as unknown;
    return Array.isArray(all) ? all : [all];
  } catch {
    return text.split('\n').map((l, i) => {
      if (!l.trim()) return undefined;
      try {
        return JSON.parse(l) as unknown;
      } catch (e) {
        throw new KafkagenError('USAGE', `${file}:${i + 1} is not JSON: ${(e as Error).message}`, { file, line: i + 1 }, 'give one JSON event, a JSON array of events, or one JSON event per line');
      }
    }).filter((e) => e !== undefined);
  }
}

function eventCodec(d: TopicDescriptor, e: unknown) {
  const tag = typeof e === 'object' && e !== null ? (e as Record<string, unknown>).$type : undefined;
  return (d.events.find((ev) => ev.name === tag) ?? d.events[0]!).codec;
}

export async function consumeCommand(opts: { topic: string; fromBeginning?: boolean; max?: number; group?: string; config?: string; registry?: string; brokers?: string; timeoutMs?: number }, io: KcatIo): Promise<number> {
  const d = descriptorFor(opts.config, opts.topic, io.cwd, 'consume');
  const c = client(opts.registry, opts.brokers);
  const prefixed = c.topicName('');
  const ctxTopic = (t: string): string => (t.startsWith(prefixed) ? t.slice(prefixed.length) : t);
  let count = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  // A throwaway group by default, so reading never moves a service's committed offsets.
  const group = c.consume(d, async (event, ctx) => {
    if (opts.max !== undefined && count >= opts.max) return;
    count++;
    io.out(JSON.stringify({ topic: ctx.topic, partition: ctx.partition, offset: ctx.offset, key: ctx.key, eventType: ctx.eventType, timestamp: new Date(Number(ctx.timestamp)).toISOString(), headers: ctx.headers, value: toJson(event) }));
    if (opts.max !== undefined && count >= opts.max) done();
  }, {
    groupId: opts.group ?? `kafkagen-cli-${process.pid}-${Date.now()}`,
    fromBeginning: opts.fromBeginning ?? false,
    retry: { attempts: 1 },
    // A reading tool must not write: a record it cannot decode is printed, not dead-lettered.
    onUnprocessable: (record, error, stage) => {
      if (opts.max !== undefined && count >= opts.max) return;
      count++;
      const timestamp = new Date(Number(record.timestamp)).toISOString();
      io.out(JSON.stringify({ topic: ctxTopic(record.topic), partition: record.partition, offset: record.offset, key: record.key?.toString('utf8') ?? null, timestamp, headers: record.headers, error: { stage, message: (error as Error)?.message ?? String(error) }, valueBase64: record.value?.toString('base64') ?? null }));
      if (opts.max !== undefined && count >= opts.max) done();
    },
  });
  process.once('SIGINT', done);
  process.once('SIGTERM', done);
  await group.start();
  const timer = opts.timeoutMs ? setTimeout(done, opts.timeoutMs) : undefined;
  await finished;
  clearTimeout(timer);
  await c.close();
  return opts.max !== undefined && count < opts.max ? 1 : 0;
}

export async function replayCommand(opts: { topic: string; all?: boolean; stage?: string; errorCode?: string; key?: string; config?: string; registry?: string; brokers?: string }, io: KcatIo): Promise<number> {
  const d = descriptorFor(opts.config, opts.topic, io.cwd, 'replay');
  const c = client(opts.registry, opts.brokers);
  return withClient(c, io, async () => {
    const dlq = c.topicName(d.deadLetterTopic);
    const r = await replayDeadLetters(c, {
      deadLetterTopic: d.deadLetterTopic,
      all: opts.all,
      filter: (rec) =>
        (opts.stage === undefined || rec.headers[DLQ_HEADERS.stage] === opts.stage) &&
        (opts.errorCode === undefined || rec.headers[DLQ_HEADERS.errorCode] === opts.errorCode) &&
        (opts.key === undefined || rec.key?.toString('utf8') === opts.key),
    });
    io.out(r.missing ? `kafkagen: 0 replayed, 0 skipped (${dlq} does not exist yet: nothing was dead-lettered)` : `kafkagen: ${r.replayed} replayed, ${r.skipped} skipped from ${dlq} to ${c.topicName(d.topic)}`);
    return 0;
  });
}

/** Creates the catalog's topics and dead-letter topics that are missing (partitions, replication, configs). */
export async function topicsCommand(opts: { dryRun?: boolean; config?: string; registry?: string; brokers?: string }, io: KcatIo): Promise<number> {
  const { model } = catalogModel(opts.config, io.cwd, 'topics');
  // Topics need no registry; the client's configuration still wants a URL.
  const c = client(opts.registry ?? process.env.SCHEMA_REGISTRY_URL ?? 'http://registry.unused', opts.brokers);
  return withClient(c, io, async () => {
    const admin = await c.admin();
    const existing = new Set(await admin.listTopics());
    const wanted = model.topics.flatMap((t) => [t.name, t.deadLetterTopic].map((n) => c.topicName(n)));
    const counts = await admin.partitionCounts([...new Set(wanted)].filter((t) => existing.has(t)));
    const rows: string[][] = [];
    const missing: Array<{ topic: string; partitions?: number; replicationFactor?: number; config?: Record<string, string> }> = [];
    const seen = new Set<string>();
    for (const t of model.topics) {
      for (const name of [t.name, t.deadLetterTopic]) {
        const topic = c.topicName(name);
        if (seen.has(topic)) continue;
        seen.add(topic);
        const exists = existing.has(topic);
        if (!exists) missing.push({ topic, partitions: t.partitions, replicationFactor: t.replicationFactor, config: t.config });
        // An existing topic is never changed, but a partition count that differs from the catalog is worth a look.
        const actual = exists && t.partitions !== undefined ? counts.get(topic) : undefined;
        const status = !exists ? (opts.dryRun ? 'would create' : 'created') : actual !== undefined && actual !== t.partitions ? `exists with ${actual} partitions` : 'exists';
        rows.push([topic, String(t.partitions ?? "broker's"), String(t.replicationFactor ?? "broker's"), status]);
      }
    }
    if (!opts.dryRun && missing.length > 0) await admin.createTopics(missing);
    const widths = [0, 1, 2, 3].map((i) => Math.max(...[['topic', 'partitions', 'replication', 'status'], ...rows].map((r) => r[i]!.length)));
    for (const r of [['topic', 'partitions', 'replication', 'status'], ...rows]) io.out(r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
    return 0;
  });
}
