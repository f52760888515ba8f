// Partition assignment for a group whose members subscribe to different topics.
//
// A catalog may give one consumer group to several topics, and each generated consumer is then
// a member with its own subscription. An assigner that deals every partition to every member in
// turn (kafkajs's RoundRobinAssigner) gives members partitions of topics they did not subscribe
// to; the member drops them and they are never read. This is the Java client's round-robin
// rule instead: partitions in (topic, partition) order, each to the next member in a circle of
// the sorted member ids that subscribed to its topic.

export interface GroupMemberTopics {
  memberId: string;
  topics: string[];
}

export type MemberAssignment = Record<string, number[]>;

/** Every partition of every subscribed topic goes to exactly one member that subscribed to it. */
export function assignBySubscription(members: GroupMemberTopics[], partitionsOf: (topic: string) => number[]): Map<string, MemberAssignment> {
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const subscribed = sorted.map((m) => new Set(m.topics));
  const assignment = new Map<string, MemberAssignment>(sorted.map((m) => [m.memberId, {}]));
  const topics = [...new Set(sorted.flatMap((m) => m.topics))].sort();
  let next = 0;
  for (const topic of topics) {
    for (const partition of [...partitionsOf(topic)].sort((a, b) => a - b)) {
      // Some member subscribed to `topic` (it came from a subscription), so this ends.
      while (!subscribed[next % sorted.length]!.has(topic)) next++;
      const memberId = sorted[next % sorted.length]!.memberId;
      (assignment.get(memberId)![topic] ??= []).push(partition);
      next++;
    }
  }
  return assignment;
}
