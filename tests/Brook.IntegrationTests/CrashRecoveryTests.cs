using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;

namespace Brook.IntegrationTests;

/// <summary>
/// Durability across SIGKILL and recovery from a torn segment tail. Each test owns its broker because it kills,
/// restarts and edits the data directory.
/// </summary>
[Trait("Category", "Broker")]
public sealed class CrashRecoveryTests
{
    private const int PayloadSize = 200;

    private readonly ITestOutputHelper _output;

    public CrashRecoveryTests(ITestOutputHelper output)
    {
        Librdkafka.EnsureLoaded();
        _output = output;
    }

    [Fact]
    public async Task AcknowledgedRecordsSurviveSigkill()
    {
        const int partitions = 2;
        await using var broker = await BrokerProcess.StartAsync("sigkill");
        try
        {
            var topic = KafkaTestClient.UniqueTopic("crash");
            await KafkaTestClient.CreateTopicAsync(broker.BootstrapServers, topic, partitions);

            // acks=all, but not idempotent: after a crash the retried in-flight batches may legitimately duplicate,
            // and this test is about durability of acknowledged writes, not about producer-state recovery.
            var config = KafkaTestClient.ProducerConfig(broker.BootstrapServers, Acks.All);
            config.EnableIdempotence = false;
            config.LingerMs = 2;
            config.MessageTimeoutMs = 20_000;
            config.ReconnectBackoffMs = 50;
            config.ReconnectBackoffMaxMs = 500;

            var acked = new ConcurrentDictionary<long, (int Partition, long Offset)>();
            var failed = 0;
            using var producer = KafkaTestClient.CreateProducer(config);
            using var stop = new CancellationTokenSource();
            long produced = 0;
            var producing = Task.Run(() =>
            {
                for (long seq = 0; !stop.IsCancellationRequested; seq++)
                {
                    var s = seq;
                    var sent = ProduceConsumeTests.ProduceWithBackpressure(producer, topic,
                        new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes($"k{seq % 64}"), Value = Payload(seq) },
                        r =>
                        {
                            if (r.Error.IsError) Interlocked.Increment(ref failed);
                            else acked[s] = (r.Partition.Value, r.Offset.Value);
                        },
                        stop.Token);
                    if (!sent) break;
                    produced = seq + 1;
                    if (seq % 1000 == 0) producer.Poll(TimeSpan.Zero);
                }
            });

            // Let a healthy stream build up, then pull the plug while records are still in flight.
            var sw = Stopwatch.StartNew();
            while (acked.Count < 20_000 && sw.Elapsed < TimeSpan.FromSeconds(60) && !producing.IsCompleted)
            {
                await Task.Delay(20);
            }
            Assert.True(acked.Count >= 20_000, $"only {acked.Count} acknowledgements before the crash point");
            broker.Kill();
            var ackedAtKill = acked.Count;
            await Task.Delay(200);
            await stop.CancelAsync();
            await producing;

            await broker.RestartAsync();
            producer.Flush(TimeSpan.FromSeconds(45)); // remaining in-flight records are delivered or time out
            _output.WriteLine($"produced {produced}, acked at kill {ackedAtKill}, acked total {acked.Count}, failed {failed}");

            var records = KafkaTestClient.ConsumeToHighWatermark(broker.BootstrapServers, topic, partitions, TimeSpan.FromSeconds(120));
            var seqAt = new Dictionary<(int, long), long>(records.Count);
            foreach (var group in records.GroupBy(r => r.Partition.Value))
            {
                var offsets = group.Select(r => r.Offset.Value).ToList();
                Assert.Equal(Enumerable.Range(0, offsets.Count).Select(i => (long)i), offsets); // dense, from 0, no gaps
            }
            foreach (var r in records)
            {
                var seq = CheckPayload(r.Message.Value);
                seqAt[(r.Partition.Value, r.Offset.Value)] = seq;
            }

            var missing = acked.Where(a => !seqAt.TryGetValue((a.Value.Partition, a.Value.Offset), out var s) || s != a.Key)
                .Select(a => a.Key).Order().Take(20).ToList();
            Assert.True(missing.Count == 0,
                $"acknowledged records missing or replaced after SIGKILL (first seqs: {string.Join(", ", missing)}); " +
                $"{records.Count} records on disk, {acked.Count} acknowledged");
        }
        finally
        {
            BrokerLogReporter.Write(_output, broker.Log);
        }
    }

    [Fact]
    public async Task TornTailOfActiveSegmentIsTruncatedOnRestart()
    {
        await using var broker = await BrokerProcess.StartAsync("torn");
        try
        {
            var topic = KafkaTestClient.UniqueTopic("torn");
            await KafkaTestClient.CreateTopicAsync(broker.BootstrapServers, topic, 1);

            // Several flushes -> several batches; the last one holds more than one record so that a torn batch drops
            // several offsets at once.
            var values = new List<byte[]>();
            var config = KafkaTestClient.ProducerConfig(broker.BootstrapServers, Acks.All);
            config.LingerMs = 100;
            using (var producer = KafkaTestClient.CreateProducer(config))
            {
                for (var round = 0; round < 6; round++)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        var value = Payload(values.Count);
                        values.Add(value);
                        producer.Produce(topic, new Message<byte[]?, byte[]?> { Value = value });
                    }
                    Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
                }
            }

            var exitCode = await broker.StopAsync();
            Assert.Equal(0, exitCode);

            var segment = SegmentFiles.ActiveSegment(broker.DataDirectory, topic, 0);
            var (batches, trailing) = SegmentFiles.ReadBatches(segment);
            Assert.True(batches.Count >= 2, $"expected several batches in {segment}, found {batches.Count}");
            Assert.Equal(0, trailing); // a cleanly stopped broker leaves only whole batches
            var last = batches[^1];
            Assert.Equal(values.Count - 1, last.LastOffset);

            // Tear the last batch: drop its final 7 bytes, as a crash in the middle of a write would.
            using (var file = new FileStream(segment, FileMode.Open, FileAccess.Write))
            {
                file.SetLength(last.EndPosition - 7);
            }
            _output.WriteLine($"cut {segment} from {last.EndPosition} to {last.EndPosition - 7} bytes; last whole batch ends before offset {last.BaseOffset}");

            var logStart = broker.LogLength;
            await broker.RestartAsync();

            // Everything before the torn batch is served, nothing of it or after it.
            var survivors = (int)last.BaseOffset;
            var records = KafkaTestClient.ConsumeToHighWatermark(broker.BootstrapServers, topic, 1);
            Assert.Equal(survivors, records.Count);
            for (var i = 0; i < survivors; i++)
            {
                Assert.Equal(i, records[i].Offset.Value);
                Assert.Equal(values[i], records[i].Message.Value);
            }

            // Appends continue exactly where the valid log now ends.
            using (var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(broker.BootstrapServers, Acks.All)))
            {
                var dr = await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes("after-repair") });
                Assert.Equal(survivors, dr.Offset.Value);
            }
            var after = KafkaTestClient.ConsumeExactly(broker.BootstrapServers, KafkaTestClient.Partitions(topic, 1), survivors + 1);
            Assert.Equal("after-repair", Encoding.UTF8.GetString(after[^1].Message.Value!));
            Assert.Equal(survivors, after[^1].Offset.Value);

            var restartLog = broker.LogSince(logStart);
            Assert.True(restartLog.Contains("truncat", StringComparison.OrdinalIgnoreCase),
                "the broker should log that it truncated the torn segment tail; its output after restart was:\n" + restartLog);
        }
        finally
        {
            BrokerLogReporter.Write(_output, broker.Log);
        }
    }

    /// <summary>8-byte sequence number followed by a pattern derived from it, so any corruption is detectable.</summary>
    private static byte[] Payload(long seq)
    {
        var value = new byte[PayloadSize];
        BinaryPrimitives.WriteInt64BigEndian(value, seq);
        for (var i = 8; i < value.Length; i++) value[i] = (byte)(seq * 31 + i);
        return value;
    }

    private static long CheckPayload(byte[]? value)
    {
        Assert.NotNull(value);
        Assert.Equal(PayloadSize, value.Length);
        var seq = BinaryPrimitives.ReadInt64BigEndian(value);
        Assert.True(value.AsSpan().SequenceEqual(Payload(seq)), $"payload of record #{seq} is corrupt");
        return seq;
    }
}
