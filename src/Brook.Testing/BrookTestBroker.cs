using Brook.ClientSupport;

namespace Brook.Testing;

/// <summary>
/// A single Brook broker in this process for a test: a free port on 127.0.0.1, a temporary data directory (or the
/// options' persistent one), Kafka clients connect to <see cref="BootstrapServers"/>. Dispose it to stop it and delete
/// its temporary data.
/// </summary>
/// <example>
/// <code>
/// await using var broker = await BrookTestBroker.StartAsync();
/// await broker.CreateTopicAsync("orders", partitions: 3);
/// using var producer = broker.CreateProducer&lt;string, string&gt;();
/// </code>
/// </example>
public sealed class BrookTestBroker : IBrookTestServer, IAsyncDisposable
{
    private readonly TestDirectory _directory;
    private bool _disposed;

    private BrookTestBroker(BrookTestNode node, TestDirectory directory)
    {
        Node = node;
        _directory = directory;
    }

    /// <summary>The broker itself, to stop and start it again.</summary>
    public BrookTestNode Node { get; }

    /// <inheritdoc />
    public string BootstrapServers => Node.BootstrapServers;

    /// <summary>The broker's data directory.</summary>
    public string DataDirectory => _directory.Path;

    /// <summary>Starts a broker and returns once it serves clients.</summary>
    /// <param name="options">Settings, data directory and logging; the defaults when null.</param>
    /// <param name="cancellationToken">Cancels the start-up.</param>
    public static async Task<BrookTestBroker> StartAsync(BrookTestOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new BrookTestOptions();
        Librdkafka.EnsureLoaded();
        var directory = TestDirectory.For(options.DataDirectory, "broker");
        var log = new TestLogSink("broker", options.Log, options.LogLevel);
        var node = new BrookTestNode(1, directory.Path, TestBrokerSettings.For(directory.Path, options, []), controllerPort: 0, log,
            options.StartupTimeout);
        try
        {
            await node.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            directory.DeleteIfOwned();
            throw;
        }
        return new BrookTestBroker(node, directory);
    }

    /// <summary>Stops the broker (if running) and deletes its data unless the options named a directory to keep.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await Node.StopAsync().ConfigureAwait(false);
        _directory.DeleteIfOwned();
    }
}
