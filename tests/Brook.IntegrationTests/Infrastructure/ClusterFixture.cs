namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// One <see cref="ClusterProcess"/> shared by all tests of a class (xunit IClassFixture); subclasses choose the layout.
/// Tests that kill, stop or pause a node must bring it back before they end, since the next test gets the same cluster.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    private ClusterProcess? _cluster;

    /// <summary>The running cluster (valid after xunit called <see cref="InitializeAsync"/>).</summary>
    public ClusterProcess Cluster => _cluster ?? throw new InvalidOperationException("fixture not initialised");

    /// <summary>Label used in the temp directory names.</summary>
    protected virtual string Name => "cluster";

    /// <summary>The layout (three nodes on 127.0.0.1 by default).</summary>
    protected virtual ClusterOptions Options => new();

    public async Task InitializeAsync()
    {
        Librdkafka.EnsureLoaded();
        _cluster = await ClusterProcess.StartAsync(Name, Options).ConfigureAwait(false);
    }

    public Task DisposeAsync()
    {
        _cluster?.Dispose();
        return Task.CompletedTask;
    }
}
