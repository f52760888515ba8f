// The one seam to a Kafka client library: kafkajs (unmaintained) in ./kafkajs.ts; a
// maintained one (@confluentinc/kafka-javascript, @platformatic/kafka) goes beside it. Retries,
// dead letters, commits, back-pressure and shutdown live above it, once for every client.

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
  /** UTF-8; a repeated header keeps its last value. */
  headers: Record<string, string>;
}

export interface BatchControl {
  /** Throttled by the client; throws while the group rebalances. */
  heartbeat(): Promise<void>;
  resolveOffset(offset: string): void;
  /** Commits the next offset to read, for the batch's partition; works while stopping. */
  commit(nextOffset: string): Promise<void>;
  /** False once stop() was called: finish the record in hand and return. */
  isRunning(): boolean;
  /** The rest of the batch is no longer ours (seek, rebalance). */
  isStale(): boolean;
}

export interface ProducerSettings {
  idempotent: boolean;
  acks: -1 | 0 | 1;
  compression: 'none' | 'gzip' | 'snappy';
  timeoutMs: number;
  retries: number;
  maxInFlightRequests?: number;
  allowAutoTopicCreation: boolean;
}

export interface ConsumerSettings {
  groupId: string;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  maxBytes?: number;
  maxBytesPerPartition?: number;
  maxWaitTimeMs?: number;
}

export interface TransportProducer {
  /** One request for several topics; per topic, a SentRecord per record, in order. */
  send(batches: Array<{ topic: string; records: OutgoingRecord[] }>): Promise<SentRecord[][]>;
  disconnect(): Promise<void>;
}

export interface TransportConsumer {
  subscribe(topics: string[], fromBeginning: boolean): Promise<void>;
  /** Batches in offset order, one at a time per partition, `concurrency` partitions at once; never commits by itself. */
  run(handle: (batch: { topic: string; partition: number; records: IncomingRecord[]; highWatermark: string }, control: BatchControl) => Promise<void>, concurrency: number): Promise<void>;
  pause(topic: string, partitions?: number[]): void;
  resume(topic: string, partitions?: number[]): void;
  isPaused(topic: string, partition: number): boolean;
  /** Stops fetching and waits for the batches in flight. */
  stop(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
  assignments(): Array<{ topic: string; partitions: number[] }>;
  onCrash(listener: (error: Error, restarting: boolean) => void): void;
}

export interface TransportAdmin {
  createTopics(topics: Array<{ topic: string; partitions?: number; replicationFactor?: number; config?: Record<string, string> }>): Promise<void>;
  /** The cluster's topics (one metadata request; never creates any). */
  listTopics(): Promise<string[]>;
  /** Partition counts of existing topics, from metadata (no partition leader needed). */
  partitionCounts(topics: string[]): Promise<Map<string, number>>;
  endOffsets(topic: string): Promise<Array<{ partition: number; offset: string }>>;
  committedOffsets(groupId: string, topic: string): Promise<Array<{ partition: number; offset: string }>>;
  disconnect(): Promise<void>;
}

export interface Transport {
  /** Fails with BROKER_UNREACHABLE or BROKER_AUTH_FAILED, naming the setting to check. */
  producer(settings: ProducerSettings): Promise<TransportProducer>;
  consumer(settings: ConsumerSettings): Promise<TransportConsumer>;
  admin(): Promise<TransportAdmin>;
}
