// The one seam between kafkagen and a Kafka client library. kafkajs (unmaintained) sits
// behind it in ./kafkajs.ts; a maintained client can be added beside it by implementing
// these few methods. Nothing else in the runtime imports a Kafka library.

export interface OutgoingRecord {
  key: Buffer | string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  partition?: number;
}

export interface SentRecord {
  topic: string;
  partition: number;
  offset?: string;
}

export interface IncomingRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export type Compression = 'none' | 'gzip' | 'snappy';

export interface ProducerSettings {
  /** Default true: exactly one copy per send even when the client retries. */
  idempotent?: boolean;
  /** -1 (all in-sync replicas, default), 0 or 1. Idempotence requires -1. */
  acks?: -1 | 0 | 1;
  compression?: Compression;
  /** Ack timeout per request, ms (default 30000). */
  timeoutMs?: number;
  /** Client-level retries of a failed request (default 5). */
  retries?: number;
  maxInFlightRequests?: number;
}

export interface ConsumerSettings {
  groupId: string;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  maxBytes?: number;
  maxBytesPerPartition?: number;
  maxWaitTimeMs?: number;
}

export interface RecordControl {
  /** Keep the group membership alive during a long handler or backoff. */
  heartbeat(): Promise<void>;
}

export interface TransportProducer {
  send(topic: string, records: OutgoingRecord[]): Promise<SentRecord[]>;
  disconnect(): Promise<void>;
}

export interface TransportConsumer {
  subscribe(topics: string[], fromBeginning: boolean): Promise<void>;
  /** Starts delivering records; one at a time per partition, `concurrency` partitions at once. */
  run(handle: (record: IncomingRecord, control: RecordControl) => Promise<void>, concurrency: number): Promise<void>;
  /** Commits `nextOffset` (the offset of the next record to read) for a partition. */
  commit(topic: string, partition: number, nextOffset: string): Promise<void>;
  pause(topic: string, partitions?: number[]): void;
  resume(topic: string, partitions?: number[]): void;
  /** Stops fetching and waits for records in flight to finish. */
  stop(): Promise<void>;
  disconnect(): Promise<void>;
  assignments(): Array<{ topic: string; partitions: number[] }>;
  /** Called when the consumer crashes (after the library's own retries). */
  onCrash(listener: (error: Error) => void): void;
}

export interface TransportAdmin {
  createTopics(topics: Array<{ topic: string; partitions?: number }>): Promise<void>;
  /** High watermark per partition (the offset the next record will get). */
  endOffsets(topic: string): Promise<Array<{ partition: number; offset: string }>>;
  committedOffsets(groupId: string, topic: string): Promise<Array<{ partition: number; offset: string }>>;
  disconnect(): Promise<void>;
}

export interface Transport {
  producer(settings: ProducerSettings): Promise<TransportProducer>;
  consumer(settings: ConsumerSettings): Promise<TransportConsumer>;
  admin(): Promise<TransportAdmin>;
}
