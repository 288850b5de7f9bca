using Confluent.Kafka;

namespace Brook.Testing;

/// <summary>Confluent.Kafka clients and configurations pointed at a test broker or cluster.</summary>
public static class BrookTestClients
{
    /// <summary>A producer configuration for the server: idempotent, acks=all, delivered within 30 s.</summary>
    public static ProducerConfig ProducerConfig(this IBrookTestServer server) => new()
    {
        BootstrapServers = server.BootstrapServers,
        EnableIdempotence = true,
        Acks = Acks.All,
        LingerMs = 1,
        MessageTimeoutMs = 30_000,
    };

    /// <summary>A consumer configuration for the server in group <paramref name="groupId"/>, starting at the earliest offset of a partition with no committed offset.</summary>
    public static ConsumerConfig ConsumerConfig(this IBrookTestServer server, string groupId) => new()
    {
        BootstrapServers = server.BootstrapServers,
        GroupId = groupId,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnablePartitionEof = false,
    };

    /// <summary>An admin client configuration for the server.</summary>
    public static AdminClientConfig AdminClientConfig(this IBrookTestServer server) => new() { BootstrapServers = server.BootstrapServers };

    /// <summary>A producer on <see cref="ProducerConfig"/>, adjusted by <paramref name="configure"/>; string and byte[] keys and values need no serializer.</summary>
    public static IProducer<TKey, TValue> CreateProducer<TKey, TValue>(this IBrookTestServer server, Action<ProducerConfig>? configure = null)
    {
        var config = server.ProducerConfig();
        configure?.Invoke(config);
        return new ProducerBuilder<TKey, TValue>(config).Build();
    }

    /// <summary>A consumer on <see cref="ConsumerConfig"/>, adjusted by <paramref name="configure"/>; string and byte[] keys and values need no deserializer.</summary>
    public static IConsumer<TKey, TValue> CreateConsumer<TKey, TValue>(this IBrookTestServer server, string groupId,
        Action<ConsumerConfig>? configure = null)
    {
        var config = server.ConsumerConfig(groupId);
        configure?.Invoke(config);
        return new ConsumerBuilder<TKey, TValue>(config).Build();
    }

    /// <summary>An admin client for the server.</summary>
    public static IAdminClient CreateAdminClient(this IBrookTestServer server) =>
        new AdminClientBuilder(server.AdminClientConfig()).Build();
}
