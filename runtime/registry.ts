// A thin client for Confluent-compatible schema registries (Confluent, Apicurio's ccompat):
// schema by id and id by subject+schema, both cached; timeouts, retries on 5xx/network
// errors, basic or bearer credentials. kafkagen uses fetch rather than
// @kafkajs/confluent-schema-registry so that it never compiles schemas with other avsc
// options than kafkagen's own (bigint longs, logical types, tagged unions).
import { KafkagenRuntimeError } from './errors.js';
import type { RegistryConfig } from './config.js';
import { type RetryPolicy, withRetry } from './retry.js';

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

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const HTTP_RETRY: RetryPolicy = { attempts: 3, initialBackoffMs: 100, maxBackoffMs: 1000, multiplier: 2, jitter: 0.2 };

export type RegistryHttp = (method: string, path: string, body?: unknown) => Promise<unknown>;

export class RegistryHttpError extends KafkagenRuntimeError {
  constructor(
    readonly status: number,
    readonly errorCode: number | undefined,
    message: string,
  ) {
    super('REGISTRY_HTTP', message, { retriable: status >= 500 || status === 429 });
  }
}

export function registryHttp(config: RegistryConfig, fetchImpl: typeof fetch = fetch): RegistryHttp {
  const base = config.url.replace(/\/+$/, '');
  const headers: Record<string, string> = { 'content-type': CONTENT_TYPE, accept: CONTENT_TYPE };
  if (config.basicAuth) headers.authorization = `Basic ${Buffer.from(config.basicAuth).toString('base64')}`;
  if (config.bearerToken) headers.authorization = `Bearer ${config.bearerToken}`;
  const once = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    let res: Response;
    try {
      res = await fetchImpl(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(config.timeoutMs ?? 10_000) });
    } catch (e) {
      throw new KafkagenRuntimeError('REGISTRY_UNAVAILABLE', `schema registry ${base} did not answer ${method} ${path}: ${(e as Error).message}`, { retriable: true, cause: e });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = { message: text };
    }
    if (!res.ok) {
      const err = json as { error_code?: number; message?: string } | undefined;
      throw new RegistryHttpError(res.status, err?.error_code, `${method} ${path}: ${res.status} ${err?.message ?? ''}`.trim());
    }
    return json;
  };
  return (method, path, body) => withRetry(() => once(method, path, body), HTTP_RETRY, { retriable: (e) => (e as { retriable?: boolean }).retriable === true });
}

export class RegistryClient {
  private readonly byId = new Map<number, Promise<RegisteredSchema>>();
  private readonly bySubject = new Map<string, Promise<number>>();
  private readonly versions = new Map<string, Promise<RegisteredSchema>>();
  readonly http: RegistryHttp;

  constructor(private readonly config: RegistryConfig, fetchImpl?: typeof fetch) {
    this.http = registryHttp(config, fetchImpl);
  }

  /** The writer's schema for an id read off the wire. */
  schemaById(id: number): Promise<RegisteredSchema> {
    let p = this.byId.get(id);
    if (!p) {
      p = (async () => {
        try {
          const r = (await this.http('GET', `/schemas/ids/${id}`)) as { schema: string; schemaType?: string; references?: RegistryReference[] };
          return { id, schema: r.schema, schemaType: (r.schemaType ?? 'AVRO') as RegisteredSchema['schemaType'], references: r.references ?? [] };
        } catch (e) {
          if (e instanceof RegistryHttpError && e.status === 404) throw new KafkagenRuntimeError('UNKNOWN_SCHEMA_ID', `schema id ${id} is not in the registry`, { cause: e });
          throw e;
        }
      })();
      this.byId.set(id, p);
      p.catch(() => this.byId.delete(id)); // do not cache failures
    }
    return p;
  }

  /** A referenced schema (subject + version), as references name them. */
  schemaByVersion(subject: string, version: number): Promise<RegisteredSchema> {
    const key = `${subject}\u0000${version}`;
    let p = this.versions.get(key);
    if (!p) {
      p = this.http('GET', `/subjects/${encodeURIComponent(subject)}/versions/${version}`).then((r) => {
        const v = r as { id: number; schema: string; schemaType?: string; references?: RegistryReference[] };
        return { id: v.id, schema: v.schema, schemaType: (v.schemaType ?? 'AVRO') as RegisteredSchema['schemaType'], references: v.references ?? [] };
      });
      this.versions.set(key, p);
      p.catch(() => this.versions.delete(key));
    }
    return p;
  }

  /** The id of `schema` under `subject`: looked up, or registered when autoRegister is on. */
  idFor(subject: string, schema: string, schemaType: 'AVRO' | 'JSON', references: Array<{ name: string; subject: string }>): Promise<number> {
    const key = `${subject}\u0000${schema}`;
    let p = this.bySubject.get(key);
    if (!p) {
      p = this.resolveId(subject, schema, schemaType, references);
      this.bySubject.set(key, p);
      p.catch(() => this.bySubject.delete(key));
    }
    return p;
  }

  private async resolveId(subject: string, schema: string, schemaType: 'AVRO' | 'JSON', references: Array<{ name: string; subject: string }>): Promise<number> {
    const refs = await Promise.all(references.map(async (r) => ({ name: r.name, subject: r.subject, version: await this.latestVersion(r.subject) })));
    const body: Record<string, unknown> = { schema, ...(schemaType === 'AVRO' ? {} : { schemaType }), ...(refs.length > 0 ? { references: refs } : {}) };
    try {
      const r = (await this.http('POST', `/subjects/${encodeURIComponent(subject)}`, body)) as { id: number };
      return r.id;
    } catch (e) {
      if (!(e instanceof RegistryHttpError) || e.status !== 404) throw e;
      if (!this.config.autoRegister) {
        throw new KafkagenRuntimeError('SCHEMA_NOT_REGISTERED', `subject ${subject} has no version with this schema. Fix: run \`kafkagen register\` (or set registry.autoRegister)`, { cause: e });
      }
      const r = (await this.http('POST', `/subjects/${encodeURIComponent(subject)}/versions`, body)) as { id: number };
      return r.id;
    }
  }

  private async latestVersion(subject: string): Promise<number> {
    const r = (await this.http('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`)) as { version: number };
    return r.version;
  }
}
