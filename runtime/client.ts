// One client object holds the connections: one shared producer for every topic (a service
// with ten topics opens one producer connection), the registry client, and the admin
// connection. Generated producers and consumers are made from it.
import { readFileSync } from 'node:fs';
import { type ClientConfig, configFromEnv, validateConfig } from './config.js';
import { type ConsumerOptions, type EventContext, type EventHandler, GroupConsumer, iterate } from './consumer.js';
import type { TopicDescriptor } from './descriptor.js';
import type { RuntimeHooks } from './hooks.js';
import { defaultLogger, type Logger } from './logger.js';
import { TopicProducer } from './producer.js';
import { RegistryClient } from './registry.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
import { kafkajsTransport } from './transport/kafkajs.js';
import type { ProducerSettings, Transport, TransportAdmin, TransportProducer } from './transport/types.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface ClientOptions {
  /** Producer settings for the shared producer (idempotent, acks -1, no compression by default). */
  producer?: ProducerSettings;
  /** Retries of a whole send on retriable errors, on top of the client's own (default 3 attempts). */
  sendRetry?: Partial<RetryPolicy>;
  /** Another transport than kafkajs. */
  transport?: Transport;
}

export class KafkaClient {
  readonly config: ClientConfig;
  readonly registry: RegistryClient;
  readonly transport: Transport;
  readonly logger: Logger;
  readonly hooks: RuntimeHooks | undefined;
  readonly producerName: string;
  readonly sendRetry: RetryPolicy;
  private producer: Promise<TransportProducer> | undefined;
  private adminConnection: Promise<TransportAdmin> | undefined;
  private readonly consumers = new Set<GroupConsumer>();

  constructor(config: ClientConfig, private readonly options: ClientOptions = {}) {
    this.config = validateConfig(config);
    this.logger = config.logger ?? defaultLogger;
    this.hooks = config.hooks;
    this.registry = new RegistryClient(config.registry);
    this.transport = options.transport ?? kafkajsTransport(this.config, this.logger);
    this.producerName = config.producerName ?? `${config.clientId ?? 'kafkagen'} (kafkagen ${VERSION})`;
    this.sendRetry = { ...DEFAULT_RETRY, attempts: 3, ...options.sendRetry };
  }

  /** A client from KAFKA_BROKERS, SCHEMA_REGISTRY_URL and friends (see configFromEnv). */
  static fromEnv(overrides: Partial<ClientConfig> = {}, options: ClientOptions = {}): KafkaClient {
    return new KafkaClient(configFromEnv(process.env, overrides), options);
  }

  /** The topic's name on the cluster: with the per-environment prefix, if any. */
  topicName(topic: string): string {
    return `${this.config.topicPrefix ?? ''}${topic}`;
  }

  producerFor<TInput>(descriptor: TopicDescriptor): TopicProducer<TInput> {
    return new TopicProducer<TInput>(this, descriptor);
  }

  /** A consumer group; add topics with `.route(descriptor, handlers)`, then `start()`. */
  group(options: ConsumerOptions & { groupId: string }): GroupConsumer {
    const g = new GroupConsumer(this, options);
    this.consumers.add(g);
    return g;
  }

  consume<E>(descriptor: TopicDescriptor, handlers: EventHandler<E> | Record<string, EventHandler<never>>, options: ConsumerOptions = {}): GroupConsumer {
    return this.group({ ...options, groupId: options.groupId ?? descriptor.consumerGroup }).route(descriptor, handlers, options);
  }

  iterate<E>(descriptor: TopicDescriptor, options: ConsumerOptions = {}): AsyncIterableIterator<{ event: E; ctx: EventContext }> {
    return iterate<E>(this, descriptor, { ...options, groupId: options.groupId ?? descriptor.consumerGroup, partitionsConsumedConcurrently: 1 });
  }

  /** The one producer connection every topic shares (connected on first use). */
  sharedProducer(): Promise<TransportProducer> {
    if (!this.producer) {
      this.producer = this.transport.producer(this.options.producer ?? {});
      this.producer.catch(() => (this.producer = undefined));
    }
    return this.producer;
  }

  admin(): Promise<TransportAdmin> {
    if (!this.adminConnection) {
      this.adminConnection = this.transport.admin();
      this.adminConnection.catch(() => (this.adminConnection = undefined));
    }
    return this.adminConnection;
  }

  /** Creates topics that do not exist yet (with the catalog's partition counts). */
  async ensureTopics(descriptors: TopicDescriptor[]): Promise<void> {
    const admin = await this.admin();
    await admin.createTopics(descriptors.flatMap((d) => [{ topic: this.topicName(d.topic), partitions: d.partitions }, { topic: this.topicName(d.deadLetterTopic), partitions: d.partitions }]));
  }

  /** Stops every consumer made from this client, then closes the producer and admin connections. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.consumers].map((c) => c.stop()));
    const [producer, admin] = [this.producer, this.adminConnection];
    this.producer = undefined;
    this.adminConnection = undefined;
    await Promise.allSettled([producer?.then((p) => p.disconnect()), admin?.then((a) => a.disconnect())]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
