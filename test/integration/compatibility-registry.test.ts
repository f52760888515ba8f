// Every evolution pair of test/fixtures/compatibility/pairs.ts, sent to the real registry
// (Apicurio's Confluent-compatible API): kafkagen's offline verdict must agree with the
// registry's, except for exactly the pairs listed in KNOWN_DISAGREEMENTS (each with why ours
// is right). Also `runRegistryCheck` against the same registry.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCompatibility, runRegistryCheck } from '../../generator/compatibility/index.js';
import { KNOWN_DISAGREEMENTS, PAIRS, type EvolutionPair } from '../fixtures/compatibility/pairs.js';
import { registryUrl } from '../support/services.js';

const CT = 'application/vnd.schemaregistry.v1+json';
const run = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

async function call(method: string, route: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${registryUrl()}${route}`, {
    method,
    headers: { 'content-type': CT, accept: `${CT}, application/json` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

function subjectOf(p: EvolutionPair, i: number): string {
  return `kg-compat-${run}-${i}-${p.name.replace(/[^a-zA-Z0-9]+/g, '-').slice(0, 60)}`;
}

/** Registers the previous versions, sets the level, asks about the candidate. */
async function registryVerdict(p: EvolutionPair, subject: string): Promise<boolean> {
  const schemaType = p.format;
  for (const [v, schema] of p.previous.entries()) {
    // The history itself need not pass the pair's level. A subject level of NONE falls back to
    // the registry's global level on Apicurio, so each later version is registered under the
    // first level that accepts it.
    let reg = { status: 0, json: undefined as any };
    for (const level of v === 0 ? [undefined] : ['NONE', 'FORWARD', 'BACKWARD']) {
      if (level) expect((await call('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level })).status).toBe(200);
      reg = await call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema: JSON.stringify(schema), schemaType });
      if (reg.status === 200) break;
    }
    expect(reg.status, `register v${v + 1} of ${subject}: ${JSON.stringify(reg.json)}`).toBe(200);
  }
  const cfg = await call('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: p.level });
  expect(cfg.status, JSON.stringify(cfg.json)).toBe(200);
  // What registering would do: Apicurio 3.0.9's `/versions/latest` checks the latest version only,
  // even under a *_TRANSITIVE level, and `/versions` checks every version, even under BACKWARD.
  const route = `/compatibility/subjects/${encodeURIComponent(subject)}/versions${p.level.endsWith('_TRANSITIVE') ? '' : '/latest'}`;
  const res = await call('POST', route, { schema: JSON.stringify(p.candidate), schemaType });
  expect(res.status, `compatibility of ${subject}: ${JSON.stringify(res.json)}`).toBe(200);
  expect(typeof res.json.is_compatible).toBe('boolean');
  return res.json.is_compatible as boolean;
}

describe('offline verdicts agree with the registry', () => {
  const registry = new Map<string, boolean>();
  const ours = new Map<string, boolean>();

  beforeAll(async () => {
    await Promise.all(
      PAIRS.map(async (p, i) => {
        ours.set(p.name, checkCompatibility({ format: p.format, level: p.level, candidate: p.candidate, previous: p.previous }).compatible);
        registry.set(p.name, await registryVerdict(p, subjectOf(p, i)));
      }),
    );
  });

  it.each(PAIRS.map((p) => [p.name, p] as const))('%s', (_name, p) => {
    const agree = ours.get(p.name) === registry.get(p.name);
    if (Object.hasOwn(KNOWN_DISAGREEMENTS, p.name)) {
      expect(agree, `${p.name} is listed as a known disagreement but now agrees with the registry`).toBe(false);
      expect(ours.get(p.name)).toBe(p.compatible);
    } else {
      expect({ name: p.name, ours: ours.get(p.name), registry: registry.get(p.name) }).toEqual({ name: p.name, ours: p.compatible, registry: p.compatible });
    }
  });

  it('the disagreements are exactly the known ones', () => {
    const disagreements = PAIRS.filter((p) => ours.get(p.name) !== registry.get(p.name)).map((p) => p.name);
    expect(disagreements.sort()).toEqual(Object.keys(KNOWN_DISAGREEMENTS).sort());
    const agreeing = PAIRS.length - disagreements.length;
    process.stderr.write(`[compatibility] ${PAIRS.length} pairs, ${agreeing} agree with the registry, ${disagreements.length} known disagreements\n`);
  });
});

describe('runRegistryCheck', () => {
  it('checks every version under a transitive level (versions/latest alone would not)', async () => {
    const p = PAIRS.find((x) => x.name.startsWith('avro: transitive catches an old version'))!;
    const subject = `kg-compat-${run}-transitive`;
    await registryVerdict(p, subject);
    const base = { format: p.format, level: p.level, file: 'schemas/order.avsc', baseline: [] };
    let out = '';
    const write = (s: string) => {
      out += s;
    };
    expect(await runRegistryCheck([{ ...base, subject, candidate: p.candidate }], registryUrl(), write)).toBe(1);
    expect(out.split('\n')[0]).toBe(`BREAKING  ${subject}`);
    out = '';
    expect(await runRegistryCheck([{ ...base, subject, candidate: p.candidate }], registryUrl(), write, 'text', 'latest')).toBe(0);
    expect(out).toBe(`OK        ${subject}\n`);
  });

  it('reports OK for a compatible candidate, BREAKING for an incompatible one, OK for a new subject', async () => {
    const subject = `kg-compat-${run}-registry-check`;
    const v1 = { type: 'record', name: 'Ping', fields: [{ name: 'id', type: 'string' }] };
    expect((await call('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(v1), schemaType: 'AVRO' })).status).toBe(200);
    expect((await call('PUT', `/config/${subject}`, { compatibility: 'BACKWARD' })).status).toBe(200);
    const good = { ...v1, fields: [...v1.fields, { name: 'n', type: 'int', default: 0 }] };
    const bad = { ...v1, fields: [...v1.fields, { name: 'n', type: 'int' }] };
    const base = { format: 'AVRO' as const, level: 'BACKWARD', file: 'schemas/ping.avsc', baseline: [] };
    let out = '';
    const write = (s: string) => {
      out += s;
    };
    expect(await runRegistryCheck([{ ...base, subject, candidate: good }, { ...base, subject: `${subject}-new`, candidate: bad }], registryUrl(), write)).toBe(0);
    expect(out).toBe(`OK        ${subject}\nOK        ${subject}-new\n`);
    out = '';
    expect(await runRegistryCheck([{ ...base, subject, candidate: bad }], registryUrl(), write)).toBe(1);
    expect(out.split('\n')[0]).toBe(`BREAKING  ${subject}`);
    out = '';
    expect(await runRegistryCheck([{ ...base, subject, candidate: bad }], 'http://127.0.0.1:9', write, 'json')).toBe(2);
    expect(JSON.parse(out).subjects[0].error).toMatch(/unreachable/);
  });
});
