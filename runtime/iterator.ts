// Pull-style consumption for batch and ETL jobs: `for await (const { event, ctx } of it)`.
// A record counts as handled when the loop asks for the next one, so a crash in the loop
// body leaves it uncommitted (read again); breaking out stops the consumer, committing what
// the loop finished. One record is in hand at a time: the loop's pace is the back-pressure.
import type { KafkaClient } from './client.js';
import { ABANDONED, type ConsumerOptions, type EventContext, GroupConsumer } from './consumer.js';
import type { TopicDescriptor } from './descriptor.js';

export interface IteratedEvent<E> {
  event: E;
  ctx: EventContext;
}

type Held<E> = { item: IteratedEvent<E>; resolve: () => void; reject: (e: Error) => void };

export function iterate<E>(client: KafkaClient, descriptor: TopicDescriptor, options: ConsumerOptions & { groupId: string }): AsyncGenerator<IteratedEvent<E>, void> & { consumer: GroupConsumer } {
  const consumer = new GroupConsumer(client, options);
  const queue: Array<Held<E>> = [];
  let wake: (() => void) | undefined;
  let failed: unknown;
  consumer.route<E>(descriptor, (event, ctx) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ item: { event, ctx }, resolve, reject });
      wake?.();
    }),
  );
  async function* records(): AsyncGenerator<IteratedEvent<E>, void> {
    let held: Held<E> | undefined;
    try {
      // A consumer that cannot start (brokers unreachable) fails the loop with its error.
      consumer.start().catch((e: unknown) => ((failed = e), wake?.()));
      for (;;) {
        while (!queue.length) {
          if (failed) throw failed;
          await new Promise<void>((r) => (wake = r));
        }
        held = queue.shift()!;
        yield held.item;
        held.resolve(); // the loop asked for the next one: this one was handled
        held = undefined;
      }
    } finally {
      for (const h of [held, ...queue.splice(0)]) h?.reject(Object.assign(new Error('the loop ended before this record was handled'), { name: ABANDONED }));
      await consumer.stop().catch(() => {});
    }
  }
  return Object.assign(records(), { consumer });
}
