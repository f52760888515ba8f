"""Exit 0 when a Kafka broker answers a metadata request, 1 otherwise.

Used by scripts/services: `python kafka_ready.py BOOTSTRAP TIMEOUT_SECONDS`.
"""
import sys

from confluent_kafka.admin import AdminClient


def main() -> int:
    bootstrap = sys.argv[1]
    timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
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
    print(",".join(f"{b.host}:{b.port}" for b in md.brokers.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
