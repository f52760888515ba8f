// One client holds the connections: one producer shared by every topic (ten topics, one
// producer connection), the registry client and its caches, an admin connection.
import { readFileSync } from 'node:fs';
import { type ClientConfig, configFromEnv, DEFAULTS, defined, type ProducerConfig, validateConfig } from './config.js';
import { type ConsumerHealth, type ConsumerOptions, type EventHandler, GroupConsumer } from './consumer.js';
import type { TopicDescriptor } from './descriptor.js';
import type { RuntimeHooks } from './hooks.js';
import { type IteratedEvent, iterate } from './iterator.js';
import { defaultLogger, type Logger } from './logger.js';
import { KafkagenRuntimeError, messageOf } from './errors.js';
import { TopicProducer } from './producer.js';
import { RegistryClient } from './registry.js';
import { DEFAULT_SEND_RETRY, type RetryPolicy } from './retry.js';
import { SendQueue } from './send-queue.js';
import { kafkajsTransport } from './transport/kafkajs.js';
import type { Transport, TransportAdmin } from './transport/types.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface ClientOptions {
  /** Merged over `config.producer` and its `sendRetry`. */
  producer?: ProducerConfig;
  sendRetry?: Partial<RetryPolicy>;
  transport?: Transport;
}

/** A dependency's answer to a health check. */
export interface DependencyHealth {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export interface ClientHealth {
  /** Broker and registry answered, and no consumer has crashed. */
  ok: boolean;
  broker: DependencyHealth;
  registry: DependencyHealth;
  consumers: ConsumerHealth[];
}

export class KafkaClient {
  readonly config: ClientConfig;
  readonly registry: RegistryClient;
  readonly transport: Transport;
  readonly logger: Logger;
  readonly hooks: RuntimeHooks | undefined;
  readonly producerName: string;
  private producer: Promise<SendQueue> | undefined;
  private adminConnection: Promise<TransportAdmin> | undefined;
  private readonly consumers = new Set<GroupConsumer>();
  private closed = false;

  constructor(config: ClientConfig, options: ClientOptions = {}) {
    this.config = validateConfig({ ...config, producer: { ...config?.producer, ...options.producer, sendRetry: { ...config?.producer?.sendRetry, ...options.producer?.sendRetry, ...options.sendRetry } } });
    this.logger = config.logger ?? defaultLogger;
    this.hooks = config.hooks;
    this.registry = new RegistryClient(config.registry);
    this.transport = options.transport ?? kafkajsTransport(this.config, this.logger);
    this.producerName = config.producerName ?? `${config.clientId ?? DEFAULTS.clientId} (kafkagen ${VERSION})`;
  }

  static fromEnv(overrides: Partial<ClientConfig> = {}, options: ClientOptions = {}): KafkaClient {
    return new KafkaClient(configFromEnv(process.env, overrides), options);
  }

  topicName(topic: string): string {
    return `${this.config.topicPrefix ?? ''}${topic}`;
  }

  producerFor<TInput>(descriptor: TopicDescriptor): TopicProducer<TInput> {
    return new TopicProducer<TInput>(this, descriptor);
  }

  /** Add topics with `.route(descriptor, handlers)`, then `start()`. */
  group(options: ConsumerOptions & { groupId: string }): GroupConsumer {
    if (this.closed) throw this.closedError();
    const g = new GroupConsumer(this, options);
    this.consumers.add(g);
    return g;
  }

  consume<E>(descriptor: TopicDescriptor, handlers: EventHandler<E> | Record<string, EventHandler<never>>, options: ConsumerOptions = {}): GroupConsumer {
    return this.group({ ...options, groupId: options.groupId ?? descriptor.consumerGroup }).route(descriptor, handlers, options);
  }

  iterate<E>(descriptor: TopicDescriptor, options: ConsumerOptions = {}): AsyncGenerator<IteratedEvent<E>, void> & { consumer: GroupConsumer } {
    const it = iterate<E>(this, descriptor, { ...options, groupId: options.groupId ?? descriptor.consumerGroup, partitionsConsumedConcurrently: 1 });
    this.consumers.add(it.consumer);
    return it;
  }

  sharedProducer(): Promise<SendQueue> {
    if (this.closed) return Promise.reject(this.closedError());
    if (!this.producer) {
      const p = { ...DEFAULTS.producer, ...defined(this.config.producer ?? {}) };
      const retry = { ...DEFAULT_SEND_RETRY, ...p.sendRetry };
      const onRetry = (e: unknown, attempt: number, delayMs: number) => this.logger.warn(`send failed (attempt ${attempt}); retrying in ${delayMs} ms`, { error: (e as Error)?.message });
      this.producer = this.transport.producer({ ...p, acks: p.idempotent ? -1 : p.acks }).then((t) => new SendQueue(t, { ...p, retry, onRetry }));
      this.producer.catch(() => (this.producer = undefined)); // the next send connects again
    }
    return this.producer;
  }

  admin(): Promise<TransportAdmin> {
    if (this.closed) return Promise.reject(this.closedError());
    if (!this.adminConnection) {
      this.adminConnection = this.transport.admin();
      this.adminConnection.catch(() => (this.adminConnection = undefined));
    }
    return this.adminConnection;
  }

  /**
   * For a readiness or liveness endpoint: the broker (a metadata request), the registry (one
   * request) and every consumer of this client, each check bounded by `timeoutMs`.
   */
  async health(timeoutMs = 5_000): Promise<ClientHealth> {
    const [broker, registry, consumers] = await Promise.all([
      probe(async () => void (await (await this.admin()).listTopics()), timeoutMs),
      probe(() => this.registry.ping(), timeoutMs),
      Promise.all([...this.consumers].map((c) => c.health())),
    ]);
    return { ok: broker.ok && registry.ok && consumers.every((c) => c.state !== 'crashed'), broker, registry, consumers };
  }

  /** Creates missing topics and their dead-letter topics. */
  async ensureTopics(descriptors: TopicDescriptor[]): Promise<void> {
    const topics = new Map(descriptors.flatMap((d) => [d.topic, d.deadLetterTopic].map((t) => [this.topicName(t), d] as const)));
    await (await this.admin()).createTopics([...topics].map(([topic, d]) => ({ topic, partitions: d.partitions, replicationFactor: d.replicationFactor, config: d.config })));
  }

  /** A closed client stays closed: reconnecting silently would hide a use-after-close bug. */
  private closedError(): KafkagenRuntimeError {
    return new KafkagenRuntimeError('CLIENT_CLOSED', 'this KafkaClient is closed. Fix: make a new KafkaClient, or close it only when the service stops');
  }

  async close(): Promise<void> {
    this.closed = true;
    const stopped = await Promise.allSettled([...this.consumers].map((c) => c.stop()));
    const [producer, admin] = [this.producer, this.adminConnection];
    this.producer = this.adminConnection = undefined;
    await Promise.allSettled([producer?.then((p) => p.close()), admin?.then((a) => a.disconnect())]);
    for (const s of stopped) if (s.status === 'rejected') throw s.reason;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

async function probe(check: () => Promise<void>, timeoutMs: number): Promise<DependencyHealth> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([check(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)))]);
    return { ok: true, latencyMs: Math.round(performance.now() - start) };
  } catch (e) {
    return { ok: false, latencyMs: Math.round(performance.now() - start), error: messageOf(e) };
  } finally {
    clearTimeout(timer);
  }
}
