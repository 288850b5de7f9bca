using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.IntegrationTests;

/// <summary>DescribeConfigs / AlterConfigs / IncrementalAlterConfigs / CreatePartitions through Confluent's AdminClient.</summary>
[Trait("Category", "Broker")]
public sealed class TopicConfigTests : IClassFixture<DefaultBrokerFixture>, IDisposable
{
    private readonly DefaultBrokerFixture _fixture;
    private readonly BrokerLogReporter _log;

    public TopicConfigTests(DefaultBrokerFixture fixture, ITestOutputHelper output)
    {
        Librdkafka.EnsureLoaded();
        _fixture = fixture;
        _log = new BrokerLogReporter(fixture.Broker, output);
    }

    private string Bootstrap => _fixture.BootstrapServers;

    public void Dispose() => _log.Dispose();

    private static async Task<Dictionary<string, ConfigEntryResult>> DescribeAsync(IAdminClient admin, string topic)
    {
        var described = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = topic }]);
        return Assert.Single(described).Entries;
    }

    [Fact]
    public async Task TopicConfigsAreDescribedWithTheirSources()
    {
        var topic = KafkaTestClient.UniqueTopic("cfg");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1, configs: new() { ["retention.ms"] = "3600000", ["cleanup.policy"] = "compact" });
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        var entries = await DescribeAsync(admin, topic);
        Assert.Equal("3600000", entries["retention.ms"].Value);
        Assert.Equal(ConfigSource.DynamicTopicConfig, entries["retention.ms"].Source);
        Assert.Equal("compact", entries["cleanup.policy"].Value);
        Assert.Equal(ConfigSource.DefaultConfig, entries["segment.bytes"].Source);
        Assert.Equal("1073741824", entries["segment.bytes"].Value);
        Assert.Contains(entries["retention.ms"].Synonyms, s => s.Name == "log.retention.ms" || s.Name == "log.retention.hours");
    }

    [Fact]
    public async Task IncrementalAlterConfigsSetsDeletesAndAppends()
    {
        var topic = KafkaTestClient.UniqueTopic("inc");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1, configs: new() { ["retention.ms"] = "3600000" });
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [new ConfigResource { Type = ResourceType.Topic, Name = topic }] =
            [
                new ConfigEntry { Name = "segment.ms", Value = "600000", IncrementalOperation = AlterConfigOpType.Set },
                new ConfigEntry { Name = "retention.ms", IncrementalOperation = AlterConfigOpType.Delete },
                new ConfigEntry { Name = "cleanup.policy", Value = "compact", IncrementalOperation = AlterConfigOpType.Append },
            ],
        });
        var entries = await DescribeAsync(admin, topic);
        Assert.Equal("600000", entries["segment.ms"].Value);
        Assert.Equal(ConfigSource.DefaultConfig, entries["retention.ms"].Source);
        Assert.Equal("delete,compact", entries["cleanup.policy"].Value);
    }

    [Fact]
    public async Task InvalidConfigValueIsRefusedWithInvalidConfig()
    {
        var topic = KafkaTestClient.UniqueTopic("bad");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        var resource = new ConfigResource { Type = ResourceType.Topic, Name = topic };
        var ex = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(
            new Dictionary<ConfigResource, List<ConfigEntry>>
            {
                [resource] = [new ConfigEntry { Name = "retention.ms", Value = "soon", IncrementalOperation = AlterConfigOpType.Set }],
            }));
        var report = Assert.Single(ex.Results);
        Assert.Equal(ErrorCode.InvalidConfig, report.Error.Code);
        Assert.Contains("retention.ms", report.Error.Reason);

        var create = await Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync(
            [new TopicSpecification { Name = KafkaTestClient.UniqueTopic("bad2"), NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["no.such.config"] = "1" } }]));
        Assert.Equal(ErrorCode.InvalidConfig, Assert.Single(create.Results).Error.Code);
    }

    [Fact]
    public async Task LegacyAlterConfigsReplacesTheOverrides()
    {
        var topic = KafkaTestClient.UniqueTopic("legacy");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1, configs: new() { ["retention.ms"] = "3600000" });
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
#pragma warning disable CS0618 // AlterConfigs is deprecated in favour of the incremental API, but clients still send it
        await admin.AlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [new ConfigResource { Type = ResourceType.Topic, Name = topic }] = [new ConfigEntry { Name = "segment.bytes", Value = "1048576" }],
        });
#pragma warning restore CS0618
        var entries = await DescribeAsync(admin, topic);
        Assert.Equal("1048576", entries["segment.bytes"].Value);
        Assert.Equal(ConfigSource.DefaultConfig, entries["retention.ms"].Source);
    }

    [Fact]
    public async Task CreatePartitionsAddsWritablePartitions()
    {
        var topic = KafkaTestClient.UniqueTopic("grow");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 2);
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        await admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = 5 }]);
        await KafkaTestClient.WaitForTopicAsync(admin, topic, 5);
        using (var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(Bootstrap)))
        {
            var report = await producer.ProduceAsync(new TopicPartition(topic, 4), new Message<byte[]?, byte[]?> { Value = [7] });
            Assert.Equal(0, report.Offset.Value);
        }
        var shrink = await Assert.ThrowsAsync<CreatePartitionsException>(() =>
            admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = 3 }]));
        Assert.Equal(ErrorCode.InvalidPartitions, Assert.Single(shrink.Results).Error.Code);
    }
}
