using Brook.ClientSupport;
using Brook.Server.Hosting;
using Confluent.Kafka;

namespace Brook.WebConsole;

/// <summary>
/// The console's Kafka clients, on the node's own first advertised listener (so the console sees the whole cluster as
/// any client does): one admin client and one producer for the process, created on first use; consumers are made per
/// message-browser request.
/// </summary>
public sealed class ConsoleKafka(ListenerBindings listeners) : IDisposable
{
    /// <summary>How long an admin request may take before the console reports it failed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly Lazy<IAdminClient> _admin = new(() => new AdminClientBuilder(new AdminClientConfig(Common(listeners))).Build());
    private readonly Lazy<IProducer<byte[]?, byte[]?>> _producer = new(() => new ProducerBuilder<byte[]?, byte[]?>(
        new ProducerConfig(Common(listeners)) { Acks = Acks.All, EnableIdempotence = true, LingerMs = 0 }).Build());

    /// <summary>The shared admin client.</summary>
    public IAdminClient Admin => _admin.Value;

    /// <summary>The shared producer (acks=all, idempotent).</summary>
    public IProducer<byte[]?, byte[]?> Producer => _producer.Value;

    /// <summary>A new consumer without a group (assign only, nothing committed): the caller disposes it.</summary>
    public IConsumer<byte[]?, byte[]?> CreateBrowser() => new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig(Common(listeners))
    {
        GroupId = "brook-console",
        EnableAutoCommit = false,
        EnablePartitionEof = true,
        IsolationLevel = IsolationLevel.ReadUncommitted,
        AutoOffsetReset = AutoOffsetReset.Earliest,
    }).Build();

    public void Dispose()
    {
        if (_producer.IsValueCreated) _producer.Value.Dispose();
        if (_admin.IsValueCreated) _admin.Value.Dispose();
    }

    private static Dictionary<string, string> Common(ListenerBindings listeners)
    {
        Librdkafka.EnsureLoaded();
        var advertised = listeners.Advertised;
        if (advertised.Count == 0) throw new InvalidOperationException("this node has no client listener for the console to use");
        var listener = advertised[0];
        return new Dictionary<string, string>
        {
            ["bootstrap.servers"] = $"{listener.HostForUri}:{listener.Port}",
            ["client.id"] = "brook-console",
            ["socket.timeout.ms"] = "15000",
        };
    }
}
