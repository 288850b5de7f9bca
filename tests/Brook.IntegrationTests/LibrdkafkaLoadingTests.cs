using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;

namespace Brook.IntegrationTests;

/// <summary>Broker-free check that the pinned librdkafka, not a system copy, is what Confluent.Kafka uses.</summary>
public sealed class LibrdkafkaLoadingTests
{
    public LibrdkafkaLoadingTests() => Librdkafka.EnsureLoaded();

    [Fact]
    public void BundledLibrdkafkaIsLoaded()
    {
        Assert.True(Library.IsLoaded);
        Assert.StartsWith(Librdkafka.ExpectedVersionPrefix, Library.VersionString, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadedLibraryIsTheBundledFile()
    {
        // Guards against the silent fallback to a system librdkafka (e.g. Debian's 2.0.2 pulled in by kcat).
        if (!OperatingSystem.IsLinux()) return;
        Assert.StartsWith(AppContext.BaseDirectory, Librdkafka.LoadedPath, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientsCanBeCreatedWithoutABroker()
    {
        // Creating a handle exercises the native entry points beyond rd_kafka_version().
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = "127.0.0.1:1" }).Build();
        Assert.Contains("rdkafka", producer.Name, StringComparison.Ordinal);
    }
}
