using Brook.IntegrationTests.Infrastructure;
using Brook.IntegrationTests.Wire;
using Brook.Protocol.Messages;
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

    [Fact]
    public async Task KafkaDynamicBrokerKeysAreAcceptedPerBrokerAndOnTheClusterDefaultAsKafkaAllows()
    {
        await using var broker = await BrokerProcess.StartAsync("dynamic-kafka-keys");
        var brokerResource = new ConfigResource { Type = ResourceType.Broker, Name = BrokerProcess.DefaultNodeId.ToString() };
        using var admin = KafkaTestClient.CreateAdmin(broker.BootstrapServers);

        // A cluster-wide key and a per-broker-only key, both on this broker's own resource.
        await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [brokerResource] =
            [
                new ConfigEntry { Name = "background.threads", Value = "12", IncrementalOperation = AlterConfigOpType.Set },
                new ConfigEntry { Name = "sasl.kerberos.min.time.before.relogin", Value = "120000", IncrementalOperation = AlterConfigOpType.Set },
            ],
        });
        var entries = await DescribeAsync(admin, ResourceType.Broker, brokerResource.Name);
        Assert.Equal("12", entries["background.threads"].Value);
        Assert.Equal(ConfigSource.DynamicBrokerConfig, entries["background.threads"].Source);
        Assert.False(entries["background.threads"].IsReadOnly);
        Assert.Equal("120000", entries["sasl.kerberos.min.time.before.relogin"].Value);
        Assert.Equal(ConfigSource.DynamicBrokerConfig, entries["sasl.kerberos.min.time.before.relogin"].Source);
        Assert.True(entries["broker.rack"].IsReadOnly);

        // Kafka resizes thread pools by at most a factor of two at a time; read-only keys keep their old refusal.
        var tooMany = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [brokerResource] = [new ConfigEntry { Name = "background.threads", Value = "100", IncrementalOperation = AlterConfigOpType.Set }],
        }));
        Assert.Equal(ErrorCode.InvalidRequest, Assert.Single(tooMany.Results).Error.Code);
        var readOnly = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [brokerResource] = [new ConfigEntry { Name = "broker.rack", Value = "r1", IncrementalOperation = AlterConfigOpType.Set }],
        }));
        var readOnlyError = Assert.Single(readOnly.Results).Error;
        Assert.Equal(ErrorCode.InvalidConfig, readOnlyError.Code);
        Assert.Contains("Cannot update these configs dynamically", readOnlyError.Reason);

        // Confluent's client cannot name the cluster default (""), so speak the protocol directly.
        using var raw = await ProtocolClient.ConnectAsync(broker.Port);
        var perBrokerOnly = await AlterClusterDefaultAsync(raw, "sasl.kerberos.min.time.before.relogin", "90000");
        Assert.Equal(42, perBrokerOnly.ErrorCode); // INVALID_REQUEST, as Kafka answers
        Assert.Equal("Cannot update these configs at default cluster level, broker id must be specified: sasl.kerberos.min.time.before.relogin",
            perBrokerOnly.ErrorMessage);
        Assert.Equal(0, (await AlterClusterDefaultAsync(raw, "background.threads", "14")).ErrorCode);

        // This broker's own value wins over the cluster default until it is deleted.
        entries = await DescribeAsync(admin, ResourceType.Broker, brokerResource.Name);
        Assert.Equal("12", entries["background.threads"].Value);
        await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [brokerResource] = [new ConfigEntry { Name = "background.threads", IncrementalOperation = AlterConfigOpType.Delete }],
        });
        entries = await DescribeAsync(admin, ResourceType.Broker, brokerResource.Name);
        Assert.Equal("14", entries["background.threads"].Value);
        Assert.Equal(ConfigSource.DynamicDefaultBrokerConfig, entries["background.threads"].Source);
    }

    private static async Task<IncrementalAlterConfigsResponse.AlterConfigsResourceResponse> AlterClusterDefaultAsync(ProtocolClient client, string key, string value)
    {
        var request = new IncrementalAlterConfigsRequest
        {
            Resources =
            [
                new IncrementalAlterConfigsRequest.AlterConfigsResource
                {
                    ResourceType = DescribeConfigsRequest.ResourceTypeBroker,
                    ResourceName = "",
                    Configs = [new IncrementalAlterConfigsRequest.AlterableConfig { Name = key, ConfigOperation = IncrementalAlterConfigsRequest.OperationSet, Value = value }],
                },
            ],
        };
        var response = await client.SendAsync<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>(request, 1);
        return Assert.Single(response.Responses);
    }
}
