#!/usr/bin/env python3
"""Produce two JSON records to a topic with kafka-python, as in the Kafka client documentation.

Usage: producer.py [BOOTSTRAP_SERVERS] [TOPIC]
       (defaults: $KAFKA_BOOTSTRAP_SERVERS or localhost:9092, $KAFKA_TOPIC or my-topic)

Needs kafka-python; on Debian/Ubuntu: apt-get install python3-kafka (then run with /usr/bin/python3).
"""
import json
import os
import sys

from kafka import KafkaProducer

bootstrap = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")
topic = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("KAFKA_TOPIC", "my-topic")

producer = KafkaProducer(
    bootstrap_servers=bootstrap,
    # Values are Python objects sent as JSON text.
    value_serializer=lambda v: json.dumps(v).encode("utf-8"),
    # Keys are strings; kafka-python calls the serializer for key=None too, so let None through unchanged.
    key_serializer=lambda k: k.encode("utf-8") if k is not None else None,
    acks="all",
)

# An unkeyed record: the partitioner picks any partition.
first = producer.send(topic, {"foo": "bar"})
# A keyed record: every record with key "greeting" goes to the same partition.
second = producer.send(topic, key="greeting", value={"hello": "world"})

for future in (first, second):
    metadata = future.get(timeout=30)  # raises if the broker rejected the record
    print(f"sent to {metadata.topic} partition {metadata.partition} offset {metadata.offset}", flush=True)

producer.flush()
producer.close()
