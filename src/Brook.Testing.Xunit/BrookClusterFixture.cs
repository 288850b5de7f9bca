using Xunit;

namespace Brook.Testing.Xunit;

/// <summary>
/// One <see cref="BrookTestCluster"/> (three brokers by default) for a test class or a collection: started before the
/// first test, disposed after the last. A test that stops a node should start it again before it ends, since the next
/// test gets the same cluster. Derive and override <see cref="Options"/> for another size or settings.
/// </summary>
public class BrookClusterFixture : IAsyncLifetime, IBrookTestServer
{
    private BrookTestCluster? _cluster;

    /// <summary>The running cluster.</summary>
    public BrookTestCluster Cluster => _cluster ?? throw new InvalidOperationException("the fixture has not been initialised by xUnit");

    /// <inheritdoc />
    public string BootstrapServers => Cluster.BootstrapServers;

    /// <summary>The options the cluster starts with; three brokers with the defaults unless overridden.</summary>
    protected virtual BrookTestClusterOptions Options => new();

    /// <inheritdoc />
    public async Task InitializeAsync() => _cluster = await BrookTestCluster.StartAsync(Options).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync().ConfigureAwait(false);
    }
}
