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

    [Fact]
    public async Task TopicConfigsRemovedInKafka4AreAcceptedStoredAndDescribed()
    {
        // Tools written for Kafka 3.x still send these; Kafka 3.9 accepted "0.10.0" (and 0.10.0-IV1, 2.8, 3.0-IV1, ...).
        var topic = KafkaTestClient.UniqueTopic("legacy-format");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1, configs: new()
        {
            ["message.format.version"] = "0.10.0",
            ["message.timestamp.difference.max.ms"] = "60000",
            ["message.downconversion.enable"] = "false",
        });
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        var entries = await DescribeAsync(admin, topic);
        Assert.Equal("0.10.0", entries["message.format.version"].Value);
        Assert.Equal(ConfigSource.DynamicTopicConfig, entries["message.format.version"].Source);
        Assert.Equal("60000", entries["message.timestamp.difference.max.ms"].Value);
        Assert.Equal("false", entries["message.downconversion.enable"].Value);

        await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [new ConfigResource { Type = ResourceType.Topic, Name = topic }] =
                [new ConfigEntry { Name = "message.format.version", Value = "3.0-IV1", IncrementalOperation = AlterConfigOpType.Set }],
        });
        entries = await DescribeAsync(admin, topic);
        Assert.Equal("3.0-IV1", entries["message.format.version"].Value);

        // They change nothing: a record far outside message.timestamp.difference.max.ms is still appended (Kafka 4 rules).
        using (var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(Bootstrap)))
        {
            var old = new Message<byte[]?, byte[]?> { Value = [1], Timestamp = new Timestamp(DateTime.UtcNow.AddDays(-3), TimestampType.CreateTime) };
            Assert.Equal(PersistenceStatus.Persisted, (await producer.ProduceAsync(topic, old)).Status);
        }

        // Logged once per key and process, however often the key is used.
        await KafkaTestClient.CreateTopicAsync(Bootstrap, KafkaTestClient.UniqueTopic("legacy-format2"), 1,
            configs: new() { ["message.format.version"] = "2.8" });
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!_fixture.Broker.Log.Contains("Config message.format.version", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.Equal(1, CountOf(_fixture.Broker.Log, "Config message.format.version (first seen"));
        Assert.Equal(1, CountOf(_fixture.Broker.Log, "Config message.timestamp.difference.max.ms (first seen"));
    }

    [Fact]
    public async Task InvalidMessageFormatVersionIsRefusedWithInvalidConfig()
    {
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        // 4.0 alone was not a production version in Kafka 3.9, so 3.9 refused it; so does Brook.
        var create = await Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync(
            [new TopicSpecification { Name = KafkaTestClient.UniqueTopic("badfmt"), NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["message.format.version"] = "4.0" } }]));
        var created = Assert.Single(create.Results);
        Assert.Equal(ErrorCode.InvalidConfig, created.Error.Code);
        Assert.Contains("message.format.version", created.Error.Reason);

        var topic = KafkaTestClient.UniqueTopic("badfmt-alter");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
        var alter = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(
            new Dictionary<ConfigResource, List<ConfigEntry>>
            {
                [new ConfigResource { Type = ResourceType.Topic, Name = topic }] =
                    [new ConfigEntry { Name = "message.format.version", Value = "banana", IncrementalOperation = AlterConfigOpType.Set }],
            }));
        Assert.Equal(ErrorCode.InvalidConfig, Assert.Single(alter.Results).Error.Code);
    }

    private static int CountOf(string text, string needle)
    {
        var count = 0;
        for (var i = text.IndexOf(needle, StringComparison.Ordinal); i >= 0; i = text.IndexOf(needle, i + needle.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
