// docs/examples/inspection-service.ts run as a user runs a service: a child process with the
// environment's settings, against the real broker and registry. It must keep running after
// main() returns, handle the event it publishes, and stop cleanly (exit 0) on SIGTERM.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyRegistration, type RegistrationManifestData } from '../../../runtime/index.js';
import { waitFor } from '../../support/runtime.js';
import { kafkaBrokers, registryUrl, uniqueTopic } from '../../support/services.js';

const repo = path.resolve(import.meta.dirname, '../../..');

describe('docs/examples/inspection-service.ts', () => {
  beforeAll(async () => {
    const manifest = JSON.parse(readFileSync(path.join(repo, 'generated/registry.json'), 'utf8')) as RegistrationManifestData;
    await applyRegistration(manifest, { url: registryUrl() });
  });

  it('handles its own event, keeps running, and exits 0 on SIGTERM', async () => {
    const env = { ...process.env, KAFKA_BROKERS: kafkaBrokers().join(','), SCHEMA_REGISTRY_URL: registryUrl(), KAFKA_TOPIC_PREFIX: `${uniqueTopic('example')}.` };
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', "import('./docs/examples/inspection-service.ts').then((m) => m.main())"], { cwd: repo, env });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => out.includes('INS-001 passed as PREMIUM') || child.exitCode !== null, 'the service to handle its event', 60_000);
      expect(out).toContain('INS-001 passed as PREMIUM (chipquality.inspection.events@0)');
      // Still running after main() returned: a service, not a script.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(child.exitCode, out).toBeNull();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);
});
