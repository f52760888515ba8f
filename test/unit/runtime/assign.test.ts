// Partition assignment when members of one group subscribe to different topics.
import { describe, expect, it } from 'vitest';
import { assignBySubscription } from '../../../runtime/transport/assign.js';

const partitions = (counts: Record<string, number>) => (topic: string) => Array.from({ length: counts[topic] ?? 0 }, (_, i) => i);

/** Every (topic, partition) with the member it went to. */
function owners(assignment: Map<string, Record<string, number[]>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [member, topics] of assignment) {
    for (const [topic, ps] of Object.entries(topics)) {
      for (const p of ps) {
        expect(out.has(`${topic}:${p}`), `${topic}:${p} assigned twice`).toBe(false);
        out.set(`${topic}:${p}`, member);
      }
    }
  }
  return out;
}

describe('assignBySubscription', () => {
  it('gives each topic only to members that subscribed to it, every partition exactly once', () => {
    const members = [
      { memberId: 'm-b', topics: ['orders'] },
      { memberId: 'm-a', topics: ['payments'] },
      { memberId: 'm-c', topics: ['orders', 'payments', 'refunds'] },
    ];
    const got = owners(assignBySubscription(members, partitions({ orders: 3, payments: 4, refunds: 2 })));
    expect(got.size).toBe(9);
    for (const [tp, member] of got) expect(members.find((m) => m.memberId === member)!.topics).toContain(tp.split(':')[0]);
    expect([...got].filter(([tp]) => tp.startsWith('refunds:')).map(([, m]) => m)).toEqual(['m-c', 'm-c']);
  });

  it('spreads a topic subscribed by all members evenly, whatever order the members come in', () => {
    const members = ['m3', 'm1', 'm2'].map((memberId) => ({ memberId, topics: ['t'] }));
    const a = assignBySubscription(members, partitions({ t: 6 }));
    const b = assignBySubscription([...members].reverse(), partitions({ t: 6 }));
    expect(Object.fromEntries(a)).toEqual(Object.fromEntries(b));
    expect([...a.values()].map((x) => x.t!.length)).toEqual([2, 2, 2]);
  });

  it('keeps members that get nothing in the result (each needs an answer), and ignores topics without partitions', () => {
    const got = assignBySubscription([{ memberId: 'x', topics: ['t'] }, { memberId: 'y', topics: ['t', 'gone'] }], partitions({ t: 1 }));
    expect(Object.fromEntries(got)).toEqual({ x: { t: [0] }, y: {} });
  });
});
