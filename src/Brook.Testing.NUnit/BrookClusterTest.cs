using NUnit.Framework;

namespace Brook.Testing.NUnit;

/// <summary>
/// Base class of an NUnit fixture whose tests share one <see cref="BrookTestCluster"/> (three brokers by default):
/// started before the first test (OneTimeSetUp), disposed after the last. A test that stops a node should start it
/// again before it ends. Override <see cref="Options"/> for another size or settings.
/// </summary>
public abstract class BrookClusterTest : IBrookTestServer
{
    private BrookTestCluster? _cluster;

    /// <summary>The running cluster.</summary>
    protected BrookTestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster starts in OneTimeSetUp");

    /// <inheritdoc />
    public string BootstrapServers => Cluster.BootstrapServers;

    /// <summary>The options the cluster starts with: three brokers, warnings to NUnit's progress output.</summary>
    protected virtual BrookTestClusterOptions Options => new() { Log = TestContext.Progress.WriteLine };

    /// <summary>Starts the cluster.</summary>
    [OneTimeSetUp]
    public async Task StartBrookClusterAsync() => _cluster = await BrookTestCluster.StartAsync(Options).ConfigureAwait(false);

    /// <summary>Stops every node and deletes the temporary data.</summary>
    [OneTimeTearDown]
    public async Task StopBrookClusterAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync().ConfigureAwait(false);
        _cluster = null;
    }
}
