// Configuration from code and from the environment: every problem at once, each with its fix.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromEnv, DEFAULTS, validateConfig, type ClientConfig } from '../../../runtime/config.js';
import { isKafkagenRuntimeError } from '../../../runtime/errors.js';

const ok: ClientConfig = { brokers: ['localhost:9092'], registry: { url: 'http://localhost:8081' } };

function problems(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isKafkagenRuntimeError(e) && e.code).toBe('CONFIG_INVALID');
    return (e as Error).message;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('configFromEnv', () => {
  it('reads brokers, client id, prefix, SASL, registry credentials and producer settings', () => {
    const c = configFromEnv({
      KAFKA_BROKERS: ' a:9092, b:9093 ,',
      KAFKA_CLIENT_ID: 'billing',
      KAFKA_TOPIC_PREFIX: 'staging.',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 'secret',
      KAFKA_SSL: 'true',
      KAFKA_CONNECTION_TIMEOUT_MS: '3000',
      KAFKA_COMPRESSION: 'gzip',
      KAFKA_ACKS: 'all',
      KAFKA_LINGER_MS: '5',
      SCHEMA_REGISTRY_URL: 'https://registry:8081',
      SCHEMA_REGISTRY_AUTH: 'key:secret',
      SCHEMA_REGISTRY_TIMEOUT_MS: '2500',
    });
    expect(c).toMatchObject({
      brokers: ['a:9092', 'b:9093'],
      clientId: 'billing',
      topicPrefix: 'staging.',
      sasl: { mechanism: 'scram-sha-256', username: 'svc', password: 'secret' },
      ssl: true,
      connectionTimeoutMs: 3000,
      registry: { url: 'https://registry:8081', basicAuth: 'key:secret', timeoutMs: 2500 },
      producer: { compression: 'gzip', acks: -1, lingerMs: 5 },
    });
  });

  it('takes KAFKA_BOOTSTRAP_SERVERS (the Java client\'s name) when KAFKA_BROKERS is not set', () => {
    expect(configFromEnv({ KAFKA_BOOTSTRAP_SERVERS: 'x:9092,y:9092', SCHEMA_REGISTRY_URL: 'http://r:8081' }).brokers).toEqual(['x:9092', 'y:9092']);
    expect(configFromEnv({ KAFKA_BROKERS: 'a:9092', KAFKA_BOOTSTRAP_SERVERS: 'x:9092', SCHEMA_REGISTRY_URL: 'http://r:8081' }).brokers).toEqual(['a:9092']);
  });

  it('reads TLS certificates from files (TLS on), and lets code override the environment', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kafkagen-tls-'));
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(path.join(dir, f), `-----${f}-----`);
    const c = configFromEnv(
      { KAFKA_BROKERS: 'a:9092', SCHEMA_REGISTRY_URL: 'http://r:8081', KAFKA_SSL_CA_FILE: path.join(dir, 'ca.pem'), KAFKA_SSL_CERT_FILE: path.join(dir, 'cert.pem'), KAFKA_SSL_KEY_FILE: path.join(dir, 'key.pem'), KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' },
      { clientId: 'from-code', registry: { url: 'http://other:8081' } },
    );
    expect(c.ssl).toMatchObject({ rejectUnauthorized: false });
    expect(String((c.ssl as { ca: Buffer }).ca)).toBe('-----ca.pem-----');
    expect(String((c.ssl as { key: Buffer }).key)).toBe('-----key.pem-----');
    expect(c.clientId).toBe('from-code');
    expect(c.registry.url).toBe('http://other:8081');
  });

  it('says which variable is wrong and how to fix it', () => {
    const message = problems(() => configFromEnv({ KAFKA_BROKERS: 'kafka', SCHEMA_REGISTRY_URL: 'registry:8081', KAFKA_CONNECTION_TIMEOUT_MS: 'soon', KAFKA_SSL: 'yes please', KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem', KAFKA_SASL_MECHANISM: 'plain' }));
    expect(message).toContain('KAFKA_CONNECTION_TIMEOUT_MS: "soon" is not a whole number');
    expect(message).toContain('KAFKA_SSL: "yes please" is not true or false');
    expect(message).toContain('KAFKA_SSL_CA_FILE: cannot read /nonexistent/ca.pem (ENOENT). Fix: point it at a readable PEM file');
    expect(message).toContain('brokers: "kafka" is not host:port. Fix: write it like "kafka-1.internal:9092"');
    expect(message).toContain('registry.url: registry:8081 is not http(s)');
    expect(message).toContain('sasl: a mechanism is set but the username or password is empty. Fix: set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
  });

  it('asks for brokers and a registry when nothing is set', () => {
    const message = problems(() => configFromEnv({}));
    expect(message).toContain('brokers: none given. Fix: set KAFKA_BROKERS=host:9092[,host2:9092] (or KAFKA_BOOTSTRAP_SERVERS) or pass brokers: ["host:9092"]');
    expect(message).toContain('registry.url: none given. Fix: set SCHEMA_REGISTRY_URL=http://host:8081');
  });
});

describe('validateConfig', () => {
  it('accepts a minimal config, IPv6 brokers, and returns the same object', () => {
    expect(validateConfig(ok)).toBe(ok);
    expect(() => validateConfig({ ...ok, brokers: ['[::1]:9092', 'kafka-0.kafka.svc.cluster.local:9093'] })).not.toThrow();
  });

  it.each([
    [{ ...ok, registry: { url: 'not a url' } }, 'registry.url: "not a url" is not a URL'],
    [{ ...ok, registry: { ...ok.registry, basicAuth: 'no-colon' } }, 'registry.basicAuth: expected user:password'],
    [{ ...ok, registry: { ...ok.registry, basicAuth: 'u:p', bearerToken: 't' } }, 'registry: both basicAuth (SCHEMA_REGISTRY_AUTH) and bearerToken'],
    [{ ...ok, sasl: { mechanism: 'gssapi' as never, username: 'u', password: 'p' } }, 'sasl.mechanism: "gssapi" is not supported. Fix: use plain, scram-sha-256 or scram-sha-512'],
    [{ ...ok, topicPrefix: 'a b' }, 'topicPrefix: "a b" has characters Kafka topic names cannot hold'],
    [{ ...ok, producer: { acks: 1 as const } }, 'producer.acks: 1 with an idempotent producer. Fix: use acks -1, or set producer.idempotent: false'],
    [{ ...ok, producer: { acks: 2 as never } }, 'producer.acks: 2 is not -1 (all), 0 or 1'],
    [{ ...ok, producer: { maxInFlightRequests: 5 } }, 'producer.maxInFlightRequests: an idempotent producer keeps order only with 1'],
    [{ ...ok, producer: { compression: 'lz4' as never } }, 'producer.compression: "lz4" is not supported. Fix: use none, gzip or snappy'],
    [{ ...ok, producer: { lingerMs: -1 } }, 'producer.lingerMs: -1 must be a number >= 0'],
    [{ ...ok, requestTimeoutMs: Number.NaN }, 'requestTimeoutMs: null must be a number >= 0'],
    [{ ...ok, consumer: { sessionTimeoutMs: 6000, heartbeatIntervalMs: 3000 } }, 'heartbeatIntervalMs: 3000 is more than a third of sessionTimeoutMs 6000'],
  ])('refuses %#: %s', (config, expected) => {
    expect(problems(() => validateConfig(config as ClientConfig))).toContain(expected);
  });

  it('allows acks 1 and more requests in flight once idempotence is off', () => {
    expect(() => validateConfig({ ...ok, producer: { idempotent: false, acks: 1, maxInFlightRequests: 5 } })).not.toThrow();
  });

  it('lists every problem, one per line', () => {
    const message = problems(() => validateConfig({ brokers: [], registry: { url: '' }, topicPrefix: '/' }));
    expect(message.split('\n  - ')).toHaveLength(4);
  });

  it('keeps its defaults in one place', () => {
    expect(DEFAULTS.producer).toMatchObject({ idempotent: true, acks: -1, compression: 'none' });
    expect(DEFAULTS.consumer).toMatchObject({ fromBeginning: false, partitionsConsumedConcurrently: 1 });
  });
});
