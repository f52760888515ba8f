// The `kafkagen` command. Exit codes: 0 ok, 1 check failed (stale output, breaking change,
// refused registration), 2 bad input (a schema, the catalog or the command line).
import { existsSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveContext } from './context.js';
import { isKafkagenError, KafkagenError } from './errors.js';
import { buildModel, generate } from './generate.js';
import { buildManifest } from './registration.js';
import { isCompatError } from './compat/errors.js';
// The other commands' modules (the Kafka client, the compatibility engine, the registry
// client) are imported by the command that needs them: `generate` should not pay for them.

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  cwd: string;
  /** Ends a `--watch` session (besides SIGINT/SIGTERM); embedders and tests use it. */
  signal?: AbortSignal;
}

const defaultIo: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`), cwd: process.cwd() };

const MAIN_HELP = `kafkagen: typed Kafka clients from Avro and JSON Schema

Usage: kafkagen <command> [options]

Commands:
  generate   write types, validators and clients for the schemas and catalog
  register   register every topic's schemas (references first) with a schema registry
  check      compare schemas with a git ref, a folder or a registry (for CI)
  produce    validate and send events from a JSON file to a catalog topic
  consume    read a catalog topic and print decoded events as JSON lines
  replay     re-publish a topic's dead-lettered records to the topic
  topics     create the catalog's missing topics and dead-letter topics
  help       show help for a command (kafkagen help generate)

Run kafkagen <command> --help for a command's options.
Exit codes: 0 ok, 1 check failed, 2 bad input.`;

const REGISTER_HELP = `Usage: kafkagen register [--config FILE] [--registry URL] [--dry-run]

Registers the schemas of every catalog topic with a Confluent-compatible schema registry:
referenced schemas first, in dependency order, each subject's compatibility level set from
the catalog. Re-running changes nothing ("unchanged"). Prints a table of subject, version,
id and status.

Options:
  --config FILE    catalog file (default: ./kafkagen.yaml)
  --registry URL   registry base URL (default: $SCHEMA_REGISTRY_URL), e.g.
                   http://localhost:8081 or http://localhost:8081/apis/ccompat/v7
  --dry-run        register nothing; report what would be registered
  -h, --help       show this help

Credentials: SCHEMA_REGISTRY_AUTH=user:password (basic) or SCHEMA_REGISTRY_TOKEN (bearer).
Exit codes: 0 ok, 1 a schema was refused as incompatible (the registry's reason is printed)
or the registry could not be reached, 2 bad input.`;

const CHECK_HELP = `Usage: kafkagen check (--against REF|DIR | --registry URL) [--format text|json|github] [--config FILE]

Checks that every subject of the catalog (values, keys and the schemas they reference) is
compatible with what it replaces, at the level the catalog gives it (BACKWARD by default;
*_TRANSITIVE levels use every earlier version).

  --against REF    the schemas at a git ref (main, HEAD~1, a tag), read without a checkout;
                   transitive levels use the history of the schemas on that ref
  --against DIR    the schemas in a folder (an older copy of the schemas folder or project)
  --registry URL   ask a Confluent-compatible registry instead (verbose compatibility endpoint)
  --format FORMAT  text (default), json, or github (Actions annotations on the schema files)
  --config FILE    catalog (default ./kafkagen.yaml)
  -h, --help       show this help

Output: one line per subject, OK or BREAKING, and under each breaking one its reasons as
"path: what changed (RULE)" with a hint of the compatible alternative.
Exit codes: 0 compatible, 1 breaking, 2 bad input.`;

const PRODUCE_HELP = `Usage: kafkagen produce --topic TOPIC --file FILE [--key KEY] [--header K=V]... [--correlation-id ID] [--config FILE]

Validates events against the topic's schema (from the catalog) and sends them, encoded in
the Confluent wire format, with kafkagen's headers. FILE holds one JSON event, a JSON array,
or one event per line ('-' reads stdin). Avro values are written as plain JSON: timestamps as
ISO strings, longs as numbers or strings, bytes as base64, union records with "$type".

Options:
  --topic TOPIC     a topic of the catalog
  --file FILE       the events
  --key KEY         record key (for topics keyed by the caller)
  --header K=V      an extra record header (repeatable); kafkagen's own headers are always set
  --correlation-id ID   correlation id of every record (default: a new UUID per record)
  --causation-id ID     causation id of every record
  --config FILE     catalog (default ./kafkagen.yaml)
  --brokers LIST    default $KAFKA_BROKERS
  --registry URL    default $SCHEMA_REGISTRY_URL
  -h, --help        show this help

Exit codes: 0 sent, 1 Kafka or registry failure, 2 bad input (an invalid event is not sent).`;

const TOPICS_HELP = `Usage: kafkagen topics [--dry-run] [--config FILE] [--brokers LIST]

Creates every catalog topic and dead-letter topic that does not exist yet, with the catalog's
partitions, replicationFactor and config (topic configs such as retention.ms), and prints a
table: topic, partitions, replication, status (created, exists, "exists with N partitions" when
the count differs from the catalog, or would create with
--dry-run). Existing topics are left as they are. KAFKA_TOPIC_PREFIX applies.

Options:
  --dry-run        only show what would be created
  --config FILE    catalog (default ./kafkagen.yaml)
  --brokers LIST   default $KAFKA_BROKERS
  -h, --help       show this help

Exit codes: 0 ok, 1 Kafka failure, 2 bad input.`;

const REPLAY_HELP = `Usage: kafkagen replay --topic TOPIC [--all] [--stage STAGE] [--error-code CODE] [--key KEY]

Re-publishes the dead-lettered records of a catalog topic (from its dead-letter topic) to the
topic and partition they came from, with their key, value and original headers, plus
kafkagen-replayed-from. Replay remembers how far it got (consumer group
kafkagen-replay-<dead-letter topic>): run it again and it sends only what was dead-lettered
since. Prints one line: records replayed and skipped.

Options:
  --topic TOPIC        a topic of the catalog (its dead-letter topic is read)
  --all                read the whole dead-letter topic again, including what was replayed
  --stage STAGE        only records that failed at this stage: deserialize, validate or handle
  --error-code CODE    only records with this kafkagen error code (e.g. VALIDATION_FAILED)
  --key KEY            only records with this key
  --config FILE        catalog (default ./kafkagen.yaml)
  --brokers LIST       default $KAFKA_BROKERS
  --registry URL       default $SCHEMA_REGISTRY_URL
  -h, --help           show this help

Exit codes: 0 ok, 1 Kafka failure, 2 bad input.`;

const CONSUME_HELP = `Usage: kafkagen consume --topic TOPIC [--from-beginning] [--max N] [--group ID] [--timeout MS]

Reads a catalog topic, decodes each record with the registry (any schema version the topic's
schema can read) and prints one JSON line per record: topic, partition, offset, key,
eventType, timestamp (ISO-8601), headers, value. A record that cannot be decoded is printed
with "error" and "valueBase64" instead of a value (never dead-lettered: reading writes
nothing). Uses a throwaway consumer group unless --group is given.

Options:
  --topic TOPIC      a topic of the catalog
  --from-beginning   start at the earliest offset (default: only new records)
  --max N            stop after N records (exit 1 if fewer arrived before --timeout)
  --group ID         consumer group (commits offsets in that group)
  --timeout MS       stop after this long
  --config FILE      catalog (default ./kafkagen.yaml)
  --brokers LIST     default $KAFKA_BROKERS
  --registry URL     default $SCHEMA_REGISTRY_URL
  -h, --help         show this help

Exit codes: 0 ok, 1 fewer than --max records, 2 bad input.`;

const GENERATE_HELP = `Usage: kafkagen generate [--config FILE] [--schemas DIR --out DIR] [--check] [--watch]

Reads .avsc and JSON Schema files plus the catalog (kafkagen.yaml) and writes TypeScript
types, validators and per-topic clients. Writes only files whose content changed and removes
generated files that no longer belong.

Options:
  --config FILE   catalog file (default: ./kafkagen.yaml, .yml or .json)
  --schemas DIR   schema folder (overrides the catalog's \`schemas\`; without a catalog,
                  types and validators are generated for every schema found)
  --out DIR       output folder (overrides the catalog's \`out\`)
  --check         write nothing; exit 1 listing stale files if the output is out of date
  --watch         regenerate whenever a schema or the catalog changes
  -h, --help      show this help

Exit codes: 0 ok, 1 --check found stale output, 2 bad input.`;

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
        io.out(MAIN_HELP);
        return command === undefined ? EXIT_BAD_INPUT : EXIT_OK;
      case 'help':
        return main([rest[0] ?? '--help', '--help'], io);
      case 'generate':
        return await generateCommand(rest, io);
      case 'register':
        return await registerCommand(rest, io);
      case 'check':
        return await checkCli(rest, io);
      case 'produce':
        return await produceCli(rest, io);
      case 'consume':
        return await consumeCli(rest, io);
      case 'replay':
        return await replayCli(rest, io);
      case 'topics':
        return await topicsCli(rest, io);
      default:
        io.err(`kafkagen: unknown command ${JSON.stringify(command)}\n\n${MAIN_HELP}`);
        return EXIT_BAD_INPUT;
    }
  } catch (e) {
    if (isKafkagenError(e) || isCompatError(e)) {
      io.err(`kafkagen: ${e.message}`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
}

function parse<T extends Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>>(args: string[], options: T, help: string) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
  } catch (e) {
    throw new KafkagenError('USAGE', (e as Error).message, {}, `see:\n\n${help}`);
  }
}

async function generateCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { config: { type: 'string' }, schemas: { type: 'string' }, out: { type: 'string' }, check: { type: 'boolean' }, watch: { type: 'boolean' } }, GENERATE_HELP);
  if (values.help) {
    io.out(GENERATE_HELP);
    return EXIT_OK;
  }
  if (values.check && values.watch) throw new KafkagenError('USAGE', '--check and --watch do not go together', {}, 'use --check in CI and --watch while editing');
  const flags = { config: values.config as string | undefined, schemas: values.schemas as string | undefined, out: values.out as string | undefined, cwd: io.cwd };
  const runOnce = (): number => {
    const ctx = resolveContext(flags);
    const r = generate(ctx, { check: Boolean(values.check) });
    const outRel = path.relative(io.cwd, ctx.outDir) || '.';
    if (r.check) {
      const state = (f: string) => (existsSync(path.join(ctx.outDir, f)) ? 'out of date' : 'missing');
      const stale = [...r.written.map((f) => `  ${outRel}/${f} (${state(f)})`), ...r.removed.map((f) => `  ${outRel}/${f} (no longer generated)`)];
      if (stale.length > 0) {
        io.err(`kafkagen: ${stale.length} generated file(s) are stale; run kafkagen generate and commit the result:\n${stale.join('\n')}`);
        return EXIT_FAILED;
      }
      io.out(`kafkagen: ${outRel} is up to date (${r.schemas} schemas, ${r.unchanged.length} files, ${Math.round(r.ms)} ms)`);
      return EXIT_OK;
    }
    io.out(`kafkagen: ${r.schemas} schemas read, ${r.written.length} files written, ${r.unchanged.length} unchanged, ${r.removed.length} removed in ${Math.round(r.ms)} ms (${outRel})`);
    return EXIT_OK;
  };
  if (!values.watch) return runOnce();
  return watchLoop(flags, runOnce, io);
}

function watchLoop(flags: { config?: string; schemas?: string; cwd: string }, runOnce: () => number, io: Io): Promise<number> {
  const safeRun = (): void => {
    try {
      runOnce();
    } catch (e) {
      // While watching, a broken schema is reported and the watch goes on.
      if (isKafkagenError(e)) io.err(`kafkagen: ${e.message}`);
      else throw e;
    }
  };
  safeRun();
  const ctx = resolveContext(flags);
  const targets = [ctx.schemasDir, ...(ctx.catalog ? [ctx.catalog.abs] : [])];
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    clearTimeout(timer);
    timer = setTimeout(safeRun, 100); // one run per burst of editor saves
  };
  // Watch the catalog's folder, not the file: editors that save by rename would
  // otherwise leave a watcher on a file that no longer exists.
  const watchers = [
    watch(ctx.schemasDir, { recursive: true }, schedule),
    ...(ctx.catalog ? [watchFile(ctx.catalog.abs, schedule)] : []),
  ];
  io.out(`kafkagen: watching ${targets.map((t) => path.relative(io.cwd, t) || '.').join(', ')} (Ctrl-C to stop)`);
  return new Promise((resolve) => {
    const stop = (): void => {
      for (const w of watchers) w.close();
      clearTimeout(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(EXIT_OK);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (io.signal?.aborted) stop();
    io.signal?.addEventListener('abort', stop, { once: true });
  });
}

function watchFile(file: string, onChange: () => void): FSWatcher {
  const name = path.basename(file);
  return watch(path.dirname(file), (_event, changed) => {
    if (changed === null || changed === name) onChange();
  });
}

async function registerCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { config: { type: 'string' }, registry: { type: 'string' }, 'dry-run': { type: 'boolean' } }, REGISTER_HELP);
  if (values.help) {
    io.out(REGISTER_HELP);
    return EXIT_OK;
  }
  const url = (values.registry as string | undefined) ?? process.env.SCHEMA_REGISTRY_URL;
  if (!url) throw new KafkagenError('USAGE', 'no schema registry given', {}, 'pass --registry URL or set SCHEMA_REGISTRY_URL');
  const ctx = resolveContext({ config: values.config as string | undefined, cwd: io.cwd });
  if (!ctx.catalog) throw new KafkagenError('CONFIG_NOT_FOUND', 'register needs a catalog', {}, 'create kafkagen.yaml or pass --config FILE');
  const manifest = buildManifest(buildModel(ctx), ctx.defaultCompatibility);
  const { applyRegistration, formatRegistrationTable } = await import('../runtime/registration.js');
  const { RegistryHttpError } = await import('../runtime/registry.js');
  let rows;
  try {
    rows = await applyRegistration(manifest, {
      url,
      dryRun: Boolean(values['dry-run']),
      basicAuth: process.env.SCHEMA_REGISTRY_AUTH,
      bearerToken: process.env.SCHEMA_REGISTRY_TOKEN,
    });
  } catch (e) {
    const reason = e instanceof RegistryHttpError ? `the registry answered ${e.status}: ${e.message}` : `could not reach ${url}: ${(e as Error).message}`;
    io.err(`kafkagen: register failed: ${reason}`);
    return EXIT_FAILED;
  }
  io.out(formatRegistrationTable(rows));
  const refused = rows.filter((r) => r.status === 'incompatible');
  if (refused.length > 0) {
    io.err(`kafkagen: ${refused.map((r) => r.subject).join(', ')} refused as incompatible`);
    return EXIT_FAILED;
  }
  return EXIT_OK;
}

const KCAT_OPTIONS = { topic: { type: 'string' }, config: { type: 'string' }, registry: { type: 'string' }, brokers: { type: 'string' } } as const;

async function produceCli(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { ...KCAT_OPTIONS, file: { type: 'string' }, key: { type: 'string' }, header: { type: 'string', multiple: true }, 'correlation-id': { type: 'string' }, 'causation-id': { type: 'string' } }, PRODUCE_HELP);
  if (values.help) {
    io.out(PRODUCE_HELP);
    return EXIT_OK;
  }
  if (!values.topic || !values.file) throw new KafkagenError('USAGE', 'produce needs --topic and --file', {}, `see kafkagen produce --help`);
  const { produceCommand } = await import('./commands/kcat.js');
  const headers: Record<string, string> = {};
  for (const h of (values.header as string[] | undefined) ?? []) {
    const eq = h.indexOf('=');
    if (eq <= 0) throw new KafkagenError('USAGE', `--header ${JSON.stringify(h)} is not NAME=VALUE`, {}, 'e.g. --header tenant=acme');
    headers[h.slice(0, eq)] = h.slice(eq + 1);
  }
  return produceCommand({ topic: values.topic as string, file: values.file as string, key: values.key as string | undefined, headers, correlationId: values['correlation-id'] as string | undefined, causationId: values['causation-id'] as string | undefined, config: values.config as string | undefined, registry: values.registry as string | undefined, brokers: values.brokers as string | undefined }, io);
}

async function consumeCli(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { ...KCAT_OPTIONS, 'from-beginning': { type: 'boolean' }, max: { type: 'string' }, group: { type: 'string' }, timeout: { type: 'string' } }, CONSUME_HELP);
  if (values.help) {
    io.out(CONSUME_HELP);
    return EXIT_OK;
  }
  if (!values.topic) throw new KafkagenError('USAGE', 'consume needs --topic', {}, 'see kafkagen consume --help');
  const num = (v: unknown, name: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new KafkagenError('USAGE', `--${name} must be a whole number`, {}, `e.g. --${name} 10`);
    return n;
  };
  const { consumeCommand } = await import('./commands/kcat.js');
  return consumeCommand({ topic: values.topic as string, fromBeginning: Boolean(values['from-beginning']), max: num(values.max, 'max'), group: values.group as string | undefined, timeoutMs: num(values.timeout, 'timeout'), config: values.config as string | undefined, registry: values.registry as string | undefined, brokers: values.brokers as string | undefined }, io);
}

async function topicsCli(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { config: { type: 'string' }, brokers: { type: 'string' }, 'dry-run': { type: 'boolean' } }, TOPICS_HELP);
  if (values.help) {
    io.out(TOPICS_HELP);
    return EXIT_OK;
  }
  const { topicsCommand } = await import('./commands/kcat.js');
  return topicsCommand({ dryRun: Boolean(values['dry-run']), config: values.config as string | undefined, brokers: values.brokers as string | undefined }, io);
}

async function replayCli(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { ...KCAT_OPTIONS, all: { type: 'boolean' }, stage: { type: 'string' }, 'error-code': { type: 'string' }, key: { type: 'string' } }, REPLAY_HELP);
  if (values.help) {
    io.out(REPLAY_HELP);
    return EXIT_OK;
  }
  if (!values.topic) throw new KafkagenError('USAGE', 'replay needs --topic', {}, 'see kafkagen replay --help');
  const stage = values.stage as string | undefined;
  if (stage !== undefined && !['deserialize', 'validate', 'handle'].includes(stage)) throw new KafkagenError('USAGE', `--stage ${JSON.stringify(stage)} is not a stage`, {}, 'use deserialize, validate or handle');
  const { replayCommand } = await import('./commands/kcat.js');
  return replayCommand({ topic: values.topic as string, all: Boolean(values.all), stage, errorCode: values['error-code'] as string | undefined, key: values.key as string | undefined, config: values.config as string | undefined, registry: values.registry as string | undefined, brokers: values.brokers as string | undefined }, io);
}

async function checkCli(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { against: { type: 'string' }, registry: { type: 'string' }, config: { type: 'string' }, format: { type: 'string' } }, CHECK_HELP);
  if (values.help) {
    io.out(CHECK_HELP);
    return EXIT_OK;
  }
  const format = (values.format as string | undefined) ?? 'text';
  if (!['text', 'json', 'github'].includes(format)) throw new KafkagenError('USAGE', `--format ${format} is not text, json or github`, {}, 'use --format github in GitHub Actions');
  const { checkCommand } = await import('./commands/check.js');
  return checkCommand({ against: values.against as string | undefined, registry: values.registry as string | undefined, config: values.config as string | undefined, format: format as 'text' | 'json' | 'github' }, io);
}
