using Brook.Common.Config;
using Brook.IntegrationTests.Infrastructure;
using Brook.Server.Hosting;
using Brook.Server.Network;
using Confluent.Kafka;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Brook.IntegrationTests;

/// <summary>
/// The host as a library: nodes started in this process with port-0 listeners bind free ports, register and advertise
/// those, and serve real clients — the base for in-process multi-node tests.
/// </summary>
[Trait("Category", "Broker")]
public sealed class EmbeddedBrokerTests : IDisposable
{
    private readonly List<string> _dirs = [];

    public EmbeddedBrokerTests() => Librdkafka.EnsureLoaded();

    public void Dispose()
    {
        foreach (var dir in _dirs)
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    private BrokerConfig Config()
    {
        var dir = Path.Combine(Path.GetTempPath(), "brook-it", $"embedded-{Guid.NewGuid():N}");
        _dirs.Add(dir);
        return BrokerConfig.FromProperties(new Dictionary<string, string>
        {
            ["listeners"] = "PLAINTEXT://127.0.0.1:0",
            ["log.dirs"] = dir,
        });
    }

    private static void Quiet(ILoggingBuilder logging) => logging.SetMinimumLevel(LogLevel.Warning);

    [Fact]
    public async Task TwoNodesInOneProcessBindFreePortsAndAdvertiseThem()
    {
        await using var a = await BrookBroker.StartAsync(Config(), Quiet);
        await using var b = await BrookBroker.StartAsync(Config(), Quiet);

        var portA = a.AdvertisedListeners[0].Port;
        var portB = b.AdvertisedListeners[0].Port;
        Assert.NotEqual(0, portA);
        Assert.NotEqual(0, portB);
        Assert.NotEqual(portA, portB);
        Assert.Equal(portA, a.Listeners[0].Port);

        using var admin = KafkaTestClient.CreateAdmin(a.BootstrapServers);
        var broker = Assert.Single(admin.GetMetadata(TimeSpan.FromSeconds(10)).Brokers);
        Assert.Equal(portA, broker.Port); // clients are told the port actually bound, not 0
        await KafkaTestClient.AssertProduceConsumeWorksAsync(a.BootstrapServers);
        await KafkaTestClient.AssertProduceConsumeWorksAsync(b.BootstrapServers);
    }

    [Fact]
    public async Task ANodeRestartsOnItsDataAfterAStop()
    {
        var config = Config();
        var topic = KafkaTestClient.UniqueTopic("embedded");
        await using (var node = await BrookBroker.StartAsync(config, Quiet))
        {
            await KafkaTestClient.CreateTopicAsync(node.BootstrapServers, topic, 2);
            await node.StopAsync();
        }
        await using (var again = await BrookBroker.StartAsync(config, Quiet))
        {
            using var admin = KafkaTestClient.CreateAdmin(again.BootstrapServers);
            Assert.Equal(2, admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count);
        }
    }

    [Fact]
    public async Task ConnectionsReadIntoLargeBlocksAndCarryMultiMegabyteRecords()
    {
        await using var node = await BrookBroker.StartAsync(Config(), Quiet);
        var factory = Assert.IsType<LargeBlockMemoryPoolFactory>(node.Services.GetRequiredService<IMemoryPoolFactory<byte>>());

        // A 3 MB record: its produce request spans many 64 KiB blocks, and so does the fetch response that returns it.
        var topic = KafkaTestClient.UniqueTopic("large-blocks");
        await KafkaTestClient.CreateTopicAsync(node.BootstrapServers, topic, 1, configs: new() { ["max.message.bytes"] = "8000000" });
        var value = new byte[3_000_000];
        new Random(11).NextBytes(value);
        var config = KafkaTestClient.ProducerConfig(node.BootstrapServers);
        config.MessageMaxBytes = 8_000_000;
        using (var producer = KafkaTestClient.CreateProducer(config))
            Assert.Equal(0, (await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = value })).Offset.Value);
        var record = Assert.Single(KafkaTestClient.ConsumeExactly(node.BootstrapServers, KafkaTestClient.Partitions(topic, 1), 1));
        Assert.Equal(value, record.Message.Value);
        Assert.True(factory.BlocksAllocated > 0, "Kestrel did not take its connection memory from LargeBlockMemoryPool");
    }
}
