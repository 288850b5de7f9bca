namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// One broker shared by all tests of a class (xunit IClassFixture). Subclasses add Kafka config overrides.
/// A failure to start makes every test of the class fail with the broker's captured log in the message.
/// </summary>
public class BrokerFixture : IAsyncLifetime
{
    private BrokerProcess? _broker;

    /// <summary>The running broker (valid after xunit called <see cref="InitializeAsync"/>).</summary>
    public BrokerProcess Broker => _broker ?? throw new InvalidOperationException("fixture not initialised");

    /// <summary>Shortcut for <c>Broker.BootstrapServers</c>.</summary>
    public string BootstrapServers => Broker.BootstrapServers;

    /// <summary>Label used in the temp directory name.</summary>
    protected virtual string Name => "shared";

    /// <summary>Extra --override pairs on top of listeners/log.dirs/node.id.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Overrides => [];

    public async Task InitializeAsync()
    {
        Librdkafka.EnsureLoaded();
        _broker = await BrokerProcess.StartAsync(Name, Overrides).ConfigureAwait(false);
    }

    public Task DisposeAsync()
    {
        _broker?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Broker for the client-facing feature tests: auto topic creation explicitly on (it is Kafka's default too) and
/// num.partitions pinned to Kafka's default of 1 so auto-created topics have a known shape.
/// </summary>
public sealed class DefaultBrokerFixture : BrokerFixture
{
    protected override string Name => "default";

    protected override IEnumerable<KeyValuePair<string, string>> Overrides =>
    [
        new("auto.create.topics.enable", "true"),
        new("num.partitions", "1"),
    ];
}

/// <summary>
/// Broker with deliberately small limits for the bad-input tests: 1 MiB request frames and 10,000-byte record batches.
/// </summary>
public sealed class LimitedBrokerFixture : BrokerFixture
{
    public const int SocketRequestMaxBytes = 1_048_576;
    public const int MessageMaxBytes = 10_000;

    protected override string Name => "limits";

    protected override IEnumerable<KeyValuePair<string, string>> Overrides =>
    [
        new("socket.request.max.bytes", SocketRequestMaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("message.max.bytes", MessageMaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("auto.create.topics.enable", "true"),
    ];
}
