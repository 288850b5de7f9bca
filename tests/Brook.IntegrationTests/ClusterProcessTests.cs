using System.Net.Sockets;
using Brook.IntegrationTests.Infrastructure;

namespace Brook.IntegrationTests;

/// <summary>The three-node layout of the harness's own tests: racks and per-node keys, so both can be checked.</summary>
public sealed class HarnessClusterFixture : ClusterFixture
{
    protected override string Name => "harness";

    protected override ClusterOptions Options => new()
    {
        Racks = ["rack-a", "rack-b", "rack-c"],
        Overrides = [new("num.partitions", "3")],
        NodeOverrides = id => id == 2 ? [new("message.max.bytes", "500000")] : [],
    };
}

/// <summary>
/// The cluster harness without the cluster logic: three formatted combined nodes start as real processes and serve
/// their controller listeners; Pause/Resume, Stop/Kill and Restart do what they say. Whether the quorum elects a leader
/// (and so whether the client listeners open) is the replication work's to prove, not asserted here.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterProcessTests : IClassFixture<HarnessClusterFixture>, IDisposable
{
    private static readonly TimeSpan Probe = TimeSpan.FromSeconds(5);
    private readonly ClusterProcess _cluster;
    private readonly ClusterLogReporter _logs;

    public ClusterProcessTests(HarnessClusterFixture fixture, ITestOutputHelper output)
    {
        _cluster = fixture.Cluster;
        _logs = new ClusterLogReporter(_cluster, output);
    }

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task ThreeFormattedNodesServeTheirControllerListenersAndBindTheirClientListeners()
    {
        Assert.Equal([1, 2, 3], _cluster.Nodes.Select(n => n.NodeId));
        Assert.Equal(string.Join(',', _cluster.Nodes.Select(n => $"127.0.0.1:{n.ClientPort}")), _cluster.BootstrapServers);
        foreach (var node in _cluster.Nodes)
        {
            var meta = File.ReadAllLines(Path.Combine(node.DataDirectory, "meta.properties"));
            Assert.Contains($"cluster.id={_cluster.ClusterId}", meta);
            Assert.Contains($"node.id={node.NodeId}", meta);

            Assert.True(await node.AnswersApiVersionsAsync(ClusterListener.Controller, Probe), $"{node} controller listener");
            // The client listener is bound, but serves requests only once the node has caught up with an elected leader
            // (BrokerReadiness); until the quorum transport exists it closes connections, so only the bind is checked.
            Assert.True(await IsListeningAsync(node, ClusterListener.Client), $"{node} client listener");
        }
    }

    [Fact]
    public void EveryNodeRunsWithTheQuorumSettingsItsRackAndItsOwnKeys()
    {
        foreach (var node in _cluster.Nodes)
        {
            var log = node.Log;
            Assert.Contains($"config controller.quorum.voters = {_cluster.QuorumVoters} (command line)", log);
            Assert.Contains("config process.roles = broker,controller (command line)", log);
            Assert.Contains($"config node.id = {node.NodeId} (command line)", log);
            Assert.Contains($"config broker.rack = {node.Rack} (command line)", log);
            Assert.Contains("config num.partitions = 3 (command line)", log);
            Assert.Equal(node.NodeId == 2, log.Contains("config message.max.bytes = 500000 (command line)", StringComparison.Ordinal));
        }
        Assert.Equal(["rack-a", "rack-b", "rack-c"], _cluster.Nodes.Select(n => n.Rack));
    }

    [Fact]
    public async Task APausedNodeStopsAnsweringUntilResumed()
    {
        var node = _cluster.Node(2);
        node.Pause();
        try
        {
            Assert.Equal('T', ProcessState(node.ProcessId)); // stopped by a signal
            // The kernel still completes the TCP handshake of a stopped process; nothing answers the request.
            Assert.False(await node.AnswersApiVersionsAsync(ClusterListener.Controller, TimeSpan.FromSeconds(1)));
            Assert.True(await _cluster.Node(1).AnswersApiVersionsAsync(ClusterListener.Controller, Probe));
        }
        finally
        {
            node.Resume();
        }

        Assert.NotEqual('T', ProcessState(node.ProcessId));
        Assert.True(await node.AnswersApiVersionsAsync(ClusterListener.Controller, Probe));
    }

    [Fact]
    public async Task StoppedAndKilledNodesRestartOnTheirFormattedDirectories()
    {
        var stopped = _cluster.Node(1);
        var killed = _cluster.Node(3);
        var metaBefore = await File.ReadAllTextAsync(Path.Combine(killed.DataDirectory, "meta.properties"));

        try
        {
            Assert.Equal(0, await stopped.StopAsync());
            killed.Kill();
            Assert.False(stopped.IsRunning);
            Assert.False(killed.IsRunning);
            Assert.False(await killed.AnswersApiVersionsAsync(ClusterListener.Controller, TimeSpan.FromSeconds(1)));
        }
        finally
        {
            // The next test gets the same cluster: bring back whatever is down, even after a failed assertion.
            await Task.WhenAll(_cluster.Nodes.Where(n => !n.IsRunning).Select(n => n.RestartAsync()));
        }

        Assert.True(await stopped.AnswersApiVersionsAsync(ClusterListener.Controller, Probe));
        Assert.True(await killed.AnswersApiVersionsAsync(ClusterListener.Controller, Probe));
        Assert.Equal(metaBefore, await File.ReadAllTextAsync(Path.Combine(killed.DataDirectory, "meta.properties")));
        Assert.Contains("killed with SIGKILL", killed.Log);
    }

    /// <summary>
    /// True when something accepts TCP connections on the listener: the connect succeeds, or is reset because the
    /// broker aborts it at once (a node not yet ready does that); false when refused (nothing bound).
    /// </summary>
    private static async Task<bool> IsListeningAsync(ClusterNode node, ClusterListener listener)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(node.EndPoint(listener)).WaitAsync(Probe);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return false;
        }
    }

    /// <summary>The state letter of /proc/&lt;pid&gt;/stat (R running, S sleeping, T stopped, ...).</summary>
    internal static char ProcessState(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[stat.LastIndexOf(')') + 2]; // the command name in parentheses may itself contain spaces
    }
}

/// <summary>
/// A cluster inside a network namespace: every node on its own address with the same ports, reached by the test
/// process over the veth link, run through ip netns exec (so its process id is the broker's), and cut off and back.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class NamespacedClusterProcessTests(ITestOutputHelper output)
{
    [NetworkNamespaceFact]
    public async Task NodesBindTheirOwnAddressesAndCanBeCutOffAndPaused()
    {
        await using var cluster = await ClusterProcess.StartAsync("netns", new ClusterOptions { InNetworkNamespace = true });
        using var logs = new ClusterLogReporter(cluster, output);
        var ns = cluster.Namespace!;
        var probe = TimeSpan.FromSeconds(5);
        var blackholed = TimeSpan.FromSeconds(1);

        Assert.Equal(ns.Hosts.Take(3), cluster.Nodes.Select(n => n.Address));
        var nsInode = new FileInfo($"/run/netns/{ns.Name}");
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(ClusterProcess.NamespaceControllerPort, node.ControllerPort);
            Assert.True(await node.AnswersApiVersionsAsync(ClusterListener.Controller, probe), $"{node} controller listener");
            Assert.Equal("dotnet", File.ReadAllText($"/proc/{node.ProcessId}/comm").Trim());
            Assert.Equal(NamespaceId($"/run/netns/{ns.Name}"), NamespaceId($"/proc/{node.ProcessId}/ns/net"));
        }
        Assert.True(nsInode.Exists);

        var first = cluster.Node(1);
        cluster.CutFromClients(first);
        Assert.False(await first.AnswersApiVersionsAsync(ClusterListener.Controller, blackholed));
        Assert.True(await cluster.Node(2).AnswersApiVersionsAsync(ClusterListener.Controller, probe));
        cluster.HealAll();
        Assert.True(await first.AnswersApiVersionsAsync(ClusterListener.Controller, probe));

        var second = cluster.Node(2);
        second.Pause();
        Assert.Equal('T', ClusterProcessTests.ProcessState(second.ProcessId));
        Assert.False(await second.AnswersApiVersionsAsync(ClusterListener.Controller, blackholed));
        second.Resume();
        Assert.True(await second.AnswersApiVersionsAsync(ClusterListener.Controller, probe));
    }

    /// <summary>The namespace an nsfs file (a /run/netns entry or /proc/&lt;pid&gt;/ns/net) refers to, as "net:[inode]".</summary>
    private static string NamespaceId(string path)
    {
        var target = File.ResolveLinkTarget(path, returnFinalTarget: false)?.Name;
        if (target is not null) return target; // /proc/<pid>/ns/net is a magic link named net:[inode]
        return $"net:[{Inode(path)}]";         // /run/netns/<name> is the namespace bind-mounted on a file
    }

    private static ulong Inode(string path)
    {
        var result = ProcessRunner.RunAsync("/usr/bin/stat", ["-L", "-c", "%i", path]).GetAwaiter().GetResult();
        return ulong.Parse(result.StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
