// runCheck and runRegistryCheck: exit codes, output, and the registry conversation (with a
// stand-in fetch; the real registry is in test/integration/compat-registry.test.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRegistryMessages, runCheck, runRegistryCheck, type CheckSubject } from '../../../generator/compat/index.js';

const order = (fields: unknown[]) => ({ type: 'record', name: 'Order', namespace: 'shop', fields });
const v1 = order([{ name: 'id', type: 'string' }]);
const v2 = order([{ name: 'id', type: 'string' }, { name: 'total', type: 'long' }]);
const dir = mkdtempSync(path.join(tmpdir(), 'kafkagen-compat-cmd-'));
writeFileSync(path.join(dir, 'order.avsc'), `${JSON.stringify(v2, null, 2)}\n`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ok: CheckSubject = { subject: 'a-value', format: 'AVRO', level: 'BACKWARD', file: 'a.avsc', candidate: v1, baseline: [v1] };
const breaking: CheckSubject = { subject: 'orders-value', format: 'AVRO', level: 'BACKWARD', file: 'order.avsc', candidate: v2, baseline: [v1] };
const bad: CheckSubject = { subject: 'bad-value', format: 'AVRO', level: 'BACKWARD', file: 'bad.avsc', candidate: { type: 'record' }, baseline: [] };

function run(subjects: CheckSubject[], output: 'text' | 'json' | 'github' = 'text'): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = runCheck({ subjects, output, write: (l) => lines.push(l), cwd: dir });
  return { code, lines };
}

describe('runCheck', () => {
  it('exits 0 when every subject is compatible', () => {
    expect(run([ok])).toEqual({ code: 0, lines: ['OK  a-value'] });
  });

  it('exits 1 on a breaking change, with the line read from the schema file', () => {
    const { code, lines } = run([ok, breaking], 'json');
    expect(code).toBe(1);
    const report = JSON.parse(lines.join('\n')) as { compatible: boolean; subjects: Array<{ status: string; reasons: Array<{ line: number; path: string }> }> };
    expect(report.compatible).toBe(false);
    expect(report.subjects.map((s) => s.status)).toEqual(['OK', 'BREAKING']);
    expect(report.subjects[1]!.reasons).toMatchObject([{ path: 'fields[1]', line: 10 }]);
  });

  it('uses the given source text over the file on disk', () => {
    const lines: string[] = [];
    runCheck({ subjects: [{ ...breaking, source: JSON.stringify(v2) }], output: 'github', write: (l) => lines.push(l), cwd: dir });
    expect(lines.at(-1)).toMatch(/^::error file=order\.avsc,line=1::orders-value: fields\[1\]: /);
  });

  it('exits 2 when a subject cannot be checked, even if another one breaks', () => {
    const { code, lines } = run([breaking, bad, { ...ok, level: 'SOMETIMES' }]);
    expect(code).toBe(2);
    expect(lines.filter((l) => !l.startsWith(' '))).toEqual(['BREAKING  orders-value', 'ERROR  bad-value', 'ERROR  a-value']);
    expect(lines.join('\n')).toMatch(/ERROR {2}bad-value\n {2}the new schema is not a valid Avro schema/);
    expect(lines.join('\n')).toContain('unknown compatibility level "SOMETIMES"');
  });
});

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(answer: (call: Call) => { status: number; body?: unknown } | Error): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const f = async (url: string | URL | Request, init: RequestInit = {}) => {
    const call = { url: String(url), init };
    calls.push(call);
    const a = answer(call);
    if (a instanceof Error) throw a;
    return new Response(a.body === undefined ? '' : JSON.stringify(a.body), { status: a.status, headers: { 'Content-Type': 'application/json' } });
  };
  return { fetch: f as typeof fetch, calls };
}

describe('runRegistryCheck', () => {
  const url = 'http://registry.test/apis/ccompat/v7/';
  const subject = { subject: 'orders-value', format: 'AVRO' as const, level: 'BACKWARD', file: 'order.avsc', candidate: v2 };

  it("posts the candidate to the subject's latest version and reports Confluent's messages", async () => {
    const { fetch, calls } = fakeFetch(() => ({
      status: 200,
      body: {
        is_compatible: false,
        messages: [
          "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'total' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'total'}",
          '{oldSchemaVersion: 1}',
          "{oldSchema: '{\"type\":\"record\"}'}",
          "{validateFields: 'false', compatibility: 'BACKWARD'}",
        ],
      },
    }));
    const lines: string[] = [];
    const code = await runRegistryCheck([subject], url, { fetch, write: (l) => lines.push(l), cwd: dir, basicAuth: 'u:p' });
    expect(code).toBe(1);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('http://registry.test/apis/ccompat/v7/compatibility/subjects/orders-value/versions/latest?verbose=true');
    expect(calls[0]!.init.method).toBe('POST');
    expect(new Headers(calls[0]!.init.headers).get('authorization')).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ schema: JSON.stringify(v2), schemaType: 'AVRO' });
    expect(lines).toEqual([
      'BREAKING  orders-value',
      "  fields[1]: The field 'total' at path '/fields/1' in the new schema has no default value and is missing in the old schema (READER_FIELD_MISSING_DEFAULT_VALUE)",
      '    hint: give the field a default (for an optional field: ["null", ...] with "default": null)',
    ]);
  });

  it('uses the all-versions endpoint for transitive levels, and passes references', async () => {
    const { fetch, calls } = fakeFetch(() => ({ status: 200, body: { is_compatible: true } }));
    const refs = [{ name: 'shop.Line', subject: 'shop.Line', version: 2 }];
    const code = await runRegistryCheck([{ ...subject, subject: 'a/b', level: 'full_transitive', registryReferences: refs }], url, { fetch, write: () => {}, bearerToken: 't' });
    expect(code).toBe(0);
    expect(calls[0]!.url).toBe('http://registry.test/apis/ccompat/v7/compatibility/subjects/a%2Fb/versions?verbose=true');
    expect(new Headers(calls[0]!.init.headers).get('authorization')).toBe('Bearer t');
    expect(JSON.parse(String(calls[0]!.init.body)).references).toEqual(refs);
  });

  it('treats an unknown subject (404) as new and compatible', async () => {
    const { fetch } = fakeFetch(() => ({ status: 404, body: { error_code: 40401, message: 'Subject not found' } }));
    const lines: string[] = [];
    expect(await runRegistryCheck([subject], url, { fetch, write: (l) => lines.push(l) })).toBe(0);
    expect(lines).toEqual(['OK  orders-value']);
  });

  it("says so when the registry gives no reasons (Apicurio's answer)", async () => {
    const { fetch } = fakeFetch(() => ({ status: 200, body: { is_compatible: false } }));
    const lines: string[] = [];
    expect(await runRegistryCheck([subject], url, { fetch, write: (l) => lines.push(l), output: 'github', cwd: dir })).toBe(1);
    expect(lines).toEqual([
      'BREAKING  orders-value',
      '  (root): the registry reports the schema incompatible without giving reasons (Apicurio Registry never gives them) (REGISTRY_INCOMPATIBLE)',
      '    hint: run kafkagen check --against <git ref> for the reasons',
      '::error file=order.avsc,line=1::orders-value: (root): the registry reports the schema incompatible without giving reasons (Apicurio Registry never gives them) (REGISTRY_INCOMPATIBLE). Hint: run kafkagen check --against <git ref> for the reasons',
    ]);
  });

  it('exits 2 when the registry cannot be reached or refuses the schema', async () => {
    const down = fakeFetch(() => new TypeError('fetch failed'));
    const lines: string[] = [];
    expect(await runRegistryCheck([subject], url, { fetch: down.fetch, write: (l) => lines.push(l) })).toBe(2);
    expect(lines[0]).toBe('ERROR  orders-value');
    expect(lines[1]).toBe('  the registry at http://registry.test/apis/ccompat/v7 did not answer: fetch failed');
    const invalid = fakeFetch(() => ({ status: 422, body: { error_code: 42201, message: 'Invalid schema' } }));
    lines.length = 0;
    expect(await runRegistryCheck([subject], url, { fetch: invalid.fetch, write: (l) => lines.push(l) })).toBe(2);
    expect(lines[1]).toBe('  the registry answered 422 for orders-value: Invalid schema');
  });

  it("turns Apicurio's failures on schemas with references into one clear error per subject, and leaves other errors alone", async () => {
    const refs = [{ name: 'shop.Line', subject: 'shop.Line', version: 1 }];
    const json = { subject: 'events-value', format: 'JSON' as const, level: 'FULL_TRANSITIVE', file: 'event.schema.json', candidate: { $id: 'https://kafkagen.dev/e.json', type: 'object' } };
    const answers: Record<string, { status: number; body: unknown }> = {
      'orders-value': { status: 422, body: { error_code: 42201, message: 'Could not execute compatibility rule on invalid Avro schema' } },
      'events-value': { status: 500, body: { error_code: 50001, message: 'java.net.UnknownHostException: kafkagen.dev' } },
      'audit-value': { status: 500, body: { error_code: 50001, message: '#: could not determine version' } },
    };
    const { fetch, calls } = fakeFetch((c) => answers[decodeURIComponent(/subjects\/([^/]+)\//.exec(c.url)![1]!)]!);
    const lines: string[] = [];
    const subjects = [{ ...subject, registryReferences: refs }, { ...json, registryReferences: refs }, { ...json, subject: 'audit-value', registryReferences: [...refs, { ...refs[0]!, subject: 'x' }] }];
    expect(await runRegistryCheck(subjects, url, { fetch, write: (l) => lines.push(l) })).toBe(2);
    const fix = '    fix: check this subject with kafkagen check --against REF (a git ref or a folder of the previous schemas), which resolves references itself';
    expect(lines).toEqual([
      'ERROR  orders-value',
      "  Apicurio Registry cannot check schemas with references through its Confluent-compatible API (this schema has 1 reference; the registry answered 422: Could not execute compatibility rule on invalid Avro schema)",
      fix,
      'ERROR  events-value',
      '  Apicurio Registry cannot check schemas with references through its Confluent-compatible API (this schema has 1 reference; the registry answered 500: java.net.UnknownHostException: kafkagen.dev)',
      fix,
      'ERROR  audit-value',
      '  Apicurio Registry cannot check schemas with references through its Confluent-compatible API (this schema has 2 references; the registry answered 500: #: could not determine version)',
      fix,
    ]);
    expect(calls.length).toBeGreaterThanOrEqual(3);

    // the same answers without references, or other answers with them, are not this limitation
    lines.length = 0;
    expect(await runRegistryCheck([subject, json], url, { fetch, write: (l) => lines.push(l) })).toBe(2);
    expect(lines.join('\n')).not.toContain('Apicurio Registry cannot check');
    expect(lines[1]).toBe('  the registry answered 422 for orders-value: Could not execute compatibility rule on invalid Avro schema');
    const other = fakeFetch(() => ({ status: 500, body: { error_code: 50001, message: 'java.lang.NullPointerException' } }));
    lines.length = 0;
    expect(await runRegistryCheck([{ ...json, registryReferences: refs }], url, { fetch: other.fetch, write: (l) => lines.push(l) })).toBe(2);
    expect(lines[1]).toBe('  the registry answered 500 for events-value: java.lang.NullPointerException');
  });
});

describe('parseRegistryMessages', () => {
  it("reads Confluent's JSON Schema messages and converts their paths", () => {
    expect(parseRegistryMessages([`{errorType:"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", description:"The new has a closed content model and is missing a property or item present at path '#/properties/note' in the old schema'}`, 'something else'])).toEqual([
      {
        path: 'properties.note',
        rule: 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
        message: "The new has a closed content model and is missing a property or item present at path '#/properties/note' in the old schema",
        hint: 'keep the property, or open the content model',
      },
      { path: '', rule: 'REGISTRY', message: 'something else', hint: '' },
    ]);
  });
});
