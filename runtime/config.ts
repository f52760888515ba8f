// Client configuration, from code or the environment, checked once up front. Errors list
// every problem at once, each with its fix. Defaults live in DEFAULTS (docs/runtime.md).
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { KafkagenRuntimeError } from './errors.js';
import type { RuntimeHooks } from './hooks.js';
import type { Logger } from './logger.js';
import type { RetryPolicy } from './retry.js';

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';
export type Compression = 'none' | 'gzip' | 'snappy';
export type TlsConfig = ConnectionOptions;

export interface SaslConfig {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

export interface RegistryConfig {
  /** Apicurio: .../apis/ccompat/v7 */
  url: string;
  /** `user:password` (Confluent Cloud: API key and secret). */
  basicAuth?: string;
  bearerToken?: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Register unknown schemas when producing (default false: `kafkagen register` does it). */
  autoRegister?: boolean;
}

export interface ProducerConfig {
  /** No duplicates when a request is retried; needs acks -1. */
  idempotent?: boolean;
  acks?: -1 | 0 | 1;
  compression?: Compression;
  timeoutMs?: number;
  retries?: number;
  maxInFlightRequests?: number;
  /** Wait to gather sends into one request; with 0, sends arriving during a request still share the next. */
  lingerMs?: number;
  maxBatchRecords?: number;
  sendRetry?: Partial<RetryPolicy>;
  allowAutoTopicCreation?: boolean;
}

export interface ConsumerConfig {
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  maxBytes?: number;
  maxBytesPerPartition?: number;
  maxWaitTimeMs?: number;
  partitionsConsumedConcurrently?: number;
  /** Commits go at the end of each batch, and within long batches every N records or T ms. */
  commitEveryRecords?: number;
  commitIntervalMs?: number;
  shutdownTimeoutMs?: number;
}

export interface ClientConfig {
  brokers: string[];
  clientId?: string;
  registry: RegistryConfig;
  sasl?: SaslConfig;
  ssl?: boolean | TlsConfig;
  /** Prefixed to every topic name, e.g. `staging.`. */
  topicPrefix?: string;
  logger?: Logger;
  hooks?: RuntimeHooks;
  /** The `kafkagen-producer` header (default: client id and kafkagen version). */
  producerName?: string;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  retries?: number;
  producer?: ProducerConfig;
  /** Defaults for every consumer of the client. */
  consumer?: ConsumerConfig;
}

export const DEFAULTS = {
  clientId: 'kafkagen',
  producer: { idempotent: true, acks: -1 as -1 | 0 | 1, compression: 'none' as Compression, timeoutMs: 30_000, retries: 5, lingerMs: 0, maxBatchRecords: 10_000, allowAutoTopicCreation: true },
  consumer: { fromBeginning: false, sessionTimeoutMs: 30_000, heartbeatIntervalMs: 3_000, maxBytes: 10_485_760, maxBytesPerPartition: 1_048_576, maxWaitTimeMs: 5_000, partitionsConsumedConcurrently: 1, commitEveryRecords: 1_000, commitIntervalMs: 5_000, shutdownTimeoutMs: 30_000 },
};

/** The variables set (docs/runtime.md lists them), then `overrides`. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ClientConfig> = {}): ClientConfig {
  const problems: string[] = [];
  const get = (k: string) => env[k]?.trim() || undefined;
  const num = (k: string) => {
    const v = get(k);
    if (v !== undefined && !/^-?\d+$/.test(v)) problems.push(`${k}: ${JSON.stringify(v)} is not a whole number`);
    return v === undefined ? undefined : Number(v);
  };
  const bool = (k: string) => {
    const v = get(k)?.toLowerCase();
    if (v !== undefined && !['true', 'false'].includes(v)) problems.push(`${k}: ${JSON.stringify(v)} is not true or false`);
    return v === undefined ? undefined : v === 'true';
  };
  const file = (k: string) => {
    const path = get(k);
    try {
      return path === undefined ? undefined : readFileSync(path);
    } catch (e) {
      problems.push(`${k}: cannot read ${path} (${(e as NodeJS.ErrnoException).code}). Fix: point it at a readable PEM file`);
    }
  };
  const tls = defined({ ca: file('KAFKA_SSL_CA_FILE'), cert: file('KAFKA_SSL_CERT_FILE'), key: file('KAFKA_SSL_KEY_FILE'), passphrase: get('KAFKA_SSL_KEY_PASSWORD'), rejectUnauthorized: bool('KAFKA_SSL_REJECT_UNAUTHORIZED') });
  const sslFlag = bool('KAFKA_SSL');
  const mechanism = get('KAFKA_SASL_MECHANISM')?.toLowerCase();
  const acks = get('KAFKA_ACKS');
  const producer = defined({ compression: get('KAFKA_COMPRESSION') as Compression, idempotent: bool('KAFKA_IDEMPOTENT'), acks: acks === undefined ? undefined : ((acks === 'all' ? -1 : Number(acks)) as -1), lingerMs: num('KAFKA_LINGER_MS') });
  const config: ClientConfig = {
    ...defined({
      // KAFKA_BOOTSTRAP_SERVERS: the Java client's name, which many deployments already set.
      brokers: (get('KAFKA_BROKERS') ?? get('KAFKA_BOOTSTRAP_SERVERS') ?? '').split(',').map((b) => b.trim()).filter(Boolean),
      clientId: get('KAFKA_CLIENT_ID'),
      topicPrefix: get('KAFKA_TOPIC_PREFIX'),
      sasl: mechanism && { mechanism: mechanism as SaslMechanism, username: env.KAFKA_SASL_USERNAME ?? '', password: env.KAFKA_SASL_PASSWORD ?? '' },
      ssl: sslFlag === false ? undefined : Object.keys(tls).length > 0 ? tls : sslFlag,
      connectionTimeoutMs: num('KAFKA_CONNECTION_TIMEOUT_MS'),
      requestTimeoutMs: num('KAFKA_REQUEST_TIMEOUT_MS'),
    }),
    ...overrides,
    registry: { ...defined({ url: get('SCHEMA_REGISTRY_URL') ?? '', basicAuth: get('SCHEMA_REGISTRY_AUTH'), bearerToken: get('SCHEMA_REGISTRY_TOKEN'), timeoutMs: num('SCHEMA_REGISTRY_TIMEOUT_MS') }), ...overrides.registry },
    producer: { ...producer, ...overrides.producer },
  } as ClientConfig;
  return validateConfig(config, problems);
}

/** Throws CONFIG_INVALID listing every problem with its fix; returns the same object. */
export function validateConfig(config: ClientConfig, problems: string[] = []): ClientConfig {
  const c = config ?? ({} as ClientConfig);
  if (!Array.isArray(c.brokers) || c.brokers.length === 0) problems.push('brokers: none given. Fix: set KAFKA_BROKERS=host:9092[,host2:9092] (or KAFKA_BOOTSTRAP_SERVERS) or pass brokers: ["host:9092"]');
  for (const b of c.brokers ?? []) if (!/^(\[[\da-fA-F:.]+\]|[^\s:/[\]]+):\d{1,5}$/.test(b)) problems.push(`brokers: ${JSON.stringify(b)} is not host:port. Fix: write it like "kafka-1.internal:9092"`);
  const url = c.registry?.url;
  if (!url) problems.push('registry.url: none given. Fix: set SCHEMA_REGISTRY_URL=http://host:8081 or pass registry: { url }');
  else if (!URL.canParse(url)) problems.push(`registry.url: ${JSON.stringify(url)} is not a URL. Fix: write it like http://registry:8081`);
  else if (!/^https?:$/.test(new URL(url).protocol)) problems.push(`registry.url: ${url} is not http(s). Fix: use http://... or https://...`);
  if (c.registry?.basicAuth !== undefined && !c.registry.basicAuth.includes(':')) problems.push('registry.basicAuth: expected user:password (SCHEMA_REGISTRY_AUTH)');
  if (c.registry?.basicAuth !== undefined && c.registry.bearerToken !== undefined) problems.push('registry: both basicAuth (SCHEMA_REGISTRY_AUTH) and bearerToken (SCHEMA_REGISTRY_TOKEN) are set. Fix: keep the one your registry expects');
  if (c.sasl) {
    if (!['plain', 'scram-sha-256', 'scram-sha-512'].includes(c.sasl.mechanism)) problems.push(`sasl.mechanism: ${JSON.stringify(c.sasl.mechanism)} is not supported. Fix: use plain, scram-sha-256 or scram-sha-512`);
    if (!c.sasl.username || !c.sasl.password) problems.push('sasl: a mechanism is set but the username or password is empty. Fix: set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
  }
  if (c.topicPrefix !== undefined && !/^[\w.-]*$/.test(c.topicPrefix)) problems.push(`topicPrefix: ${JSON.stringify(c.topicPrefix)} has characters Kafka topic names cannot hold. Fix: use letters, digits, '.', '_' and '-'`);
  const p = c.producer ?? {};
  const idempotent = p.idempotent ?? true;
  if (p.compression !== undefined && !['none', 'gzip', 'snappy'].includes(p.compression)) problems.push(`producer.compression: ${JSON.stringify(p.compression)} is not supported. Fix: use none, gzip or snappy (KAFKA_COMPRESSION)`);
  if (p.acks !== undefined && ![-1, 0, 1].includes(p.acks)) problems.push(`producer.acks: ${JSON.stringify(p.acks)} is not -1 (all), 0 or 1 (KAFKA_ACKS)`);
  else if (idempotent && (p.acks ?? -1) !== -1) problems.push(`producer.acks: ${p.acks} with an idempotent producer. Fix: use acks -1, or set producer.idempotent: false (KAFKA_IDEMPOTENT=false)`);
  if (idempotent && (p.maxInFlightRequests ?? 1) !== 1) problems.push('producer.maxInFlightRequests: an idempotent producer keeps order only with 1. Fix: leave it unset, or set producer.idempotent: false');
  const numbers = { connectionTimeoutMs: c.connectionTimeoutMs, requestTimeoutMs: c.requestTimeoutMs, retries: c.retries, 'registry.timeoutMs': c.registry?.timeoutMs, ...prefixed('producer', p), ...prefixed('consumer', c.consumer ?? {}) };
  problems.push(...numberProblems(numbers));
  if (problems.length > 0) throw new KafkagenRuntimeError('CONFIG_INVALID', `invalid kafkagen client configuration:\n  - ${problems.join('\n  - ')}`);
  return config;
}

/** Numeric settings must be finite and >= 0; heartbeats must be well inside the session. */
export function numberProblems(values: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || /acks|compression|idempotent|Creation|fromBeginning|sendRetry/.test(k)) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) out.push(`${k}: ${JSON.stringify(v)} must be a number >= 0`);
  }
  const session = values['consumer.sessionTimeoutMs'] ?? values.sessionTimeoutMs;
  const heartbeat = values['consumer.heartbeatIntervalMs'] ?? values.heartbeatIntervalMs;
  if (typeof session === 'number' && typeof heartbeat === 'number' && heartbeat * 3 > session) out.push(`heartbeatIntervalMs: ${heartbeat} is more than a third of sessionTimeoutMs ${session}; the group would drop the consumer`);
  return out;
}

function prefixed(prefix: string, o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [`${prefix}.${k}`, v]));
}

/** Without undefined values, so spreading never overwrites a default. */
export function defined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as never;
}
