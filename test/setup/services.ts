// vitest globalSetup for the `integration` project: a real Kafka broker and a real schema
// registry. If KAFKA_BROKERS and SCHEMA_REGISTRY_URL are both set, the tests use that
// cluster and registry and nothing is started; otherwise `bash scripts/services up` starts
// (or finds already running) a local broker and Apicurio Registry on 127.0.0.1.
// Services are left running after the run (the next run finds them in a second);
// `bash scripts/services down` stops them. See docs/services.md.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

const repo = path.resolve(import.meta.dirname, '../..');
const script = path.join(repo, 'scripts/services');

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    schemaRegistryUrl: string;
    pythonPath: string;
  }
}

/** Runs `bash scripts/services <args>`, streaming its stderr; resolves with its stdout. */
function services(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else {
        const tail = stderr.split('\n').slice(-80).join('\n');
        reject(new Error(`bash scripts/services ${args.join(' ')} exited with ${code}:\n${tail}`));
      }
    });
  });
}

export default async function setup(project: TestProject): Promise<void> {
  const ownBrokers = process.env.KAFKA_BROKERS;
  const ownRegistry = process.env.SCHEMA_REGISTRY_URL;
  if (ownBrokers && ownRegistry) {
    process.stderr.write(`[services] using KAFKA_BROKERS=${ownBrokers} SCHEMA_REGISTRY_URL=${ownRegistry} (nothing started)\n`);
  } else {
    if (ownBrokers || ownRegistry) {
      process.stderr.write('[services] only one of KAFKA_BROKERS / SCHEMA_REGISTRY_URL is set; starting local services for both\n');
    }
    await services(['up']);
    const env = await services(['env']);
    for (const line of env.split('\n')) {
      const m = /^export (KAFKA_BROKERS|SCHEMA_REGISTRY_URL)=(.*)$/.exec(line.trim());
      if (m) process.env[m[1]!] = m[2]!;
    }
  }
  // The Python interop client needs the venv even against the user's own cluster.
  if (!process.env.KAFKAGEN_PYTHON) {
    process.env.KAFKAGEN_PYTHON = (await services(['venv'])).trim();
  }
  project.provide('kafkaBrokers', process.env.KAFKA_BROKERS!);
  project.provide('schemaRegistryUrl', process.env.SCHEMA_REGISTRY_URL!);
  project.provide('pythonPath', process.env.KAFKAGEN_PYTHON);
}
