// Helpers for integration tests: where the broker and registry are (set up by
// test/setup/services.ts, or the user's own KAFKA_BROKERS / SCHEMA_REGISTRY_URL), unique
// topic names, topic creation, and the Python Confluent client's interpreter.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { inject } from 'vitest';
import { runChild } from './child.js';

const repo = path.resolve(import.meta.dirname, '../..');

function injected(key: 'kafkaBrokers' | 'schemaRegistryUrl' | 'pythonPath'): string | undefined {
  try {
    return inject(key);
  } catch {
    return undefined; // outside a vitest worker
  }
}

/** Broker addresses (`host:port`), from KAFKA_BROKERS (comma-separated). */
export function kafkaBrokers(): string[] {
  const raw = process.env.KAFKA_BROKERS ?? injected('kafkaBrokers');
  if (!raw) throw new Error('KAFKA_BROKERS is not set: run integration tests through vitest (--project integration)');
  return raw.split(',').map((b) => b.trim()).filter(Boolean);
}

/** Confluent-compatible registry base URL, without a trailing slash (e.g. http://127.0.0.1:8081/apis/ccompat/v7). */
export function registryUrl(): string {
  const raw = process.env.SCHEMA_REGISTRY_URL ?? injected('schemaRegistryUrl');
  if (!raw) throw new Error('SCHEMA_REGISTRY_URL is not set: run integration tests through vitest (--project integration)');
  return raw.replace(/\/+$/, '');
}

/** A topic name no other run uses: `<prefix>-<time>-<random>`. */
export function uniqueTopic(prefix: string): string {
  const safe = prefix.replace(/[^a-zA-Z0-9._-]/g, '-');
  return `${safe}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/**
 * A kafkajs client for the test broker (quiet: errors only). Retry timings explicit: under
 * vitest (NODE_ENV=test) kafkajs would give up after about a second.
 */
export function kafka(clientId = 'kafkagen-test'): Kafka {
  return new Kafka({ clientId, brokers: kafkaBrokers(), logLevel: logLevel.ERROR, retry: { initialRetryTime: 300, maxRetryTime: 30_000, retries: 8 } });
}

/** Runs `fn` with a connected kafkajs admin client, disconnected afterwards. */
export async function withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka('kafkagen-test-admin').admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Creates a topic (replication factor 1 on the local broker) and waits until its partitions answer. */
export async function createTopic(name: string, partitions = 1): Promise<void> {
  await withAdmin(async (admin) => {
    await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }], waitForLeaders: true });
    // A leader in the metadata may not serve the partition yet (NOT_LEADER_FOR_PARTITION).
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await admin.fetchTopicOffsets(name);
        return;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  });
}

/** The venv python that has confluent-kafka (installed by `scripts/services up` / `venv`). */
export function pythonPath(): string {
  const fromEnv = process.env.KAFKAGEN_PYTHON ?? injected('pythonPath');
  if (fromEnv) return fromEnv;
  const cache = process.env.KAFKAGEN_CACHE ?? path.join(repo, '.cache/services');
  return path.join(cache, 'venv/bin/python');
}

export interface PythonResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/**
 * Runs a Python script with the venv's interpreter. KAFKA_BROKERS and SCHEMA_REGISTRY_URL are
 * passed through; a non-zero exit is returned in `code`, not thrown.
 */
export function runPython(
  scriptPath: string,
  args: string[] = [],
  options: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<PythonResult> {
  const env = {
    ...process.env,
    KAFKA_BROKERS: kafkaBrokers().join(','),
    SCHEMA_REGISTRY_URL: registryUrl(),
    PYTHONUNBUFFERED: '1',
    ...options.env,
  };
  const timeoutMs = options.timeoutMs ?? 90_000;
  return runChild(pythonPath(), [scriptPath, ...args], { cwd: repo, env, timeoutMs }).then((r) => ({
    stdout: r.stdout,
    stderr: r.killed ? `${r.stderr}\n[runPython] killed after ${timeoutMs} ms` : r.stderr,
    code: r.status,
  }));
}
