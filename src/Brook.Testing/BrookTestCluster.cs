using System.Globalization;
using Brook.ClientSupport;
using Brook.Common.Config;
using Brook.Metadata;
using Brook.Storage;
using Confluent.Kafka;

namespace Brook.Testing;

/// <summary>
/// A replicated Brook cluster in this process for a test: N nodes (3 by default), each a broker and a voter of the
/// KRaft metadata quorum, on free ports of 127.0.0.1, topics replicated three ways (or N when smaller). Nodes can be
/// stopped and started again to test fail-over. Dispose it to stop every node and delete the temporary data.
/// </summary>
public sealed class BrookTestCluster : IBrookTestServer, IAsyncDisposable
{
    /// <summary>Attempts to start when a picked controller port was taken by someone else in between.</summary>
    private const int PortAttempts = 3;

    private readonly TestDirectory _directory;
    private bool _disposed;

    private BrookTestCluster(string clusterId, IReadOnlyList<BrookTestNode> nodes, TestDirectory directory)
    {
        ClusterId = clusterId;
        Nodes = nodes;
        _directory = directory;
    }

    /// <summary>The cluster's id (meta.properties cluster.id of every node).</summary>
    public string ClusterId { get; }

    /// <summary>The nodes in id order (node 1 first).</summary>
    public IReadOnlyList<BrookTestNode> Nodes { get; }

    /// <summary>Every running node's client listener, comma-separated.</summary>
    public string BootstrapServers => string.Join(',', Nodes.Where(n => n.IsRunning).Select(n => n.BootstrapServers));

    /// <summary>The node with id <paramref name="nodeId"/> (1..N).</summary>
    public BrookTestNode Node(int nodeId) =>
        Nodes.FirstOrDefault(n => n.NodeId == nodeId) ?? throw new ArgumentOutOfRangeException(nameof(nodeId), nodeId, "no such node");

    /// <summary>Formats and starts every node together; returns once all of them are registered and serving clients.</summary>
    /// <param name="options">Size, settings, data directory and logging; three nodes with the defaults when null.</param>
    /// <param name="cancellationToken">Cancels the start-up.</param>
    public static async Task<BrookTestCluster> StartAsync(BrookTestClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new BrookTestClusterOptions();
        if (options.Brokers < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Brokers, "a cluster needs at least one broker");
        Librdkafka.EnsureLoaded();
        var directory = TestDirectory.For(options.DataDirectory, "cluster");
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var nodes = Layout(options, directory.Path);
                try
                {
                    var clusterId = FormatAll(nodes);
                    await Task.WhenAll(nodes.Select(n => n.StartAsync(cancellationToken))).ConfigureAwait(false);
                    var cluster = new BrookTestCluster(clusterId, nodes, directory);
                    await cluster.WaitForBrokersAsync(options.StartupTimeout, cancellationToken).ConfigureAwait(false);
                    return cluster;
                }
                catch (IOException) when (attempt < PortAttempts && options.DataDirectory is null)
                {
                    // A controller port went to another process between picking and binding: start afresh on new ports.
                    await StopAllAsync(nodes).ConfigureAwait(false);
                    foreach (var node in nodes) Directory.Delete(node.DataDirectory, recursive: true);
                }
                catch
                {
                    await StopAllAsync(nodes).ConfigureAwait(false);
                    throw;
                }
            }
        }
        catch
        {
            directory.DeleteIfOwned();
            throw;
        }
    }

    /// <summary>
    /// Stops every node together (a cluster that is going away needs no leadership hand-over: the controlled shutdown
    /// is skipped, the logs still close cleanly) and deletes the data unless the options named a directory to keep.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await StopAllAsync(Nodes).ConfigureAwait(false);
        _directory.DeleteIfOwned();
    }

    /// <summary>Waits until the cluster's metadata lists every running node as a broker.</summary>
    /// <exception cref="TimeoutException">Not all of them within <paramref name="timeout"/>.</exception>
    public async Task WaitForBrokersAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var expected = Nodes.Where(n => n.IsRunning).Select(n => n.NodeId).ToHashSet();
        var deadline = DateTime.UtcNow + timeout;
        using var admin = this.CreateAdminClient();
        var seen = "";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var brokers = admin.GetMetadata(TimeSpan.FromSeconds(2)).Brokers.Select(b => b.BrokerId).ToHashSet();
                if (expected.IsSubsetOf(brokers)) return;
                seen = string.Join(",", brokers.Order());
            }
            catch (KafkaException e)
            {
                seen = e.Error.Reason;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the cluster's metadata lists brokers [{seen}], not all of [{string.Join(",", expected.Order())}]");
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private static List<BrookTestNode> Layout(BrookTestClusterOptions options, string root)
    {
        var controllerPorts = LoopbackPorts.Pick(options.Brokers);
        var voters = string.Join(',', controllerPorts.Select((port, i) => $"{i + 1}@127.0.0.1:{port}"));
        var nodes = new List<BrookTestNode>();
        for (var i = 0; i < options.Brokers; i++)
        {
            var nodeId = i + 1;
            var dataDirectory = Path.Combine(root, $"node-{nodeId}");
            Directory.CreateDirectory(dataDirectory);
            var layout = new Dictionary<string, string>
            {
                ["process.roles"] = "broker,controller",
                ["node.id"] = nodeId.ToString(CultureInfo.InvariantCulture),
                ["controller.quorum.voters"] = voters,
                ["controller.listener.names"] = "CONTROLLER",
                ["listener.security.protocol.map"] = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                ["inter.broker.listener.name"] = "PLAINTEXT",
            };
            foreach (var (key, value) in TestBrokerSettings.ClusterSettings(options.Brokers)) layout[key] = value;
            var settings = TestBrokerSettings.For(dataDirectory, options, layout);
            nodes.Add(new BrookTestNode(nodeId, dataDirectory, settings, controllerPorts[i],
                new TestLogSink($"node-{nodeId}", options.Log, options.LogLevel), options.StartupTimeout));
        }
        return nodes;
    }

    /// <summary>Formats every node's directory for one cluster id (a persistent directory keeps the id it was formatted with).</summary>
    private static string FormatAll(List<BrookTestNode> nodes)
    {
        var existing = nodes.Select(n => MetaProperties.Read(n.DataDirectory)?.ClusterId).FirstOrDefault(id => id is not null);
        var clusterId = existing ?? StorageFormat.RandomClusterId();
        foreach (var node in nodes)
        {
            var config = BrokerConfig.FromProperties(new Dictionary<string, string>
            {
                ["process.roles"] = "broker,controller",
                ["node.id"] = node.NodeId.ToString(CultureInfo.InvariantCulture),
                ["log.dirs"] = node.DataDirectory,
            }, "Brook.Testing");
            StorageFormat.Format(config, clusterId, ignoreFormatted: true);
        }
        return clusterId;
    }

    private static Task StopAllAsync(IEnumerable<BrookTestNode> nodes) =>
        Task.WhenAll(nodes.Select(n => n.StopAsync(controlledShutdown: false, CancellationToken.None)));
}
