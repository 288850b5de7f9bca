using System.Buffers.Binary;
using System.Text;
using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;

namespace Brook.IntegrationTests;

/// <summary>Produce/consume round trips through Confluent.Kafka (librdkafka 2.16) against one shared broker.</summary>
[Trait("Category", "Broker")]
public sealed class ProduceConsumeTests : IClassFixture<DefaultBrokerFixture>, IDisposable
{
    private readonly DefaultBrokerFixture _fixture;
    private readonly BrokerLogReporter _log;

    public ProduceConsumeTests(DefaultBrokerFixture fixture, ITestOutputHelper output)
    {
        Librdkafka.EnsureLoaded();
        _fixture = fixture;
        _log = new BrokerLogReporter(fixture.Broker, output);
    }

    private string Bootstrap => _fixture.BootstrapServers;

    public void Dispose() => _log.Dispose();

    [Fact]
    public async Task HundredThousandKeyedRecordsRoundTripByteExact()
    {
        const int count = 100_000;
        const int partitions = 4;
        var topic = KafkaTestClient.UniqueTopic("roundtrip");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, partitions);

        var baseTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 3_600_000;
        var expected = new Message<byte[]?, byte[]?>[count];
        for (var i = 0; i < count; i++) expected[i] = BuildRecord(i, baseTimestamp);

        var delivered = new (int Partition, long Offset)[count];
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var config = KafkaTestClient.ProducerConfig(Bootstrap, Acks.All);
        config.EnableIdempotence = true;
        config.LingerMs = 10;
        using (var producer = KafkaTestClient.CreateProducer(config))
        {
            for (var i = 0; i < count; i++)
            {
                var seq = i;
                ProduceWithBackpressure(producer, topic, expected[i], report =>
                {
                    if (report.Error.IsError) errors.Enqueue($"#{seq}: {report.Error}");
                    else delivered[seq] = (report.Partition.Value, report.Offset.Value);
                });
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(120)));
        }
        Assert.True(errors.IsEmpty, "delivery errors: " + string.Join("; ", errors.Take(10)));

        var consumed = KafkaTestClient.ConsumeExactly(Bootstrap, KafkaTestClient.Partitions(topic, partitions), count,
            timeout: TimeSpan.FromSeconds(120));
        Assert.Equal(count, consumed.Count);

        var seen = new bool[count];
        var lastOffset = new long[partitions];
        var lastSeq = new int[partitions];
        Array.Fill(lastOffset, -1);
        Array.Fill(lastSeq, -1);
        foreach (var r in consumed)
        {
            var seq = BinaryPrimitives.ReadInt32BigEndian(r.Message.Headers.GetLastBytes("seq"));
            Assert.False(seen[seq], $"record #{seq} consumed twice");
            seen[seq] = true;

            var p = r.Partition.Value;
            // Offsets in a partition are dense and start at 0; idempotent production keeps send order per partition.
            Assert.Equal(lastOffset[p] + 1, r.Offset.Value);
            Assert.True(seq > lastSeq[p], $"partition {p}: record #{seq} after #{lastSeq[p]}");
            lastOffset[p] = r.Offset.Value;
            lastSeq[p] = seq;

            Assert.Equal(delivered[seq], (p, r.Offset.Value));
            AssertSameRecord(expected[seq], r.Message, seq);
        }
        Assert.All(seen, Assert.True);
    }

    [Fact]
    public async Task SameKeyAlwaysLandsInSamePartition()
    {
        const int partitions = 6;
        var topic = KafkaTestClient.UniqueTopic("keys");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, partitions);

        var partitionOfKey = new Dictionary<string, HashSet<int>>();
        using (var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(Bootstrap, Acks.All)))
        {
            var tasks = Enumerable.Range(0, 600).Select(i => producer.ProduceAsync(topic, new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes($"user-{i % 40}"),
                Value = Encoding.UTF8.GetBytes($"event-{i}"),
            })).ToArray();
            foreach (var dr in await Task.WhenAll(tasks))
            {
                var key = Encoding.UTF8.GetString(dr.Message.Key!);
                if (!partitionOfKey.TryGetValue(key, out var set)) partitionOfKey[key] = set = [];
                set.Add(dr.Partition.Value);
            }
        }
        Assert.All(partitionOfKey, kv => Assert.Single(kv.Value));
        Assert.True(partitionOfKey.Values.Select(s => s.Single()).Distinct().Count() > 1, "40 keys should spread over several partitions");

        // The broker must serve each key from exactly the partition it was written to.
        var consumed = KafkaTestClient.ConsumeExactly(Bootstrap, KafkaTestClient.Partitions(topic, partitions), 600);
        foreach (var r in consumed)
        {
            Assert.Equal(partitionOfKey[Encoding.UTF8.GetString(r.Message.Key!)].Single(), r.Partition.Value);
        }
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public async Task CompressedBatchesRoundTrip(CompressionType codec)
    {
        const int count = 5_000;
        var topic = KafkaTestClient.UniqueTopic("codec-" + codec.ToString().ToLowerInvariant());
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);

        var config = KafkaTestClient.ProducerConfig(Bootstrap, Acks.All);
        config.CompressionType = codec;
        config.LingerMs = 20; // many records per batch, so the codec actually has something to squeeze
        var values = Enumerable.Range(0, count)
            .Select(i => Encoding.UTF8.GetBytes($"{{\"id\":{i},\"text\":\"{new string((char)('a' + i % 26), 50 + i % 200)}\"}}"))
            .ToArray();
        using (var producer = KafkaTestClient.CreateProducer(config))
        {
            for (var i = 0; i < count; i++)
            {
                ProduceWithBackpressure(producer, topic, new Message<byte[]?, byte[]?>
                {
                    Key = Encoding.UTF8.GetBytes($"k{i % 17}"),
                    Value = values[i],
                    Headers = [new Header("codec", Encoding.UTF8.GetBytes(codec.ToString()))],
                }, null);
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        }

        var consumed = KafkaTestClient.ConsumeExactly(Bootstrap, KafkaTestClient.Partitions(topic, 1), count);
        Assert.Equal(count, consumed.Count);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(i, consumed[i].Offset.Value);
            Assert.Equal(values[i], consumed[i].Message.Value);
            Assert.Equal(Encoding.UTF8.GetBytes($"k{i % 17}"), consumed[i].Message.Key);
            Assert.Equal(codec.ToString(), Encoding.UTF8.GetString(consumed[i].Message.Headers.GetLastBytes("codec")));
        }
    }

    [Fact]
    public async Task OffsetsForTimesFindsFirstRecordAtOrAfterTimestamp()
    {
        const int count = 100;
        var topic = KafkaTestClient.UniqueTopic("times");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);

        // One record per second of (fake) create time, produced in a handful of multi-record batches so the broker
        // has to look inside batches, not just at batch max timestamps.
        var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 86_400_000;
        var config = KafkaTestClient.ProducerConfig(Bootstrap, Acks.All);
        config.LingerMs = 50;
        using (var producer = KafkaTestClient.CreateProducer(config))
        {
            for (var i = 0; i < count; i++)
            {
                producer.Produce(topic, new Message<byte[]?, byte[]?>
                {
                    Value = Encoding.UTF8.GetBytes($"t{i}"),
                    Timestamp = new Timestamp(t0 + i * 1000L, TimestampType.CreateTime),
                });
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        var tp = new TopicPartition(topic, 0);
        using var consumer = KafkaTestClient.CreateConsumer(KafkaTestClient.ConsumerConfig(Bootstrap));
        long Lookup(long timestamp) => consumer
            .OffsetsForTimes([new TopicPartitionTimestamp(tp, new Timestamp(timestamp, TimestampType.CreateTime))], TimeSpan.FromSeconds(10))
            .Single().Offset.Value;

        Assert.Equal(0, Lookup(t0 - 5_000));     // before everything: first offset
        Assert.Equal(0, Lookup(t0));             // exact match on the first record
        Assert.Equal(50, Lookup(t0 + 50_000));   // exact match in the middle
        Assert.Equal(51, Lookup(t0 + 50_001));   // between records: the next one
        Assert.Equal(99, Lookup(t0 + 99_000));   // the last record
        Assert.Equal(-1, Lookup(t0 + 99_001));   // after everything: Kafka answers offset -1 (no such record)

        var watermarks = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10));
        Assert.Equal(0, watermarks.Low.Value);
        Assert.Equal(count, watermarks.High.Value);
        consumer.Close();
    }

    [Theory]
    [InlineData(Acks.None)]
    [InlineData(Acks.Leader)]
    public async Task ProduceWithWeakerAcksStoresRecords(Acks acks)
    {
        const int count = 200;
        var topic = KafkaTestClient.UniqueTopic("acks" + (int)acks);
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);

        var errors = 0;
        using (var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(Bootstrap, acks)))
        {
            for (var i = 0; i < count; i++)
            {
                producer.Produce(topic, new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes($"v{i}") },
                    r => { if (r.Error.IsError) Interlocked.Increment(ref errors); });
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }
        Assert.Equal(0, errors);

        // acks=0 has no response to wait for; ConsumeExactly's polling covers the broker's append lag.
        var consumed = KafkaTestClient.ConsumeExactly(Bootstrap, KafkaTestClient.Partitions(topic, 1), count);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"v{i}"), consumed.Select(r => Encoding.UTF8.GetString(r.Message.Value!)));
    }

    private static Message<byte[]?, byte[]?> BuildRecord(int i, long baseTimestamp)
    {
        // Deterministic but irregular content: sizes 0..~500 bytes, some null values (tombstones), some empty values,
        // null vs empty header values and repeated header keys, all of which must survive byte-exact.
        var rng = new Random(i);
        byte[]? value = (i % 997) switch
        {
            0 => null,
            1 => [],
            _ => RandomBytes(rng, rng.Next(1, 500)),
        };
        var seq = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(seq, i);
        var headers = new Headers { { "seq", seq } };
        headers.Add("tag", (i % 3) switch { 0 => null, 1 => [], _ => Encoding.UTF8.GetBytes("abc") });
        if (i % 10 == 0)
        {
            headers.Add("dup", [1]);
            headers.Add("dup", [2]);
        }
        return new Message<byte[]?, byte[]?>
        {
            Key = Encoding.UTF8.GetBytes($"key-{i % 5000}"),
            Value = value,
            Headers = headers,
            Timestamp = new Timestamp(baseTimestamp + i, TimestampType.CreateTime),
        };
    }

    private static byte[] RandomBytes(Random rng, int length)
    {
        var b = new byte[length];
        rng.NextBytes(b);
        return b;
    }

    private static void AssertSameRecord(Message<byte[]?, byte[]?> expected, Message<byte[]?, byte[]?> actual, int seq)
    {
        Assert.True(expected.Key.AsSpan().SequenceEqual(actual.Key), $"#{seq}: key differs");
        Assert.True((expected.Value is null) == (actual.Value is null), $"#{seq}: null value mismatch");
        Assert.True(expected.Value.AsSpan().SequenceEqual(actual.Value), $"#{seq}: value differs");
        Assert.Equal(TimestampType.CreateTime, actual.Timestamp.Type);
        Assert.Equal(expected.Timestamp.UnixTimestampMs, actual.Timestamp.UnixTimestampMs);
        Assert.Equal(expected.Headers.Count, actual.Headers.Count);
        for (var h = 0; h < expected.Headers.Count; h++)
        {
            Assert.Equal(expected.Headers[h].Key, actual.Headers[h].Key);
            var e = expected.Headers[h].GetValueBytes();
            var a = actual.Headers[h].GetValueBytes();
            Assert.True((e is null) == (a is null), $"#{seq}: header {h} null mismatch");
            Assert.True(e.AsSpan().SequenceEqual(a), $"#{seq}: header {h} value differs");
        }
    }

    /// <summary>
    /// Produce that waits (serving delivery reports) while librdkafka's local queue is full. Returns false, without
    /// producing, if <paramref name="cancel"/> fires while waiting (e.g. the broker is down and the queue never drains).
    /// </summary>
    internal static bool ProduceWithBackpressure(IProducer<byte[]?, byte[]?> producer, string topic, Message<byte[]?, byte[]?> message,
        Action<DeliveryReport<byte[]?, byte[]?>>? handler, CancellationToken cancel = default)
    {
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                producer.Produce(topic, message, handler);
                return true;
            }
            catch (ProduceException<byte[]?, byte[]?> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(50));
            }
        }
        return false;
    }
}
