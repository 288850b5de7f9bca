using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.IntegrationTests;

/// <summary>Dynamic broker configs (KIP-226): broker-wide topic defaults changed at run time through the AdminClient.</summary>
[Trait("Category", "Broker")]
public sealed class DynamicBrokerConfigTests
{
    public DynamicBrokerConfigTests() => Librdkafka.EnsureLoaded();

    private static async Task<Dictionary<string, ConfigEntryResult>> DescribeAsync(IAdminClient admin, ResourceType type, string name) =>
        Assert.Single(await admin.DescribeConfigsAsync([new ConfigResource { Type = type, Name = name }])).Entries;

    [Fact]
    public async Task BrokerDynamicConfigsChangeTopicDefaultsAndSurviveRestart()
    {
        await using var broker = await BrokerProcess.StartAsync("dynamic");
        var bootstrap = broker.BootstrapServers;
        var topic = KafkaTestClient.UniqueTopic("dyn");
        await KafkaTestClient.CreateTopicAsync(bootstrap, topic, 1);
        using (var admin = KafkaTestClient.CreateAdmin(bootstrap))
        {
            // Confluent's client cannot name the cluster-wide default resource (""), so this broker's own layer is used.
            await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
            {
                [new ConfigResource { Type = ResourceType.Broker, Name = BrokerProcess.DefaultNodeId.ToString() }] =
                [
                    new ConfigEntry { Name = "log.retention.ms", Value = "7200000", IncrementalOperation = AlterConfigOpType.Set },
                    new ConfigEntry { Name = "log.segment.bytes", Value = "2097152", IncrementalOperation = AlterConfigOpType.Set },
                ],
            });

            var topicEntries = await DescribeAsync(admin, ResourceType.Topic, topic);
            Assert.Equal("7200000", topicEntries["retention.ms"].Value);
            Assert.Equal(ConfigSource.DynamicBrokerConfig, topicEntries["retention.ms"].Source);
            Assert.Equal("2097152", topicEntries["segment.bytes"].Value);
            Assert.Equal(ConfigSource.DynamicBrokerConfig, topicEntries["segment.bytes"].Source);

            var brokerEntries = await DescribeAsync(admin, ResourceType.Broker, BrokerProcess.DefaultNodeId.ToString());
            Assert.Equal(ConfigSource.DynamicBrokerConfig, brokerEntries["log.segment.bytes"].Source);
            Assert.False(brokerEntries["log.segment.bytes"].IsReadOnly);
            Assert.True(brokerEntries["listeners"].IsReadOnly);

            // Keys that need a restart are refused, and so are invalid values.
            var ex = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
            {
                [new ConfigResource { Type = ResourceType.Broker, Name = BrokerProcess.DefaultNodeId.ToString() }] =
                    [new ConfigEntry { Name = "log.dirs", Value = "/elsewhere", IncrementalOperation = AlterConfigOpType.Set }],
            }));
            Assert.Equal(ErrorCode.InvalidConfig, Assert.Single(ex.Results).Error.Code);
        }

        Assert.Equal(0, await broker.StopAsync());
        await broker.RestartAsync();
        using (var admin = KafkaTestClient.CreateAdmin(bootstrap))
        {
            var topicEntries = await DescribeAsync(admin, ResourceType.Topic, topic);
            Assert.Equal("7200000", topicEntries["retention.ms"].Value);
            Assert.Equal("2097152", topicEntries["segment.bytes"].Value);
        }
    }
}
