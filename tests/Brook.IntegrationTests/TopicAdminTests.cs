using System.Diagnostics;
using System.Text;
using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.IntegrationTests;

/// <summary>CreateTopics / DeleteTopics / Metadata behaviour through Confluent's AdminClient, plus auto-creation.</summary>
[Trait("Category", "Broker")]
public sealed class TopicAdminTests : IClassFixture<DefaultBrokerFixture>, IDisposable
{
    private readonly DefaultBrokerFixture _fixture;
    private readonly BrokerLogReporter _log;

    public TopicAdminTests(DefaultBrokerFixture fixture, ITestOutputHelper output)
    {
        Librdkafka.EnsureLoaded();
        _fixture = fixture;
        _log = new BrokerLogReporter(fixture.Broker, output);
    }

    private string Bootstrap => _fixture.BootstrapServers;

    public void Dispose() => _log.Dispose();

    [Fact]
    public async Task SixPartitionTopicIsDescribedByMetadata()
    {
        var topic = KafkaTestClient.UniqueTopic("six");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 6);

        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        var md = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        var broker = Assert.Single(md.Brokers);
        Assert.Equal(BrokerProcess.DefaultNodeId, broker.BrokerId);
        Assert.Equal("127.0.0.1", broker.Host);
        Assert.Equal(_fixture.Broker.Port, broker.Port);

        var t = Assert.Single(md.Topics);
        Assert.Equal(topic, t.Topic);
        Assert.Equal(ErrorCode.NoError, t.Error.Code);
        Assert.Equal(Enumerable.Range(0, 6), t.Partitions.Select(p => p.PartitionId).Order());
        Assert.All(t.Partitions, p =>
        {
            Assert.Equal(ErrorCode.NoError, p.Error.Code);
            Assert.Equal(BrokerProcess.DefaultNodeId, p.Leader);
            Assert.Equal(new[] { BrokerProcess.DefaultNodeId }, p.Replicas);
            Assert.Equal(new[] { BrokerProcess.DefaultNodeId }, p.InSyncReplicas);
        });
    }

    [Fact]
    public async Task CreatingAnExistingTopicFailsWithTopicAlreadyExists()
    {
        var topic = KafkaTestClient.UniqueTopic("twice");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 2);

        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        var ex = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 2, ReplicationFactor = 1 }]));
        Assert.Equal(ErrorCode.TopicAlreadyExists, Assert.Single(ex.Results).Error.Code);
    }

    [Fact]
    public async Task ReplicationFactorAboveBrokerCountIsRejected()
    {
        var topic = KafkaTestClient.UniqueTopic("rf3");
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        var ex = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 3 }]));
        Assert.Equal(ErrorCode.InvalidReplicationFactor, Assert.Single(ex.Results).Error.Code);
        Assert.False(KafkaTestClient.TopicListed(admin, topic));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("slash/inside")]
    [InlineData("..")]
    [InlineData("tröt")]
    public async Task InvalidTopicNameIsRejected(string name)
    {
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        var ex = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = 1, ReplicationFactor = 1 }]));
        // Kafka's INVALID_TOPIC_EXCEPTION (17) is ErrorCode.TopicException in Confluent's enum.
        Assert.Equal(ErrorCode.TopicException, Assert.Single(ex.Results).Error.Code);
        Assert.False(KafkaTestClient.TopicListed(admin, name));
    }

    [Fact]
    public async Task TooLongTopicNameIsRejected()
    {
        // Kafka caps names at 249 characters (the partition directory adds "-<partition>" and must stay under 255).
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        var name = new string('x', 250);
        var ex = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = 1, ReplicationFactor = 1 }]));
        Assert.Equal(ErrorCode.TopicException, Assert.Single(ex.Results).Error.Code);
    }

    [Fact]
    public async Task ValidateOnlyCreationCreatesNothing()
    {
        var topic = KafkaTestClient.UniqueTopic("dryrun");
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 3, ReplicationFactor = 1 }],
            new CreateTopicsOptions { ValidateOnly = true });

        await Task.Delay(500); // a broker that wrongly creates asynchronously gets the chance to show it
        Assert.False(KafkaTestClient.TopicListed(admin, topic), "validate-only must not create the topic");
        Assert.False(Directory.Exists(Path.Combine(_fixture.Broker.DataDirectory, topic + "-0")), "validate-only must not touch the disk");

        // Validation still applies its checks...
        var ex = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 3 }],
                new CreateTopicsOptions { ValidateOnly = true }));
        Assert.Equal(ErrorCode.InvalidReplicationFactor, Assert.Single(ex.Results).Error.Code);

        // ...and the name is still free for a real creation.
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 3);
    }

    [Fact]
    public async Task DeletedTopicDisappearsAndCanBeRecreatedEmpty()
    {
        var topic = KafkaTestClient.UniqueTopic("delete");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 2);
        using (var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(Bootstrap)))
        {
            for (var i = 0; i < 10; i++)
            {
                await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes($"old-{i}") });
            }
        }

        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        await admin.DeleteTopicsAsync([topic]);
        await WaitUntilAsync(() => !KafkaTestClient.TopicListed(admin, topic), "deleted topic still listed in metadata");

        // Deleting again reports the topic as unknown.
        var ex = await Assert.ThrowsAsync<DeleteTopicsException>(() => admin.DeleteTopicsAsync([topic]));
        Assert.Equal(ErrorCode.UnknownTopicOrPart, Assert.Single(ex.Results).Error.Code);

        // Re-creating the name yields a fresh, empty topic (Kafka may briefly report it as still being deleted).
        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
                break;
            }
            catch (CreateTopicsException e) when (e.Results[0].Error.Code == ErrorCode.TopicAlreadyExists && sw.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(200);
            }
        }
        using var consumer = KafkaTestClient.CreateConsumer(KafkaTestClient.ConsumerConfig(Bootstrap));
        var wm = consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10));
        Assert.Equal(0, wm.Low.Value);
        Assert.Equal(0, wm.High.Value);
        consumer.Close();
    }

    [Fact]
    public async Task ProducingToUnknownTopicAutoCreatesIt()
    {
        // Needs auto.create.topics.enable=true on the broker (the fixture sets it) and a client that asks for
        // creation: librdkafka producers send allow_auto_topic_creation=true when allow.auto.create.topics is true.
        var topic = KafkaTestClient.UniqueTopic("auto");
        var config = KafkaTestClient.ProducerConfig(Bootstrap);
        config.AllowAutoCreateTopics = true;
        using (var producer = KafkaTestClient.CreateProducer(config))
        {
            var dr = await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes("first") });
            Assert.Equal(PersistenceStatus.Persisted, dr.Status);
            Assert.Equal(0, dr.Offset.Value);
        }

        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        await KafkaTestClient.WaitForTopicAsync(admin, topic, partitions: 1); // num.partitions=1 on the fixture
        var consumed = KafkaTestClient.ConsumeExactly(Bootstrap, KafkaTestClient.Partitions(topic, 1), 1);
        Assert.Equal("first", Encoding.UTF8.GetString(consumed.Single().Message.Value!));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > KafkaTestClient.DefaultTimeout) Assert.Fail(failure);
            await Task.Delay(100);
        }
    }
}
