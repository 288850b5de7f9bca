using System.Text;
using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.IntegrationTests;

/// <summary>DescribeCluster, ListOffsets for the max timestamp, LogAppendTime topics and long-polling fetches through Confluent.Kafka.</summary>
[Trait("Category", "Broker")]
public sealed class BrokerCoreApiTests : IClassFixture<DefaultBrokerFixture>, IDisposable
{
    private readonly DefaultBrokerFixture _fixture;
    private readonly BrokerLogReporter _log;

    public BrokerCoreApiTests(DefaultBrokerFixture fixture, ITestOutputHelper output)
    {
        Librdkafka.EnsureLoaded();
        _fixture = fixture;
        _log = new BrokerLogReporter(fixture.Broker, output);
    }

    private string Bootstrap => _fixture.BootstrapServers;

    public void Dispose() => _log.Dispose();

    [Fact]
    public async Task DescribeClusterNamesThisBrokerAsController()
    {
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        var cluster = await admin.DescribeClusterAsync();
        Assert.False(string.IsNullOrEmpty(cluster.ClusterId));
        var node = Assert.Single(cluster.Nodes);
        Assert.Equal(BrokerProcess.DefaultNodeId, node.Id);
        Assert.Equal(_fixture.Broker.Port, node.Port);
        Assert.Equal(BrokerProcess.DefaultNodeId, cluster.Controller?.Id);
    }

    [Fact]
    public async Task ListOffsetsFindsEarliestLatestAndMaxTimestamp()
    {
        var topic = KafkaTestClient.UniqueTopic("maxts");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
        var timestamps = new long[] { 1_700_000_000_000, 1_700_000_005_000, 1_700_000_001_000 };
        using (var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(Bootstrap)))
        {
            foreach (var ts in timestamps)
                await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = [1], Timestamp = new Timestamp(ts, TimestampType.CreateTime) });
        }
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        var tp = new TopicPartition(topic, 0);
        async Task<ListOffsetsResultInfo> List(OffsetSpec spec) =>
            Assert.Single((await admin.ListOffsetsAsync([new TopicPartitionOffsetSpec { TopicPartition = tp, OffsetSpec = spec }])).ResultInfos);

        Assert.Equal(0, (await List(OffsetSpec.Earliest())).TopicPartitionOffsetError.Offset.Value);
        Assert.Equal(3, (await List(OffsetSpec.Latest())).TopicPartitionOffsetError.Offset.Value);
        var max = await List(OffsetSpec.MaxTimestamp());
        Assert.Equal(1, max.TopicPartitionOffsetError.Offset.Value);
        Assert.Equal(timestamps[1], max.Timestamp);
    }

    [Fact]
    public async Task LogAppendTimeTopicStampsTheBrokerClock()
    {
        var topic = KafkaTestClient.UniqueTopic("lat");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1, configs: new() { ["message.timestamp.type"] = "LogAppendTime" });
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using (var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(Bootstrap)))
        {
            var report = await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes("x"), Timestamp = new Timestamp(1000, TimestampType.CreateTime) });
            Assert.Equal(TimestampType.LogAppendTime, report.Timestamp.Type);
            Assert.InRange(report.Timestamp.UnixTimestampMs, before - 1000, before + 60_000);
        }
        var record = Assert.Single(KafkaTestClient.ConsumeExactly(Bootstrap, KafkaTestClient.Partitions(topic, 1), 1));
        Assert.Equal(TimestampType.LogAppendTime, record.Message.Timestamp.Type);
        Assert.InRange(record.Message.Timestamp.UnixTimestampMs, before - 1000, before + 60_000);
    }

    [Fact]
    public async Task FetchLongPollAnswersAsSoonAsDataArrives()
    {
        var topic = KafkaTestClient.UniqueTopic("longpoll");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
        var config = KafkaTestClient.ConsumerConfig(Bootstrap);
        config.FetchWaitMaxMs = 10_000; // a broker ignoring min bytes / data arrival would hold the fetch for 10 s
        using var consumer = KafkaTestClient.CreateConsumer(config);
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        Assert.Null(consumer.Consume(TimeSpan.FromSeconds(1))); // the consumer is now parked in a long poll
        using var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(Bootstrap));
        var sent = System.Diagnostics.Stopwatch.StartNew();
        await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = [42] });
        var record = consumer.Consume(TimeSpan.FromSeconds(8));
        Assert.NotNull(record);
        Assert.True(sent.Elapsed < TimeSpan.FromSeconds(5), $"record arrived after {sent.Elapsed}");
        consumer.Close();
    }
}
