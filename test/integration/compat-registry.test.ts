// Every evolution pair of test/fixtures/compat/pairs.ts, sent to the real registry: a fresh
// subject, its previous versions registered, its level set, then the registry is asked about the
// candidate (through kafkagen's own runRegistryCheck endpoint choice) and, as a cross-check, the
// candidate is registered. kafkagen's offline verdict must be the registry's, except for the
// pairs the fixture lists as known disagreements (which must still disagree, so the list stays
// true). docs/compatibility.md records the figures.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCompatibility, checkRegistry, runRegistryCheck } from '../../generator/compat/index.js';
import { pairs, type EvolutionPair } from '../fixtures/compat/pairs.js';
import { registryUrl } from '../support/services.js';

const run = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** Apicurio serves the Confluent API under /apis/ccompat/; its known differences apply there only. */
function isApicurio(): boolean {
  return /\/apis\/ccompat\//.test(registryUrl());
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${registryUrl()}${path}`, { method, headers: { 'Content-Type': CONTENT_TYPE, Accept: CONTENT_TYPE }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, json };
}

function subjectOf(p: EvolutionPair): string {
  return `kafkagen-compat-${run}-${p.id}`;
}

function schemaBody(p: EvolutionPair, schema: unknown): { schema: string; schemaType: string } {
  return { schema: JSON.stringify(schema), schemaType: p.format };
}

async function register(p: EvolutionPair, schema: unknown): Promise<{ status: number; json: unknown }> {
  return call('POST', `/subjects/${encodeURIComponent(subjectOf(p))}/versions`, schemaBody(p, schema));
}

async function setLevel(p: EvolutionPair, level: string): Promise<void> {
  const res = await call('PUT', `/config/${encodeURIComponent(subjectOf(p))}`, { compatibility: level });
  expect(res.status, `PUT /config ${level}: ${JSON.stringify(res.json)}`).toBe(200);
}

interface Outcome {
  id: string;
  ours: boolean;
  registry: boolean;
  known: boolean;
}
const outcomes: Outcome[] = [];

describe('kafkagen check agrees with the registry', () => {
  it.each(pairs.map((p) => [p.id, p] as const))('%s', async (_id, p) => {
    const ours = checkCompatibility({ format: p.format, level: p.level, previous: p.previous, candidate: p.candidate }).compatible;
    expect(ours).toBe(p.compatible);

    // The history: the first version under the global level (nothing to compare with), the
    // others under the level the history is compatible with.
    const first = await register(p, p.previous[0]);
    expect(first.status, `register version 1: ${JSON.stringify(first.json)}`).toBe(200);
    if (p.previous.length > 1) {
      await setLevel(p, p.historyLevel ?? p.level);
      for (const [i, v] of p.previous.slice(1).entries()) {
        const res = await register(p, v);
        expect(res.status, `register version ${i + 2}: ${JSON.stringify(res.json)}`).toBe(200);
      }
    }
    await setLevel(p, p.level);

    const [result] = await checkRegistry([{ subject: subjectOf(p), format: p.format, level: p.level, file: `${p.id}.schema`, candidate: p.candidate }], registryUrl());
    expect(result!.status, result!.error).not.toBe('ERROR');
    const registry = result!.status === 'OK';

    // Cross-check: registering the candidate applies the same rule to every stored version.
    const registration = await register(p, p.candidate);
    expect([200, 409], JSON.stringify(registration.json)).toContain(registration.status);
    expect(registration.status === 200, `registration and compatibility endpoint disagree: ${JSON.stringify(registration.json)}`).toBe(registry);

    const known = p.registry !== undefined && (p.registry.registries === 'all' || isApicurio());
    outcomes.push({ id: p.id, ours, registry, known });
    if (known) expect(registry, `known disagreement no longer holds: ${p.registry!.why}`).toBe(p.registry!.compatible);
    else expect(registry, `the registry says ${registry ? 'compatible' : 'incompatible'}, kafkagen ${ours ? 'compatible' : 'incompatible'}`).toBe(ours);
  });

  it('reports a registry refusal through runRegistryCheck (text and exit code)', async () => {
    const p = pairs.find((x) => x.id === 'avro-add-field-without-default')!;
    const lines: string[] = [];
    const code = await runRegistryCheck([{ subject: subjectOf(p), format: p.format, level: p.level, file: 'order.avsc', candidate: p.candidate }], registryUrl(), { write: (l) => lines.push(l) });
    expect(code).toBe(1);
    expect(lines[0]).toBe(`BREAKING  ${subjectOf(p)}`);
    if (isApicurio()) expect(lines[1]).toContain('(REGISTRY_INCOMPATIBLE)');
    else expect(lines[1]).toContain('(READER_FIELD_MISSING_DEFAULT_VALUE)');
    const fresh = await runRegistryCheck([{ subject: `kafkagen-compat-${run}-never-registered`, format: p.format, level: 'BACKWARD_TRANSITIVE', file: 'order.avsc', candidate: p.candidate }], registryUrl(), { write: () => {} });
    expect(fresh).toBe(0);
  });

  afterAll(() => {
    const agree = outcomes.filter((o) => o.ours === o.registry).length;
    const known = outcomes.filter((o) => o.known);
    process.stderr.write(
      `[compat] ${outcomes.length} pairs against ${registryUrl()}: ${agree} agree, ${outcomes.length - agree} disagree (${known.length} known: ${known.map((o) => o.id).join(', ')})\n`,
    );
  });
});
