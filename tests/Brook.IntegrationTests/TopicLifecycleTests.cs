using System.Diagnostics;
using System.Text;
using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.IntegrationTests;

/// <summary>Retention, compaction, DeleteRecords and __consumer_offsets compaction against a real broker.</summary>
[Trait("Category", "Broker")]
public sealed class TopicLifecycleTests : IClassFixture<MaintenanceBrokerFixture>, IDisposable
{
    private readonly MaintenanceBrokerFixture _fixture;
    private readonly BrokerLogReporter _log;

    public TopicLifecycleTests(MaintenanceBrokerFixture fixture, ITestOutputHelper output)
    {
        Librdkafka.EnsureLoaded();
        _fixture = fixture;
        _log = new BrokerLogReporter(fixture.Broker, output);
    }

    private string Bootstrap => _fixture.BootstrapServers;

    public void Dispose() => _log.Dispose();

    private string PartitionDir(string topic, int partition = 0) => Path.Combine(_fixture.Broker.DataDirectory, $"{topic}-{partition}");

    private static int SegmentCount(string dir) => Directory.GetFiles(dir, "*.log").Length;

    private static long DirectoryBytes(string dir) => Directory.GetFiles(dir, "*.log").Sum(f => new FileInfo(f).Length);

    private static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what) => WaitUntilAsync(condition, timeout, () => what);

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"timed out waiting for {what()}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task RetentionDeletesOldSegmentsAndMovesTheEarliestOffsetWhileProducing()
    {
        var topic = KafkaTestClient.UniqueTopic("ret");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1, configs: new()
        {
            ["segment.bytes"] = "4096",
            ["retention.ms"] = "2000",
            ["file.delete.delay.ms"] = "0",
        });
        using var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(Bootstrap));
        using var consumer = KafkaTestClient.CreateConsumer(KafkaTestClient.ConsumerConfig(Bootstrap));
        var tp = new TopicPartition(topic, 0);
        var value = new byte[100];
        var clock = Stopwatch.StartNew();
        long low = 0;
        var segmentsSeen = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            for (var i = 0; i < 10; i++) producer.Produce(topic, new Message<byte[]?, byte[]?> { Value = value });
            producer.Flush(TimeSpan.FromSeconds(10));
            segmentsSeen = Math.Max(segmentsSeen, SegmentCount(PartitionDir(topic)));
            low = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(5)).Low.Value;
            if (low > 0 && clock.Elapsed > TimeSpan.FromSeconds(4)) break;
            await Task.Delay(300);
        }
        Assert.True(low > 0, "the earliest offset never moved forward");
        Assert.True(segmentsSeen > 1, "the log never rolled");
        var high = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(5)).High.Value;
        var logStartFile = Directory.GetFiles(PartitionDir(topic), "*.log").Select(f => long.Parse(Path.GetFileNameWithoutExtension(f))).Min();
        Assert.True(logStartFile > 0, "the first segment file was never deleted");

        // A consumer positioned before the log start is reset by its policy instead of failing.
        var config = KafkaTestClient.ConsumerConfig(Bootstrap);
        config.AutoOffsetReset = AutoOffsetReset.Earliest;
        using var lagging = KafkaTestClient.CreateConsumer(config);
        lagging.Assign(new TopicPartitionOffset(tp, 0));
        var first = lagging.Consume(TimeSpan.FromSeconds(10));
        Assert.NotNull(first);
        Assert.True(first.Offset.Value >= low, $"read offset {first.Offset.Value} below the log start {low}");
        Assert.True(first.Offset.Value < high);
        lagging.Close();
    }

    [Fact]
    public async Task CompactionKeepsTheLatestValueOfEveryLiveKey()
    {
        var topic = KafkaTestClient.UniqueTopic("compact");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1, configs: new()
        {
            ["cleanup.policy"] = "delete",
            ["segment.bytes"] = "65536",
            ["min.cleanable.dirty.ratio"] = "0.01",
            ["delete.retention.ms"] = "100",
            ["file.delete.delay.ms"] = "0",
        });
        const int keys = 1000, versions = 10;
        var expected = new Dictionary<string, string?>();
        string? firstError = null;
        void Check(DeliveryReport<byte[]?, byte[]?> report)
        {
            if (report.Error.IsError) firstError ??= report.Error.ToString();
        }
        var producerConfig = KafkaTestClient.ProducerConfig(Bootstrap);
        producerConfig.BatchSize = 16_384; // batches must fit in a segment (RECORD_LIST_TOO_LARGE otherwise, as in Kafka)
        using (var producer = KafkaTestClient.CreateProducer(producerConfig))
        {
            for (var v = 0; v < versions; v++)
            {
                for (var k = 0; k < keys; k++)
                {
                    var key = $"key-{k}";
                    // Every 7th key ends as a tombstone; the rest keep their last version.
                    string? value = v == versions - 1 && k % 7 == 0 ? null : $"value-{k}-v{v}";
                    producer.Produce(topic, new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(key), Value = value is null ? null : Encoding.UTF8.GetBytes(value) }, Check);
                    expected[key] = value;
                }
            }
            producer.Flush(TimeSpan.FromSeconds(30));
            // Roll past the last batch so the whole history is in closed (cleanable) segments.
            for (var i = 0; i < 100; i++)
                producer.Produce(topic, new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes("filler"), Value = new byte[1000] }, Check);
            producer.Flush(TimeSpan.FromSeconds(30));
        }
        Assert.Null(firstError);
        expected["filler"] = "";
        // The topic was created with cleanup.policy=delete so nothing is cleaned while it fills; switching it to compact
        // (a dynamic topic config change) starts the cleaner on a known starting size.
        var dir = PartitionDir(topic);
        var before = DirectoryBytes(dir);
        using (var admin = KafkaTestClient.CreateAdmin(Bootstrap))
        {
            await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
            {
                [new ConfigResource { Type = ResourceType.Topic, Name = topic }] =
                    [new ConfigEntry { Name = "cleanup.policy", Value = "compact", IncrementalOperation = AlterConfigOpType.Set }],
            });
        }
        // Most of the log is superseded versions; the 100 KB of filler records at the end are not, so "half" is the bar.
        await WaitUntilAsync(() => DirectoryBytes(dir) < before / 2, TimeSpan.FromSeconds(60),
            () => $"the cleaner to shrink the log from {before} bytes; now: " +
                  string.Join(", ", Directory.GetFiles(dir).Select(f => $"{Path.GetFileName(f)}={new FileInfo(f).Length}")));

        var latest = new Dictionary<string, string?>();
        long lastOffset = -1;
        // A compacted log has gaps, so read until the end of the partition rather than counting offsets.
        var config = KafkaTestClient.ConsumerConfig(Bootstrap);
        config.EnablePartitionEof = true;
        using var consumer = KafkaTestClient.CreateConsumer(config);
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            var next = consumer.Consume(TimeSpan.FromSeconds(1));
            if (next is null) continue;
            if (next.IsPartitionEOF) break;
            records.Add(next);
        }
        consumer.Close();
        foreach (var r in records)
        {
            Assert.True(r.Offset.Value > lastOffset, "offsets must increase");
            lastOffset = r.Offset.Value;
            var key = Encoding.UTF8.GetString(r.Message.Key!);
            latest[key] = r.Message.Value is null ? null : key == "filler" ? "" : Encoding.UTF8.GetString(r.Message.Value);
        }
        foreach (var (key, value) in expected)
        {
            if (value is null) continue; // a tombstone may or may not still be there, but never an older value
            Assert.Equal(value, latest[key]);
        }
        foreach (var (key, value) in latest)
            if (value is not null) Assert.Equal(expected[key], value);
    }

    [Fact]
    public async Task DeleteRecordsMovesTheLowWatermark()
    {
        var topic = KafkaTestClient.UniqueTopic("delrec");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
        using (var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(Bootstrap)))
        {
            for (var i = 0; i < 20; i++) producer.Produce(topic, new Message<byte[]?, byte[]?> { Value = [(byte)i] });
            producer.Flush(TimeSpan.FromSeconds(10));
        }
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        var tp = new TopicPartition(topic, 0);
        var result = Assert.Single(await admin.DeleteRecordsAsync([new TopicPartitionOffset(tp, 12)]));
        Assert.Equal(12, result.Offset.Value);
        using var consumer = KafkaTestClient.CreateConsumer(KafkaTestClient.ConsumerConfig(Bootstrap));
        Assert.Equal(12, consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(5)).Low.Value);
        var records = KafkaTestClient.ConsumeToHighWatermark(Bootstrap, topic, 1);
        Assert.Equal(Enumerable.Range(12, 8).Select(i => (long)i), records.Select(r => r.Offset.Value));
    }

    [Fact]
    public async Task GroupOffsetsLoadAfterConsumerOffsetsIsCompactedAndTheBrokerRestarts()
    {
        var topic = KafkaTestClient.UniqueTopic("offc");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
        var group = $"g-{Guid.NewGuid():N}";
        var config = KafkaTestClient.ConsumerConfig(Bootstrap);
        config.GroupId = group;
        config.EnableAutoCommit = false;
        var tp = new TopicPartition(topic, 0);
        using (var consumer = KafkaTestClient.CreateConsumer(config))
        {
            consumer.Assign(new TopicPartitionOffset(tp, 0));
            // Thousands of commits of the same key fill __consumer_offsets segments (20,000 bytes each) that the cleaner compacts.
            for (var i = 1; i <= 3000; i++) consumer.Commit([new TopicPartitionOffset(tp, i)]);
            consumer.Close();
        }
        var offsetsDirs = Enumerable.Range(0, 3).Select(p => PartitionDir("__consumer_offsets", p)).Where(Directory.Exists).ToList();
        await WaitUntilAsync(() => _fixture.Broker.Log.Contains("Cleaned __consumer_offsets", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), "the cleaner to compact __consumer_offsets");

        Assert.Equal(0, await _fixture.Broker.StopAsync());
        await _fixture.Broker.RestartAsync();
        using var resumed = KafkaTestClient.CreateConsumer(config);
        var committed = resumed.Committed([tp], TimeSpan.FromSeconds(20)).Single();
        Assert.Equal(3000, committed.Offset.Value);
        resumed.Close();
        Assert.NotEmpty(offsetsDirs);
    }
}
