#!/usr/bin/env python3
"""Read a topic from the beginning with kafka-python, without a consumer group, and print every record.

Usage: consumer.py [BOOTSTRAP_SERVERS] [TOPIC]
       (defaults: $KAFKA_BOOTSTRAP_SERVERS or localhost:9092, $KAFKA_TOPIC or my-topic)

Stops after 5 seconds without new records. Needs kafka-python (Debian: python3-kafka).
"""
import json
import os
import sys

from kafka import KafkaConsumer

bootstrap = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")
topic = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("KAFKA_TOPIC", "my-topic")

consumer = KafkaConsumer(
    topic,
    bootstrap_servers=bootstrap,
    # No group: kafka-python assigns itself every partition and never commits offsets.
    group_id=None,
    enable_auto_commit=False,
    auto_offset_reset="earliest",
    # Leave the loop once the topic has been quiet this long.
    consumer_timeout_ms=5000,
    key_deserializer=lambda k: k.decode("utf-8") if k is not None else None,
    value_deserializer=lambda v: json.loads(v.decode("utf-8")),
)

count = 0
for message in consumer:
    print(f"{message.topic}:{message.partition}:{message.offset} key={message.key!r} value={message.value!r}", flush=True)
    count += 1

consumer.close()
print(f"consumed {count} records", flush=True)
