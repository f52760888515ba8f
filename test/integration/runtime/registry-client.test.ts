// RegistryClient (runtime/registry.ts). Against the real Apicurio registry: registering,
// lookups by subject+schema, by id and by version, references, unknown ids, and caching
// (counted with a wrapped fetch: a cached lookup sends nothing). Against a small local HTTP
// server (real HTTP on 127.0.0.1): the Authorization header, timeouts, retries on 5xx/429,
// and no retries on 401/403 or other 4xx.
import { afterEach, describe, expect, it } from 'vitest';
import { isKafkagenRuntimeError, type KafkagenRuntimeError } from '../../../runtime/errors.js';
import type { RegistryConfig } from '../../../runtime/config.js';
import { RegistryClient } from '../../../runtime/registry.js';
import { type Answer, recordingServer, type RecordingServer } from '../../support/http-server.js';
import { registryUrl, uniqueTopic } from '../../support/services.js';

const orderSchema = JSON.stringify({ type: 'record', name: 'com.test.rc.Order', fields: [{ name: 'id', type: 'string' }, { name: 'n', type: 'int' }] });

/** fetch, with every request it sends recorded as `METHOD path` (path below the registry URL). */
function countingFetch(): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  const base = new URL(registryUrl()).pathname.replace(/\/+$/, '');
  const wrapped: typeof fetch = (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    calls.push(`${init?.method ?? 'GET'} ${url.pathname.slice(base.length)}`);
    return fetch(input, init);
  };
  return { fetch: wrapped, calls };
}

function realClient(opts: Partial<RegistryConfig> = {}): { client: RegistryClient; calls: string[] } {
  const f = countingFetch();
  return { client: new RegistryClient({ url: registryUrl(), ...opts }, f.fetch), calls: f.calls };
}

/** The registry's own answer, read without the client under test. */
async function registryGet(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(registryUrl() + path, { headers: { accept: 'application/vnd.schemaregistry.v1+json' } });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

async function failure(p: Promise<unknown>): Promise<KafkagenRuntimeError> {
  try {
    await p;
  } catch (e) {
    expect(isKafkagenRuntimeError(e), `expected a KafkagenRuntimeError, got ${String(e)}`).toBe(true);
    return e as KafkagenRuntimeError;
  }
  throw new Error('expected a failure');
}

const subject = (what: string) => `${uniqueTopic(`rc.${what}`)}-value`;

describe('against the real registry', () => {
  it('registers a schema (autoRegister), then finds it by subject+schema and by id; repeated lookups send no request', async () => {
    const s = subject('order');
    const writer = realClient({ autoRegister: true });
    const id = await writer.client.idFor(s, orderSchema, 'AVRO');
    // Looked up first (404: not there), then registered.
    expect(writer.calls).toEqual([`POST /subjects/${s}`, `POST /subjects/${s}/versions`]);
    // The registry itself now has it, under that id.
    const v1 = await registryGet(`/subjects/${s}/versions/1`);
    expect(v1.status).toBe(200);
    expect(v1.body.id).toBe(id);
    expect(JSON.parse(v1.body.schema)).toEqual(JSON.parse(orderSchema));
    // The registering client remembers the id.
    expect(await writer.client.idFor(s, orderSchema, 'AVRO')).toBe(id);
    expect(writer.calls).toHaveLength(2);

    // A fresh client without autoRegister: found by subject+schema, once.
    const reader = realClient();
    expect(await reader.client.idFor(s, orderSchema, 'AVRO')).toBe(id);
    expect(reader.calls).toEqual([`POST /subjects/${s}`]);
    expect(await reader.client.idFor(s, orderSchema, 'AVRO')).toBe(id);
    expect(reader.calls).toHaveLength(1);

    // By id: one GET, then the cache.
    const byId = await reader.client.schemaById(id);
    expect(byId).toMatchObject({ id, schemaType: 'AVRO', references: [] });
    expect(JSON.parse(byId.schema)).toEqual(JSON.parse(orderSchema));
    expect(reader.calls).toEqual([`POST /subjects/${s}`, `GET /schemas/ids/${id}`]);
    expect(await reader.client.schemaById(id)).toEqual(byId);
    expect(reader.calls).toHaveLength(2);

    // By version: one GET, then the cache.
    expect(await reader.client.schemaByVersion(s, 1)).toMatchObject({ id, schemaType: 'AVRO' });
    expect(await reader.client.schemaByVersion(s, 1)).toMatchObject({ id });
    expect(reader.calls).toEqual([`POST /subjects/${s}`, `GET /schemas/ids/${id}`, `GET /subjects/${s}/versions/1`]);

    // The cache is per schema, not per subject: another schema under the subject is asked for.
    const other = JSON.stringify({ type: 'record', name: 'com.test.rc.Other', fields: [{ name: 'x', type: 'long' }] });
    expect((await failure(reader.client.idFor(s, other, 'AVRO'))).code).toBe('SCHEMA_NOT_REGISTERED');
    expect(reader.calls).toHaveLength(4);
  });

  it('concurrent lookups of one id share a single request', async () => {
    const s = subject('concurrent');
    const id = await realClient({ autoRegister: true }).client.idFor(s, orderSchema, 'AVRO');
    const { client, calls } = realClient();
    const [a, b, c] = await Promise.all([client.schemaById(id), client.schemaById(id), client.schemaById(id)]);
    expect(a).toEqual(b);
    expect(b).toEqual(c);
    expect(calls).toEqual([`GET /schemas/ids/${id}`]);
  });

  it('a schema nobody registered, without autoRegister: SCHEMA_NOT_REGISTERED pointing at kafkagen register, and nothing is registered', async () => {
    const s = subject('unregistered');
    const { client, calls } = realClient();
    const e = await failure(client.idFor(s, orderSchema, 'AVRO'));
    expect(e.code).toBe('SCHEMA_NOT_REGISTERED');
    expect(e.retriable).toBe(false);
    expect(e.message).toContain(s);
    expect(e.message).toContain('kafkagen register');
    expect(calls).toEqual([`POST /subjects/${s}`]);
    expect((await registryGet(`/subjects/${s}/versions`)).status).toBe(404);
  });

  it('an unknown id: UNKNOWN_SCHEMA_ID (not retriable, asked once); the failure is not cached', async () => {
    const unknown = 2_000_000_000 + Math.floor(Math.random() * 100_000_000);
    expect((await registryGet(`/schemas/ids/${unknown}`)).status).toBe(404);
    const { client, calls } = realClient();
    const e = await failure(client.schemaById(unknown));
    expect(e.code).toBe('UNKNOWN_SCHEMA_ID');
    expect(e.retriable).toBe(false);
    expect(e.message).toContain(`schema id ${unknown}`);
    expect(calls).toEqual([`GET /schemas/ids/${unknown}`]);
    expect((await failure(client.schemaById(unknown))).code).toBe('UNKNOWN_SCHEMA_ID');
    expect(calls).toHaveLength(2);
  });

  it('JSON schemas keep their type; a reference without a version is resolved to its subject\'s latest', async () => {
    const moneySubject = subject('money');
    const orderSubject = subject('ref-order');
    const money = JSON.stringify({ type: 'record', name: 'com.test.rc.Money', fields: [{ name: 'cents', type: 'long' }] });
    const withRef = JSON.stringify({ type: 'record', name: 'com.test.rc.Priced', fields: [{ name: 'price', type: 'com.test.rc.Money' }] });
    const { client, calls } = realClient({ autoRegister: true });
    const moneyId = await client.idFor(moneySubject, money, 'AVRO');
    const pricedId = await client.idFor(orderSubject, withRef, 'AVRO', [{ name: 'com.test.rc.Money', subject: moneySubject }]);
    expect(pricedId).not.toBe(moneyId);
    expect(calls).toContain(`GET /subjects/${moneySubject}/versions/latest`);
    const fresh = realClient().client;
    expect(await fresh.schemaById(pricedId)).toMatchObject({ id: pricedId, references: [{ name: 'com.test.rc.Money', subject: moneySubject, version: 1 }] });

    const jsonSubject = subject('json');
    const json = JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { id: { type: 'string' } }, required: ['id'] });
    const jsonId = await client.idFor(jsonSubject, json, 'JSON');
    expect((await registryGet(`/subjects/${jsonSubject}/versions/1`)).body).toMatchObject({ id: jsonId, schemaType: 'JSON' });
    const got = await fresh.schemaById(jsonId);
    expect(got.schemaType).toBe('JSON');
    expect(JSON.parse(got.schema)).toEqual(JSON.parse(json));
    expect(await realClient().client.idFor(jsonSubject, json, 'JSON')).toBe(jsonId);
  });
});

describe('against a local HTTP server', () => {
  let server: RecordingServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const ok: Answer = { status: 200, body: { schema: '"string"' } };
  async function serve(respond: (n: number) => Answer): Promise<string> {
    server = await recordingServer((_req, n) => respond(n));
    return `${server.origin}/apis/ccompat/v7`;
  }
  const fast = { initialBackoffMs: 10, maxBackoffMs: 20 };

  it('sends basic auth (user:password) as an Authorization: Basic header, to the path under the URL', async () => {
    const url = await serve(() => ok);
    const client = new RegistryClient({ url: `${url}/`, basicAuth: 'user:password' });
    expect(await client.schemaById(7)).toEqual({ id: 7, schema: '"string"', schemaType: 'AVRO', references: [] });
    expect(server!.requests).toHaveLength(1);
    const [req] = server!.requests;
    expect(req!.method).toBe('GET');
    expect(req!.url).toBe('/apis/ccompat/v7/schemas/ids/7');
    expect(req!.headers.authorization).toBe('Basic dXNlcjpwYXNzd29yZA==');
    expect(Buffer.from(req!.headers.authorization!.slice('Basic '.length), 'base64').toString()).toBe('user:password');
    expect(req!.headers.accept).toContain('application/vnd.schemaregistry.v1+json');
  });

  it('sends a bearer token as Authorization: Bearer, and no Authorization without credentials', async () => {
    const url = await serve((n) => (n === 3 ? { status: 200, body: { id: 42 } } : ok));
    await new RegistryClient({ url, bearerToken: 'tok-123.abc' }).schemaById(1);
    await new RegistryClient({ url }).schemaById(1);
    // A lookup posts the schema as JSON.
    expect(await new RegistryClient({ url, bearerToken: 'tok-123.abc' }).idFor('s-value', orderSchema, 'AVRO')).toBe(42);
    const [bearer, none, post] = server!.requests;
    expect(bearer!.headers.authorization).toBe('Bearer tok-123.abc');
    expect(none!.headers.authorization).toBeUndefined();
    expect(post).toMatchObject({ method: 'POST', url: '/apis/ccompat/v7/subjects/s-value' });
    expect(post!.headers.authorization).toBe('Bearer tok-123.abc');
    expect(post!.headers['content-type']).toBe('application/vnd.schemaregistry.v1+json');
    expect(JSON.parse(post!.body)).toEqual({ schema: orderSchema });
  });

  it('a registry that never answers: REGISTRY_UNAVAILABLE (retriable) after timeoutMs per attempt, within a bounded time', async () => {
    const url = await serve(() => 'hang');
    // When each attempt starts, seen by the client (not when its request reaches the server,
    // which adds the jitter of both arrivals).
    const started: number[] = [];
    const timedFetch: typeof fetch = (input, init) => {
      started.push(performance.now());
      return fetch(input, init);
    };
    const client = new RegistryClient({ url, timeoutMs: 300, retry: { attempts: 2, ...fast } }, timedFetch);
    const e = await failure(client.schemaById(1));
    // The server never answers: the call can only end by the client's own timeout, here on
    // the last of the policy's attempts (a missing timeout would hang until the test's).
    expect(e.code).toBe('REGISTRY_UNAVAILABLE');
    expect(e.retriable).toBe(true);
    expect(e.message).toContain('no answer within 300 ms');
    expect(e.message).toContain('SCHEMA_REGISTRY_URL');
    expect(server!.requests).toHaveLength(2);
    expect(started).toHaveLength(2);
    // The retry came only once the first attempt had waited out its timeout (300 ms, plus a
    // backoff of 10-20 ms). The margin absorbs timer granularity on a busy machine; a timeout
    // not applied per attempt, or a far shorter one, still fails this.
    expect(started[1]! - started[0]!).toBeGreaterThanOrEqual(250);
  });

  // The timeout covers the body read too (res.text() inside the try in runtime/registry.ts):
  // a stalled body is a retriable REGISTRY_UNAVAILABLE, never a raw TimeoutError.
  it('a registry that sends headers but never the body: REGISTRY_UNAVAILABLE (retriable) after timeoutMs per attempt', async () => {
    const url = await serve(() => 'headers-then-hang');
    const client = new RegistryClient({ url, timeoutMs: 300, retry: { attempts: 2, ...fast } });
    const e = await failure(client.schemaById(1));
    expect(e.code).toBe('REGISTRY_UNAVAILABLE');
    expect(e.retriable).toBe(true);
    expect(e.message).toContain('no answer within 300 ms');
    expect(server!.requests).toHaveLength(2);
  });

  it('503 twice then 200: succeeds on the third attempt with the default retry policy', async () => {
    const url = await serve((n) => (n <= 2 ? { status: 503, body: { error_code: 50301, message: 'restarting' } } : ok));
    const client = new RegistryClient({ url });
    expect(await client.schemaById(5)).toMatchObject({ id: 5, schema: '"string"' });
    expect(server!.requests.map((r) => r.url)).toEqual(Array(3).fill('/apis/ccompat/v7/schemas/ids/5'));
    // With backoff between the attempts.
    expect(server!.requests[2]!.at - server!.requests[0]!.at).toBeGreaterThanOrEqual(50);
  });

  it('429 then 200: retried', async () => {
    const url = await serve((n) => (n === 1 ? { status: 429, body: { message: 'slow down' } } : { status: 200, body: { id: 9 } }));
    expect(await new RegistryClient({ url, retry: fast }).idFor('s-value', orderSchema, 'AVRO')).toBe(9);
    expect(server!.requests).toHaveLength(2);
  });

  it('503 every time: REGISTRY_HTTP (retriable) after the policy\'s attempts; the failure is not cached', async () => {
    let down = true;
    const url = await serve(() => (down ? { status: 503, body: { message: 'down' } } : ok));
    const client = new RegistryClient({ url, retry: { attempts: 4, ...fast } });
    const e = await failure(client.schemaById(3));
    expect(e.code).toBe('REGISTRY_HTTP');
    expect(e.retriable).toBe(true);
    expect(e.message).toContain('503');
    expect(server!.requests).toHaveLength(4);
    down = false;
    expect(await client.schemaById(3)).toMatchObject({ id: 3 });
    expect(server!.requests).toHaveLength(5);
  });

  it.each([401, 403])('%i: REGISTRY_AUTH_FAILED naming the credential variables, not retried', async (status) => {
    const url = await serve(() => ({ status, body: { error_code: status * 100 + 1, message: 'Unauthorized' } }));
    const client = new RegistryClient({ url, basicAuth: 'user:wrong', retry: fast });
    const e = await failure(client.schemaById(1));
    expect(e.code).toBe('REGISTRY_AUTH_FAILED');
    expect(e.retriable).toBe(false);
    expect(e.message).toContain(String(status));
    expect(e.message).toContain('SCHEMA_REGISTRY_AUTH');
    expect(e.message).toContain('SCHEMA_REGISTRY_TOKEN');
    expect(server!.requests).toHaveLength(1);
  });

  it.each([400, 409, 422])('%i: REGISTRY_HTTP with the registry\'s message, not retried', async (status) => {
    const url = await serve(() => ({ status, body: { error_code: status * 100 + 1, message: 'Schema being registered is incompatible' } }));
    const client = new RegistryClient({ url, autoRegister: true, retry: fast });
    const e = await failure(client.idFor('s-value', orderSchema, 'AVRO'));
    expect(e.code).toBe('REGISTRY_HTTP');
    expect(e.retriable).toBe(false);
    expect(e.message).toContain(`${status} Schema being registered is incompatible`);
    expect(server!.requests).toHaveLength(1);
  });

  it('404 on a lookup with autoRegister: registers (two requests), and a non-JSON error body still gives a clear error', async () => {
    const url = await serve((n) => (n === 1 ? { status: 404, body: { error_code: 40401, message: 'no subject' } } : { status: 500, body: '<html>oops</html>' }));
    const client = new RegistryClient({ url, autoRegister: true, retry: { attempts: 1 } });
    const e = await failure(client.idFor('s-value', orderSchema, 'AVRO'));
    expect(e.code).toBe('REGISTRY_HTTP');
    expect(e.message).toContain('500 <html>oops</html>');
    expect(server!.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /apis/ccompat/v7/subjects/s-value', 'POST /apis/ccompat/v7/subjects/s-value/versions']);
  });
});
