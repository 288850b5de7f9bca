#!/usr/bin/env python3
"""Consume a topic as a member of a consumer group with kafka-python, following the Kafka client documentation's
consumer example, and print every record.

Usage: group_consumer.py [BOOTSTRAP_SERVERS] [TOPIC] [GROUP]
       (defaults: $KAFKA_BOOTSTRAP_SERVERS or localhost:9092, $KAFKA_TOPIC or my-topic, $KAFKA_GROUP or my-group)

The group's committed offsets decide where reading starts: a new group starts at the earliest record, a group that
already consumed continues after what it committed (kafka-python auto-commits, and commits once more on close).
Stops after $KAFKA_CONSUMER_TIMEOUT_MS milliseconds (default 5000) without new records. Needs kafka-python (Debian: python3-kafka).
"""
import json
import os
import sys

from kafka import KafkaConsumer

bootstrap = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")
topic = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("KAFKA_TOPIC", "my-topic")
group = sys.argv[3] if len(sys.argv) > 3 else os.environ.get("KAFKA_GROUP", "my-group")
idle_timeout_ms = int(os.environ.get("KAFKA_CONSUMER_TIMEOUT_MS", "5000"))

consumer = KafkaConsumer(
    topic,
    bootstrap_servers=[bootstrap],
    group_id=group,
    # Only used when the group has no committed offset for a partition yet.
    auto_offset_reset="earliest",
    value_deserializer=lambda m: json.loads(m.decode("ascii")),
    # Leave the loop once the topic has been quiet this long.
    consumer_timeout_ms=idle_timeout_ms,
)

count = 0
for message in consumer:
    # The value went through value_deserializer (JSON -> Python object); the key has no deserializer, so it stays bytes.
    print(f"{message.topic}:{message.partition}:{message.offset}: key={message.key!r} value={message.value!r}", flush=True)
    count += 1

# close() commits the final positions, so the next run of this group starts after the last record printed here.
consumer.close()
print(f"consumed {count} records", flush=True)
