using System.Globalization;
using Brook.Common.Config;
using Brook.Server.Hosting;

namespace Brook.Testing;

/// <summary>
/// One broker of a <see cref="BrookTestBroker"/> or <see cref="BrookTestCluster"/>, running in this process: its id,
/// address and data directory, and a clean stop and a start again on the same port and data (what a rolling restart does).
/// </summary>
public sealed class BrookTestNode : IBrookTestServer
{
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly int _controllerPort;
    private readonly TimeSpan _startupTimeout;
    private readonly SemaphoreSlim _transition = new(1, 1);
    private BrookBroker? _broker;
    private int _clientPort;

    internal BrookTestNode(int nodeId, string dataDirectory, IReadOnlyDictionary<string, string> settings, int controllerPort,
        TestLogSink log, TimeSpan startupTimeout)
    {
        NodeId = nodeId;
        DataDirectory = dataDirectory;
        _settings = settings;
        _controllerPort = controllerPort;
        Log = log;
        _startupTimeout = startupTimeout;
    }

    /// <summary>The node's node.id.</summary>
    public int NodeId { get; }

    /// <summary>The node's log directory.</summary>
    public string DataDirectory { get; }

    /// <summary>True between a successful start and the next stop.</summary>
    public bool IsRunning => _broker is not null;

    /// <summary>The client listener's port on 127.0.0.1 (chosen at the first start, kept by later starts); 0 before that.</summary>
    public int Port => _clientPort;

    /// <summary>"127.0.0.1:port" of this broker alone.</summary>
    public string BootstrapServers => $"127.0.0.1:{_clientPort.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The node's most recent log lines (at most 200), whatever the options' log level.</summary>
    public string RecentLog => Log.Recent;

    internal TestLogSink Log { get; }

    /// <summary>
    /// Starts the node (again) on its data directory; the first start binds a free port, later starts the same one. A
    /// cluster node returns once it has joined the quorum and is serving.
    /// </summary>
    /// <exception cref="InvalidOperationException">The node is running, or it could not start (its log lines are in the message).</exception>
    /// <exception cref="IOException">A listener could not be bound.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _transition.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_broker is not null) throw new InvalidOperationException($"node {NodeId} is already running");
            var config = BrokerConfig.FromProperties(WithListeners(), "Brook.Testing");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_startupTimeout);
            try
            {
                _broker = await BrookBroker.StartAsync(config, Log.Configure, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new InvalidOperationException(
                    $"Brook node {NodeId} did not start within {_startupTimeout.TotalSeconds:0} s. Its log:{Environment.NewLine}{Log.Recent}");
            }
            catch (ConfigException e)
            {
                throw new InvalidOperationException($"Brook node {NodeId} cannot start: {e.Message}", e);
            }
            _clientPort = _broker.AdvertisedListeners[0].Port;
        }
        finally
        {
            _transition.Release();
        }
    }

    /// <summary>
    /// Stops the node cleanly (a cluster node first moves its leaderships away, as Kafka's controlled shutdown does) and
    /// closes its logs; the data stays. Cancelling skips what is left of the controlled shutdown. No-op when stopped.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => StopAsync(controlledShutdown: true, cancellationToken);

    /// <summary>Stops the node, with or without the controlled shutdown (a whole cluster stopping together skips it).</summary>
    internal async Task StopAsync(bool controlledShutdown, CancellationToken cancellationToken)
    {
        await _transition.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_broker is not { } broker) return;
            _broker = null;
            try
            {
                await (controlledShutdown ? broker.StopAsync(cancellationToken) : broker.StopWithoutControlledShutdownAsync(cancellationToken))
                    .ConfigureAwait(false);
            }
            catch (OperationCanceledException) { }
            await broker.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _transition.Release();
        }
    }

    /// <summary>The settings with this start's listeners: the client port bound at the first start, the controller port fixed.</summary>
    private Dictionary<string, string> WithListeners()
    {
        var settings = new Dictionary<string, string>(_settings)
        {
            ["listeners"] = _controllerPort == 0
                ? $"PLAINTEXT://127.0.0.1:{_clientPort}"
                : $"PLAINTEXT://127.0.0.1:{_clientPort},CONTROLLER://127.0.0.1:{_controllerPort}",
        };
        return settings;
    }

    /// <inheritdoc />
    public override string ToString() => $"node {NodeId} ({(IsRunning ? BootstrapServers : "stopped")})";
}
