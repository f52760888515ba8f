"""A small CLI over the Python Confluent client (confluent-kafka) for interop tests.

Brokers and registry come from KAFKA_BROKERS and SCHEMA_REGISTRY_URL. Serializers use the
registry with TopicNameStrategy (`<topic>-value`) and auto-registration, exactly as an
application using Confluent's Python client would.

  produce --topic T --format avro|json --schema FILE --value-json JSON [--value-json JSON ...] [--key K]
      Prints one JSON line per record: {"topic", "partition", "offset", "schema_id"}.
  consume --topic T --format avro|json [--schema FILE] --max N --timeout S
      Reads from the beginning with a fresh consumer group; prints one JSON line per record:
      {"topic", "partition", "offset", "key", "schema_id", "value"}. Exits 2 if fewer than N
      records arrived before the timeout.

Run with the venv python from `bash scripts/services venv`.
"""
from __future__ import annotations

import argparse
import base64
import datetime
import decimal
import json
import os
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaError, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"{name} is not set")
    return value


def registry() -> SchemaRegistryClient:
    return SchemaRegistryClient({"url": env("SCHEMA_REGISTRY_URL")})


def read_schema(path: str | None) -> str | None:
    if path is None:
        return None
    with open(path, encoding="utf-8") as f:
        return f.read()


def to_jsonable(value):
    """json.dumps default: Avro/JSON values that JSON has no type for."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def schema_id_of(data: bytes | None) -> int | None:
    # Confluent wire format: magic byte 0, then the schema id as a 4-byte big-endian int.
    if data and len(data) >= 5 and data[0] == 0:
        return int.from_bytes(data[1:5], "big")
    return None


def produce(args: argparse.Namespace) -> int:
    schema_str = read_schema(args.schema)
    if schema_str is None:
        sys.exit("produce needs --schema")
    sr = registry()
    conf = {"auto.register.schemas": True}
    if args.format == "avro":
        serializer = AvroSerializer(sr, schema_str, conf=conf)
    else:
        serializer = JSONSerializer(schema_str, sr, conf=conf)
    producer = Producer({"bootstrap.servers": env("KAFKA_BROKERS"), "acks": "all", "linger.ms": 0})
    results: list[dict] = []
    errors: list[str] = []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(str(err))
        else:
            results.append({
                "topic": msg.topic(),
                "partition": msg.partition(),
                "offset": msg.offset(),
                "schema_id": schema_id_of(msg.value()),
            })

    ctx = SerializationContext(args.topic, MessageField.VALUE)
    for raw in args.value_json:
        value = json.loads(raw)
        payload = serializer(value, ctx)
        producer.produce(
            args.topic,
            key=args.key.encode("utf-8") if args.key is not None else None,
            value=payload,
            on_delivery=on_delivery,
        )
    remaining = producer.flush(args.timeout)
    for r in results:
        print(json.dumps(r))
    if errors or remaining:
        print(f"delivery failed: {errors or f'{remaining} message(s) not delivered'}", file=sys.stderr)
        return 1
    return 0


def consume(args: argparse.Namespace) -> int:
    schema_str = read_schema(args.schema)
    sr = registry()
    if args.format == "avro":
        deserializer = AvroDeserializer(sr, schema_str)
    else:
        if schema_str is None:
            sys.exit("consume --format json needs --schema")
        deserializer = JSONDeserializer(schema_str, schema_registry_client=sr)
    consumer = Consumer({
        "bootstrap.servers": env("KAFKA_BROKERS"),
        "group.id": f"kafkagen-py-{uuid.uuid4().hex}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    consumer.subscribe([args.topic])
    ctx = SerializationContext(args.topic, MessageField.VALUE)
    count = 0
    deadline = time.monotonic() + args.timeout
    try:
        while count < args.max and time.monotonic() < deadline:
            msg = consumer.poll(min(1.0, max(0.05, deadline - time.monotonic())))
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    continue
                print(f"consume error: {msg.error()}", file=sys.stderr)
                return 1
            value = deserializer(msg.value(), ctx)
            key = msg.key()
            print(json.dumps({
                "topic": msg.topic(),
                "partition": msg.partition(),
                "offset": msg.offset(),
                "key": key.decode("utf-8", errors="replace") if key is not None else None,
                "schema_id": schema_id_of(msg.value()),
                "value": value,
            }, default=to_jsonable), flush=True)
            count += 1
    finally:
        consumer.close()
    if count < args.max:
        print(f"timed out after {args.timeout}s with {count}/{args.max} record(s)", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="confluent_client.py", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("produce", help="serialize with the registry and produce")
    p.add_argument("--topic", required=True)
    p.add_argument("--format", choices=["avro", "json"], required=True)
    p.add_argument("--schema", required=True, help="schema file (.avsc or JSON Schema)")
    p.add_argument("--value-json", action="append", required=True, help="the value as JSON (repeatable)")
    p.add_argument("--key", help="record key (UTF-8 string)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for delivery")
    p.set_defaults(run=produce)

    c = sub.add_parser("consume", help="consume from the beginning and deserialize with the registry")
    c.add_argument("--topic", required=True)
    c.add_argument("--format", choices=["avro", "json"], required=True)
    c.add_argument("--schema", help="reader schema file (Avro: optional, JSON: required)")
    c.add_argument("--max", type=int, default=1)
    c.add_argument("--timeout", type=float, default=30.0)
    c.set_defaults(run=consume)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
