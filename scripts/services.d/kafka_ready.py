"""Exit 0 when a Kafka broker answers a metadata request, 1 otherwise.

Used by scripts/services:
  python kafka_ready.py BOOTSTRAP TIMEOUT_SECONDS
  python kafka_ready.py BOOTSTRAP TIMEOUT_SECONDS --coordinator
With --coordinator it also waits until a group coordinator answers: the first FindCoordinator
request makes the broker create __consumer_offsets, so the first consumer group of a test
run does not meet "The group coordinator is not available".
"""
import sys
import time

from confluent_kafka.admin import AdminClient


def main() -> int:
    bootstrap = sys.argv[1]
    timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    coordinator = "--coordinator" in sys.argv[3:]
    admin = AdminClient({
        "bootstrap.servers": bootstrap,
        "socket.timeout.ms": int(timeout * 1000),
        "socket.connection.setup.timeout.ms": int(timeout * 1000),
        # Connection-refused noise while the broker boots is expected: keep stderr quiet.
        "log_level": 0,
    })
    try:
        md = admin.list_topics(timeout=timeout)
    except Exception as exc:  # KafkaException on timeout
        print(f"not ready: {exc}", file=sys.stderr)
        return 1
    if not md.brokers:
        print("not ready: metadata without brokers", file=sys.stderr)
        return 1
    if coordinator:
        deadline = time.monotonic() + timeout
        while True:
            try:
                admin.describe_consumer_groups(["kafkagen-services-warmup"])["kafkagen-services-warmup"].result(
                    timeout=max(1.0, deadline - time.monotonic()))
                break
            except Exception as exc:  # COORDINATOR_NOT_AVAILABLE while __consumer_offsets is created
                if time.monotonic() >= deadline:
                    print(f"group coordinator not ready: {exc}", file=sys.stderr)
                    return 1
                time.sleep(0.5)
    print(",".join(f"{b.host}:{b.port}" for b in md.brokers.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
