// Client configuration, from code or from the environment, checked once with errors that
// say what is wrong and how to fix it.
import { KafkagenRuntimeError } from './errors.js';
import type { RuntimeHooks } from './hooks.js';
import type { Logger } from './logger.js';

export interface SaslConfig {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

export interface RegistryConfig {
  /** Base URL of a Confluent-compatible registry (Apicurio: .../apis/ccompat/v7). */
  url: string;
  /** `user:password` for basic auth. */
  basicAuth?: string;
  bearerToken?: string;
  /** Per request, default 10000. */
  timeoutMs?: number;
  /** Register a schema the registry does not know when producing (default false: register with `kafkagen register`). */
  autoRegister?: boolean;
}

export interface ClientConfig {
  brokers: string[];
  /** Default `kafkagen`. Also the producer name in record headers. */
  clientId?: string;
  registry: RegistryConfig;
  sasl?: SaslConfig;
  /** true, or TLS options passed to the transport. */
  ssl?: boolean | Record<string, unknown>;
  /** Prefixed to every topic name, e.g. `staging.` (per-environment topics). */
  topicPrefix?: string;
  logger?: Logger;
  hooks?: RuntimeHooks;
  /** Producer name and version written to the `kafkagen-producer` header. */
  producerName?: string;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/**
 * Reads KAFKA_BROKERS (comma-separated), SCHEMA_REGISTRY_URL, KAFKA_CLIENT_ID,
 * KAFKA_SASL_MECHANISM / KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD, KAFKA_SSL (true),
 * KAFKA_TOPIC_PREFIX, SCHEMA_REGISTRY_AUTH (user:password), SCHEMA_REGISTRY_TOKEN.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ClientConfig> = {}): ClientConfig {
  const mechanism = env.KAFKA_SASL_MECHANISM?.toLowerCase();
  const config: ClientConfig = {
    brokers: (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean),
    clientId: env.KAFKA_CLIENT_ID,
    registry: { url: env.SCHEMA_REGISTRY_URL ?? '', basicAuth: env.SCHEMA_REGISTRY_AUTH, bearerToken: env.SCHEMA_REGISTRY_TOKEN },
    sasl: mechanism ? { mechanism: mechanism as SaslConfig['mechanism'], username: env.KAFKA_SASL_USERNAME ?? '', password: env.KAFKA_SASL_PASSWORD ?? '' } : undefined,
    ssl: env.KAFKA_SSL === 'true' ? true : undefined,
    topicPrefix: env.KAFKA_TOPIC_PREFIX,
    ...overrides,
  };
  return validateConfig(config);
}

export function validateConfig(config: ClientConfig): ClientConfig {
  const problems: string[] = [];
  if (!Array.isArray(config.brokers) || config.brokers.length === 0) problems.push('brokers: none given. Fix: set KAFKA_BROKERS=host:9092[,host2:9092] or pass brokers: ["host:9092"]');
  for (const b of config.brokers ?? []) if (!/^[^\s:/]+:\d{1,5}$/.test(b)) problems.push(`brokers: ${JSON.stringify(b)} is not host:port. Fix: write it like "kafka-1.internal:9092"`);
  if (!config.registry?.url) problems.push('registry.url: none given. Fix: set SCHEMA_REGISTRY_URL=http://host:8081 or pass registry: { url }');
  else {
    try {
      const u = new URL(config.registry.url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') problems.push(`registry.url: ${config.registry.url} is not http(s). Fix: use http://... or https://...`);
    } catch {
      problems.push(`registry.url: ${JSON.stringify(config.registry.url)} is not a URL. Fix: write it like http://registry:8081`);
    }
  }
  if (config.registry?.basicAuth !== undefined && !config.registry.basicAuth.includes(':')) problems.push('registry.basicAuth: expected user:password (SCHEMA_REGISTRY_AUTH)');
  if (config.sasl) {
    if (!['plain', 'scram-sha-256', 'scram-sha-512'].includes(config.sasl.mechanism)) problems.push(`sasl.mechanism: ${JSON.stringify(config.sasl.mechanism)} is not supported. Fix: use plain, scram-sha-256 or scram-sha-512`);
    if (!config.sasl.username || !config.sasl.password) problems.push('sasl: a mechanism is set but the username or password is empty. Fix: set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
  }
  if (config.topicPrefix !== undefined && !/^[A-Za-z0-9._-]*$/.test(config.topicPrefix)) problems.push(`topicPrefix: ${JSON.stringify(config.topicPrefix)} has characters Kafka topic names cannot hold. Fix: use letters, digits, '.', '_' and '-'`);
  if (problems.length > 0) throw new KafkagenRuntimeError('CONFIG_INVALID', `invalid kafkagen client configuration:\n  - ${problems.join('\n  - ')}`);
  return config;
}
