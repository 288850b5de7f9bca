namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// <see cref="BrokerLogReporter"/> for a cluster: copies what each node printed while one test ran into that test's
/// output, one section per node (xunit shows it for failures). Create at the start of a test, dispose at its end.
/// </summary>
public sealed class ClusterLogReporter : IDisposable
{
    private readonly ClusterProcess _cluster;
    private readonly ITestOutputHelper _output;
    private readonly int[] _start;

    public ClusterLogReporter(ClusterProcess cluster, ITestOutputHelper output)
    {
        _cluster = cluster;
        _output = output;
        _start = [.. cluster.Nodes.Select(n => n.Process.LogLength)];
    }

    public void Dispose()
    {
        for (var i = 0; i < _cluster.Nodes.Count; i++)
        {
            var node = _cluster.Nodes[i];
            BrokerLogReporter.Write(_output, node.Process.LogSince(_start[i]), $"node {node.NodeId}");
        }
    }
}
