/// <reference path="./kafkajs-snappy.d.ts" />
// The kafkajs transport. kafkajs is no longer maintained; it stays behind this file only.
import kafkajs, { type Consumer, type KafkaConfig, type SASLOptions } from 'kafkajs';
import SnappyCodec from 'kafkajs-snappy';
import type { ClientConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { ConsumerSettings, IncomingRecord, ProducerSettings, Transport, TransportAdmin, TransportConsumer, TransportProducer } from './types.js';

// kafkajs is CommonJS; Node's ESM loader cannot see all of its named exports.
const { CompressionCodecs, CompressionTypes, Kafka, logLevel } = kafkajs;

// kafkajs ships gzip only; snappy (what the hand-written layers in the seeds used) comes from a codec package.
CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;

const COMPRESSION = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy } as const;

export function kafkajsTransport(config: ClientConfig, logger: Logger): Transport {
  const kafkaConfig: KafkaConfig = {
    clientId: config.clientId ?? 'kafkagen',
    brokers: config.brokers,
    ssl: config.ssl as KafkaConfig['ssl'],
    sasl: config.sasl as SASLOptions | undefined,
    connectionTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    logLevel: logLevel.WARN,
    logCreator: () => ({ level, log }) => {
      const text = `${log.message}`;
      if (level <= logLevel.ERROR) logger.error(text, { namespace: log.namespace });
      else if (level <= logLevel.WARN) logger.warn(text, { namespace: log.namespace });
      else logger.debug(text, { namespace: log.namespace });
    },
  };
  const kafka = new Kafka(kafkaConfig);

  return {
    async producer(s: ProducerSettings): Promise<TransportProducer> {
      const idempotent = s.idempotent ?? true;
      const producer = kafka.producer({
        idempotent,
        // kafkajs requires one request in flight for idempotence.
        maxInFlightRequests: idempotent ? 1 : s.maxInFlightRequests,
        allowAutoTopicCreation: true,
        retry: { retries: s.retries ?? 5 },
      });
      await producer.connect();
      const acks = idempotent ? -1 : (s.acks ?? -1);
      return {
        async send(topic, records) {
          const result = await producer.send({
            topic,
            acks,
            timeout: s.timeoutMs ?? 30_000,
            compression: COMPRESSION[s.compression ?? 'none'],
            messages: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, partition: r.partition })),
          });
          return result.map((r) => ({ topic: r.topicName, partition: r.partition, offset: r.baseOffset }));
        },
        disconnect: () => producer.disconnect(),
      };
    },

    async consumer(s: ConsumerSettings): Promise<TransportConsumer> {
      const consumer: Consumer = kafka.consumer({
        groupId: s.groupId,
        sessionTimeout: s.sessionTimeoutMs,
        heartbeatInterval: s.heartbeatIntervalMs,
        maxBytes: s.maxBytes,
        maxBytesPerPartition: s.maxBytesPerPartition,
        maxWaitTimeInMs: s.maxWaitTimeMs,
      });
      let assigned: Array<{ topic: string; partitions: number[] }> = [];
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        assigned = Object.entries(e.payload.memberAssignment).map(([topic, partitions]) => ({ topic, partitions: partitions as number[] }));
      });
      await consumer.connect();
      return {
        subscribe: (topics, fromBeginning) => consumer.subscribe({ topics, fromBeginning }),
        run: (handle, concurrency) =>
          consumer.run({
            autoCommit: false, // offsets are committed only after a record is handled or dead-lettered
            partitionsConsumedConcurrently: concurrency,
            eachMessage: async ({ topic, partition, message, heartbeat }) => {
              const record: IncomingRecord = {
                topic,
                partition,
                offset: message.offset,
                timestamp: message.timestamp,
                key: message.key,
                value: message.value,
                headers: Object.fromEntries(Object.entries(message.headers ?? {}).flatMap(([k, v]) => {
                  const last = Array.isArray(v) ? v[v.length - 1] : v;
                  return last === undefined ? [] : [[k, Buffer.isBuffer(last) ? last.toString('utf8') : String(last)]];
                })),
              };
              await handle(record, { heartbeat });
            },
          }),
        commit: (topic, partition, nextOffset) => consumer.commitOffsets([{ topic, partition, offset: nextOffset }]),
        pause: (topic, partitions) => consumer.pause([{ topic, partitions }]),
        resume: (topic, partitions) => consumer.resume([{ topic, partitions }]),
        stop: () => consumer.stop(),
        disconnect: () => consumer.disconnect(),
        assignments: () => assigned,
        onCrash: (listener) => {
          consumer.on(consumer.events.CRASH, (e) => listener(e.payload.error));
        },
      };
    },

    async admin(): Promise<TransportAdmin> {
      const admin = kafka.admin();
      await admin.connect();
      return {
        async createTopics(topics) {
          await admin.createTopics({ topics: topics.map((t) => ({ topic: t.topic, numPartitions: t.partitions ?? -1 })), waitForLeaders: true });
        },
        async endOffsets(topic) {
          return (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.high }));
        },
        async committedOffsets(groupId, topic) {
          const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
          return (t?.partitions ?? []).map((p) => ({ partition: p.partition, offset: p.offset }));
        },
        disconnect: () => admin.disconnect(),
      };
    },
  };
}
