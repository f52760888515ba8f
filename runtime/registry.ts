// A thin fetch client for Confluent-compatible registries. Not @kafkajs/confluent-schema-registry:
// it parses schemas with its own avsc and ajv options, while kafkagen decodes with the
// generated codecs; five endpoints are a page of code and no dependency.
import type { RegistryConfig } from './config.js';
import { KafkagenRuntimeError } from './errors.js';
import { DEFAULT_REGISTRY_RETRY, withRetry } from './retry.js';

export interface RegistryReference {
  name: string;
  subject: string;
  version: number;
}

export interface RegisteredSchema {
  id: number;
  schema: string;
  schemaType: 'AVRO' | 'JSON' | 'PROTOBUF';
  references: RegistryReference[];
}

type Ref = { name: string; subject: string; version?: number };
export type RegistryHttp = (method: string, path: string, body?: unknown) => Promise<unknown>;

export class RegistryHttpError extends KafkagenRuntimeError {
  constructor(
    readonly status: number,
    readonly errorCode: number | undefined,
    message: string,
    /** The registry's own `message`, when it gave one. */
    readonly registryMessage?: string,
  ) {
    super(status === 401 || status === 403 ? 'REGISTRY_AUTH_FAILED' : 'REGISTRY_HTTP', message, { retriable: status >= 500 || status === 429 });
  }
}

export function registryHttp(config: RegistryConfig, fetchImpl: typeof fetch = fetch): RegistryHttp {
  const base = config.url.replace(/\/+$/, '');
  const type = 'application/vnd.schemaregistry.v1+json';
  const headers: Record<string, string> = { 'content-type': type, accept: type };
  if (config.basicAuth) headers.authorization = `Basic ${Buffer.from(config.basicAuth).toString('base64')}`;
  if (config.bearerToken) headers.authorization = `Bearer ${config.bearerToken}`;
  const timeoutMs = config.timeoutMs ?? 10_000;
  const once = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    let res: Response;
    let text: string;
    try {
      res = await fetchImpl(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
      text = await res.text(); // the timeout covers the body too: a registry can stall mid-answer
    } catch (e) {
      const why = (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${(e as Error).message} ${(e as { cause?: { code?: string } }).cause?.code ?? ''}`.trim();
      throw new KafkagenRuntimeError('REGISTRY_UNAVAILABLE', `schema registry ${base} did not answer ${method} ${path}: ${why}. Fix: check SCHEMA_REGISTRY_URL and that the registry is up`, { retriable: true, cause: e });
    }
    let json: { error_code?: number; message?: string } | undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = { message: text.slice(0, 200) };
    }
    if (res.ok) return json;
    const fix = res.status === 401 || res.status === 403 ? '. Fix: check SCHEMA_REGISTRY_AUTH (user:password) or SCHEMA_REGISTRY_TOKEN' : '';
    throw new RegistryHttpError(res.status, json?.error_code, `schema registry ${method} ${path}: ${res.status} ${json?.message ?? ''}`.trim() + fix, json?.message);
  };
  return (method, path, body) => withRetry(() => once(method, path, body), { ...DEFAULT_REGISTRY_RETRY, ...config.retry }, { retriable: (e) => (e as { retriable?: boolean }).retriable === true });
}

/** A promise per key; a failed one is forgotten, so the next call tries again. */
function cached<K, V>(map: Map<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
  let p = map.get(key);
  if (!p) {
    map.set(key, (p = load()));
    p.catch(() => map.delete(key));
  }
  return p;
}

const registered = (id: number, r: Partial<RegisteredSchema>): RegisteredSchema => ({ id, schema: r.schema ?? '', schemaType: r.schemaType ?? 'AVRO', references: r.references ?? [] });
const notFound = (e: unknown) => e instanceof RegistryHttpError && e.status === 404;

export class RegistryClient {
  private readonly byId = new Map<number, Promise<RegisteredSchema>>();
  private readonly ids = new Map<string, Promise<number>>();
  private readonly versions = new Map<string, Promise<RegisteredSchema>>();
  readonly http: RegistryHttp;

  constructor(
    private readonly config: RegistryConfig,
    fetchImpl?: typeof fetch,
  ) {
    this.http = registryHttp(config, fetchImpl);
  }

  /** The writer's schema for an id off the wire (cached for good: ids never change). */
  schemaById(id: number): Promise<RegisteredSchema> {
    return cached(this.byId, id, () =>
      this.http('GET', `/schemas/ids/${id}`).then(
        (r) => registered(id, r as RegisteredSchema),
        (e) => {
          throw notFound(e) ? new KafkagenRuntimeError('UNKNOWN_SCHEMA_ID', `schema id ${id} is not in the registry ${this.config.url}`, { cause: e }) : e;
        },
      ),
    );
  }

  schemaByVersion(subject: string, version: number): Promise<RegisteredSchema> {
    return cached(this.versions, `${subject}@${version}`, async () => {
      const r = (await this.http('GET', `/subjects/${encodeURIComponent(subject)}/versions/${version}`)) as RegisteredSchema;
      return registered(r.id, r);
    });
  }

  /** The id of `schema` under `subject` (with its references): looked up, or registered when autoRegister is on. */
  idFor(subject: string, schema: string, schemaType: 'AVRO' | 'JSON', references: Ref[] = []): Promise<number> {
    return cached(this.ids, `${subject}\u0000${schema}`, async () => {
      const body = await this.body(schema, schemaType, references);
      const path = `/subjects/${encodeURIComponent(subject)}`;
      try {
        return ((await this.http('POST', path, body)) as { id: number }).id;
      } catch (e) {
        if (!notFound(e)) throw e;
        if (!this.config.autoRegister) throw new KafkagenRuntimeError('SCHEMA_NOT_REGISTERED', `subject ${subject} has no version with this schema. Fix: run \`kafkagen register\` (or set registry.autoRegister)`, { cause: e });
        return ((await this.http('POST', `${path}/versions`, body)) as { id: number }).id; // idempotent: an identical version keeps its id
      }
    });
  }

  /** One cheap authenticated request (the schema types it serves): for health checks. */
  async ping(): Promise<void> {
    await this.http('GET', '/schemas/types');
  }

  /** A reference without a version: its subject's latest. */
  private async body(schema: string, schemaType: 'AVRO' | 'JSON', references: Ref[]): Promise<Record<string, unknown>> {
    const refs = await Promise.all(references.map(async (r) => ({ ...r, version: r.version ?? ((await this.http('GET', `/subjects/${encodeURIComponent(r.subject)}/versions/latest`)) as { version: number }).version })));
    return { schema, ...(schemaType !== 'AVRO' && { schemaType }), ...(refs.length > 0 && { references: refs }) };
  }
}
