// Graceful shutdown: SIGTERM a consumer mid-stream, start it again; every record is
// processed at least once and none is skipped.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { avroTopic, orderSchema, testClient, waitFor } from '../../support/runtime.js';
import { kafkaBrokers, registryUrl, uniqueTopic } from '../../support/services.js';

const repo = path.resolve(import.meta.dirname, '../../..');
const client = testClient();
afterAll(() => client.close());

function startChild(topic: string, groupId: string, out: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'test/support/consumer-child.ts'), topic, groupId, out], {
    cwd: repo,
    env: { ...process.env, KAFKA_BROKERS: kafkaBrokers().join(','), SCHEMA_REGISTRY_URL: registryUrl() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stdout.resume();
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

/** The child's exit code, or 'still running' after `ms` (a hung shutdown fails the test, not its timeout). */
function exitWithin(c: ReturnType<typeof startChild>, ms: number): Promise<number | null | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([c.exited, new Promise<'still running'>((r) => (timer = setTimeout(r, ms, 'still running')))]).finally(() => clearTimeout(timer));
}

/** SIGKILLs a child still running (a failed test must not leave consumers behind). */
function killIfRunning(c: ReturnType<typeof startChild> | undefined): void {
  if (c && c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
}

function handled(out: string): number[] {
  return existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n').filter(Boolean).map((l) => Number(l.split(' ')[0])) : [];
}

describe('graceful shutdown', () => {
  it('SIGTERM mid-stream then restart: every record at least once, none skipped', async () => {
    const d = avroTopic(uniqueTopic('rt.sigterm'), orderSchema);
    await client.ensureTopics([d]);
    // The child takes 50 ms a record: 300 records leave ~14 s of work after the first 20, so
    // SIGTERM lands mid-stream even when this worker is starved for seconds.
    const total = 300;
    await client.producerFor(d).sendBatch(Array.from({ length: total }, (_, n) => ({ id: `o${n}`, n, at: new Date(n), total: '1.00' })));
    const groupId = uniqueTopic('sigterm');
    const out = path.join(repo, '.cache', `${groupId}.log`);

    let first: ReturnType<typeof startChild> | undefined;
    let second: ReturnType<typeof startChild> | undefined;
    try {
      first = startChild(d.topic, groupId, out);
      await waitFor(() => handled(out).length >= 20, 'the first records handled', 60_000);
      first.child.kill('SIGTERM');
      expect(await exitWithin(first, 40_000), first.stderr()).toBe(0); // shutdownTimeoutMs is 20 s
      const afterStop = handled(out).length;
      expect(afterStop).toBeLessThan(total); // it really stopped mid-stream

      second = startChild(d.topic, groupId, out);
      await waitFor(() => new Set(handled(out)).size === total, 'every record handled', 90_000);
      second.child.kill('SIGTERM');
      expect(await exitWithin(second, 40_000), second.stderr()).toBe(0);
    } finally {
      killIfRunning(first);
      killIfRunning(second);
    }

    const offsets = handled(out);
    expect(new Set(offsets).size).toBe(total);
    expect([...new Set(offsets)].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i));
    // Graceful: the in-flight record was committed, so at most that one is seen twice.
    expect(offsets.length - total).toBeLessThanOrEqual(1);
  }, 240_000);
});
