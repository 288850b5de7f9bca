using System.Globalization;
using System.Net;
using System.Text;
using Brook.Metadata;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>How <see cref="ClusterProcess.StartAsync"/> lays out a cluster.</summary>
public sealed record ClusterOptions
{
    /// <summary>Number of combined broker + controller nodes, ids 1..N, all voters.</summary>
    public int Nodes { get; init; } = 3;

    /// <summary>Broker-only nodes (process.roles=broker, no controller listener) after the voters: ids N+1..N+M.</summary>
    public int BrokerOnlyNodes { get; init; }

    /// <summary>
    /// Run the nodes inside a fresh <see cref="NetworkNamespace"/>, each on its own address, so links between them (and
    /// between them and the test process) can be cut. Needs root; use with <see cref="NetworkNamespaceFactAttribute"/>.
    /// Without it the nodes share 127.0.0.1 on free ports and no link can be cut.
    /// </summary>
    public bool InNetworkNamespace { get; init; }

    /// <summary>broker.rack per node (index 0 is node 1); null or a shorter list leaves the rest unset.</summary>
    public IReadOnlyList<string?>? Racks { get; init; }

    /// <summary>Extra keys for every node (after the cluster's own, so they can replace them).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Overrides { get; init; } = [];

    /// <summary>Log directories a node has after its own data directory (node id → paths); none when null.</summary>
    public Func<int, IReadOnlyList<string>>? ExtraLogDirs { get; init; }

    /// <summary>Extra keys for one node (node id → pairs), applied last.</summary>
    public Func<int, IEnumerable<KeyValuePair<string, string>>>? NodeOverrides { get; init; }

    /// <summary>
    /// The listener whose ApiVersions answer means a node has started (at start and restart). The controller listener
    /// answers once bound; the client listener only once the node has caught up with an elected quorum leader.
    /// </summary>
    public ClusterListener ReadyOn { get; init; } = ClusterListener.Controller;

    /// <summary>How long each node may take to start (the nodes start together, on a small CI machine).</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// A multi-node Brook cluster of real processes: each node a <see cref="BrokerProcess"/> with the KRaft settings of a
/// combined broker + controller (process.roles, node.id, controller.quorum.voters, a PLAINTEXT and a CONTROLLER
/// listener), its directory formatted with <c>brook storage format</c> and one random cluster id before the first start,
/// all nodes started together. Per-node Kill/Stop/Restart/Pause/Resume; link faults through <see cref="Namespace"/>.
/// Disposal kills every node, deletes the directories and the namespace.
/// </summary>
public sealed class ClusterProcess : IAsyncDisposable, IDisposable
{
    /// <summary>Ports of every node inside a namespace (each node has its own address there, so they do not clash).</summary>
    public const int NamespaceClientPort = 9092;
    public const int NamespaceControllerPort = 9093;

    private bool _disposed;

    private ClusterProcess(string clusterId, IReadOnlyList<ClusterNode> nodes, NetworkNamespace? ns)
    {
        ClusterId = clusterId;
        Nodes = nodes;
        Namespace = ns;
    }

    /// <summary>The id every node was formatted with (meta.properties cluster.id).</summary>
    public string ClusterId { get; }

    /// <summary>The nodes in id order (node 1 first).</summary>
    public IReadOnlyList<ClusterNode> Nodes { get; }

    /// <summary>The namespace the nodes run in (null unless <see cref="ClusterOptions.InNetworkNamespace"/>).</summary>
    public NetworkNamespace? Namespace { get; }

    /// <summary>Every node's client listener, comma-separated, for bootstrap.servers.</summary>
    public string BootstrapServers => string.Join(',', Nodes.Select(n => n.BootstrapServers));

    /// <summary>The controller.quorum.voters value every node runs with.</summary>
    public string QuorumVoters => string.Join(',', Nodes.Where(n => n.IsVoter).Select(n => $"{n.NodeId}@{n.ControllerEndpoint}"));

    /// <summary>The node with id <paramref name="nodeId"/>.</summary>
    public ClusterNode Node(int nodeId) =>
        Nodes.FirstOrDefault(n => n.NodeId == nodeId) ?? throw new ArgumentOutOfRangeException(nameof(nodeId), nodeId, "no such node");

    /// <summary>Every node's output so far, one section per node.</summary>
    public string Log
    {
        get
        {
            var sb = new StringBuilder();
            foreach (var node in Nodes) sb.Append("--- node ").Append(node.NodeId).AppendLine(" ---").Append(node.Log);
            return sb.ToString();
        }
    }

    /// <summary>
    /// Sets up, formats and starts a cluster; returns when every node answers ApiVersions on its
    /// <see cref="ClusterOptions.ReadyOn"/> listener. On failure everything is cleaned up and the nodes' logs are in the exception.
    /// </summary>
    /// <param name="name">Short label for the temp directories.</param>
    public static async Task<ClusterProcess> StartAsync(string name, ClusterOptions? options = null)
    {
        options ??= new ClusterOptions();
        if (options.Nodes < 1) throw new ArgumentOutOfRangeException(nameof(options), "a cluster needs at least one node");
        var total = options.Nodes + options.BrokerOnlyNodes;
        var ns = options.InNetworkNamespace ? NetworkNamespace.Create(total) : null;
        var nodes = new List<ClusterNode>();
        try
        {
            var layout = Layout(total, ns);
            var voters = string.Join(',', layout.Take(options.Nodes).Select((l, i) => $"{i + 1}@{l.Address}:{l.ControllerPort}"));
            for (var i = 0; i < total; i++)
            {
                var nodeId = i + 1;
                var voter = i < options.Nodes;
                var (address, clientPort, controllerPort) = layout[i];
                if (!voter) controllerPort = 0;
                var rack = options.Racks is { } racks && i < racks.Count ? racks[i] : null;
                var overrides = new List<KeyValuePair<string, string>>
                {
                    new("process.roles", voter ? "broker,controller" : "broker"),
                    new("node.id", nodeId.ToString(CultureInfo.InvariantCulture)),
                    new("controller.quorum.voters", voters),
                    new("listeners", voter ? $"PLAINTEXT://{address}:{clientPort},CONTROLLER://{address}:{controllerPort}" : $"PLAINTEXT://{address}:{clientPort}"),
                    new("controller.listener.names", "CONTROLLER"),
                    new("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                    new("inter.broker.listener.name", "PLAINTEXT"),
                };
                if (rack is not null) overrides.Add(new("broker.rack", rack));
                overrides.AddRange(options.Overrides);
                if (options.NodeOverrides is { } perNode) overrides.AddRange(perNode(nodeId));

                var process = BrokerProcess.Create($"{name}-n{nodeId}", Deduplicate(overrides), new BrokerProcessOptions
                {
                    Host = address.ToString(),
                    Port = clientPort,
                    ReadinessPort = options.ReadyOn == ClusterListener.Client || !voter ? clientPort : controllerPort,
                    Launcher = ns?.Launcher ?? [],
                    StartupTimeout = options.StartupTimeout,
                    ExtraLogDirs = options.ExtraLogDirs?.Invoke(nodeId) ?? [],
                });
                nodes.Add(new ClusterNode(nodeId, address, clientPort, controllerPort, rack, process));
            }

            var clusterId = StorageFormat.RandomClusterId();
            await Task.WhenAll(nodes.Select(n => FormatAsync(n, clusterId))).ConfigureAwait(false);
            await Task.WhenAll(nodes.Select(n => n.Process.RestartAsync())).ConfigureAwait(false);
            return new ClusterProcess(clusterId, nodes, ns);
        }
        catch
        {
            foreach (var node in nodes) node.Process.Dispose();
            ns?.Dispose();
            throw;
        }
    }

    /// <summary>Waits until every running node answers ApiVersions on <paramref name="listener"/>.</summary>
    public Task WaitUntilServingAsync(ClusterListener listener, TimeSpan timeout) =>
        Task.WhenAll(Nodes.Where(n => n.IsRunning).Select(n => n.WaitUntilServingAsync(listener, timeout)));

    /// <summary>
    /// Cuts every node of <paramref name="side"/> off every node not in it, both ways (the test process still reaches
    /// all). Needs <see cref="ClusterOptions.InNetworkNamespace"/>.
    /// </summary>
    public void Partition(params ClusterNode[] side)
    {
        var ns = RequireNamespace();
        foreach (var inside in side)
            foreach (var outside in Nodes.Except(side))
                ns.Cut(inside.Address, outside.Address);
    }

    /// <summary>Cuts the link between two nodes (both ways, or only packets from <paramref name="from"/> to <paramref name="to"/>).</summary>
    public void Cut(ClusterNode from, ClusterNode to, LinkDirection direction = LinkDirection.Both) =>
        RequireNamespace().Cut(from.Address, to.Address, direction);

    /// <summary>Cuts the test process (all clients) off <paramref name="node"/>; the node still reaches the others.</summary>
    public void CutFromClients(ClusterNode node) => RequireNamespace().Cut(RequireNamespace().RootAddress, node.Address);

    /// <summary>Removes every cut.</summary>
    public void HealAll() => RequireNamespace().HealAll();

    /// <summary>SIGKILL to every running node.</summary>
    public void KillAll()
    {
        foreach (var node in Nodes) node.Kill();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        // Kill first, together: a node that outlived its peers would spend its last moments retrying them.
        KillAll();
        foreach (var node in Nodes) node.Process.Dispose();
        Namespace?.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private NetworkNamespace RequireNamespace() =>
        Namespace ?? throw new InvalidOperationException("link faults need a cluster started with ClusterOptions.InNetworkNamespace");

    /// <summary>Address and ports per node: the namespace's hosts on fixed ports, or 127.0.0.1 on distinct free ports.</summary>
    private static List<(IPAddress Address, int ClientPort, int ControllerPort)> Layout(int count, NetworkNamespace? ns)
    {
        if (ns is not null)
            return [.. ns.Hosts.Take(count).Select(h => (h, NamespaceClientPort, NamespaceControllerPort))];
        var ports = new HashSet<int>();
        while (ports.Count < 2 * count) ports.Add(FreePort.Pick());
        var list = ports.ToList();
        return [.. Enumerable.Range(0, count).Select(i => (IPAddress.Loopback, list[2 * i], list[2 * i + 1]))];
    }

    private static async Task FormatAsync(ClusterNode node, string clusterId)
    {
        var result = await BrookCli.RunAsync(
            ["storage", "format", "--cluster-id", clusterId, .. BrookCli.OverrideArguments(node.Process.Overrides)]).ConfigureAwait(false);
        if (result.ExitCode != 0) throw new InvalidOperationException($"brook storage format failed for node {node.NodeId}: {result}");
    }

    /// <summary>Later pairs win, as on the command line; keeping one per key makes the logged command readable.</summary>
    private static List<KeyValuePair<string, string>> Deduplicate(List<KeyValuePair<string, string>> overrides)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var pair in overrides)
        {
            result.RemoveAll(p => p.Key == pair.Key);
            result.Add(pair);
        }
        return result;
    }
}
