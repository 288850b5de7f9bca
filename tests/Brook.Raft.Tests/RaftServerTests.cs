using System.Collections.Concurrent;
using System.Text;
using Brook.Raft.Storage;

namespace Brook.Raft.Tests;

/// <summary>Three <see cref="RaftServer"/>s on real files, a loopback network and the real clock, with short timeouts.</summary>
public sealed class RaftServerTests : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _temp = new();
    private readonly LoopbackNetwork _network = new();
    private readonly Dictionary<int, RaftServer> _servers = [];
    private readonly Dictionary<int, FileRaftLog> _logs = [];
    private readonly ConcurrentDictionary<int, ConcurrentQueue<CommittedBatch>> _commits = new();

    private readonly ConcurrentDictionary<int, ConcurrentQueue<RaftSnapshot>> _snapshotLoads = new();

    private RaftServer StartServer(int id)
    {
        var config = new RaftConfig
        {
            NodeId = id,
            ClusterId = "loopback",
            Voters = [1, 2, 3],
            ElectionTimeoutMs = 150,
            FetchTimeoutMs = 500,
            FetchMaxWaitMs = 100,
            RequestTimeoutMs = 300,
            RetryBackoffMs = 10,
            ElectionBackoffMaxMs = 200,
        };
        var log = FileRaftLog.Open(Path.Combine(_temp.Path, $"node-{id}"), TimeProvider.System);
        _logs[id] = log;
        var loads = _snapshotLoads[id] = new ConcurrentQueue<RaftSnapshot>();
        var server = new RaftServer(config, log, new FileQuorumStateStore(log.Directory), new FileSnapshotStore(log.Directory),
            _network.TransportFor(id), new SnapshotRecorder(loads), TimeProvider.System, new Random(id));
        var commits = _commits[id] = new ConcurrentQueue<CommittedBatch>();
        server.Committed += b => commits.Enqueue(b);
        _network.Attach(server);
        server.Start();
        _servers[id] = server;
        return server;
    }

    private async Task StopServer(int id)
    {
        await _servers[id].DisposeAsync();
        _network.Detach(id);
        _servers.Remove(id);
        _logs[id].Dispose();
        _logs.Remove(id);
    }

    private async Task<RaftServer> AwaitLeader()
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            var leaders = _servers.Values.Where(s => s.IsLeader).ToList();
            if (leaders.Count == 1 && _servers.Values.All(s => s.CurrentLeader == leaders[0].CurrentLeader)) return leaders[0];
            await Task.Delay(20);
        }
        throw new TimeoutException("no leader: " + string.Join("; ", _servers.Values.Select(s => $"{s.NodeId} {s.Role} {s.CurrentLeader}")));
    }

    private static List<string> Values(IEnumerable<CommittedBatch> batches) =>
        [.. batches.Where(b => !b.IsControl).SelectMany(b => b.Records).Select(r => Encoding.UTF8.GetString(r))];

    private async Task AwaitCommitted(int id, int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (Values(_commits[id]).Count < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"node {id} has {Values(_commits[id]).Count} of {count} records");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Three_servers_elect_commit_and_survive_stopping_the_leader()
    {
        foreach (var id in new[] { 1, 2, 3 }) StartServer(id);
        var leader = await AwaitLeader();

        var offsets = new List<long>();
        for (var i = 0; i < 10; i++) offsets.Add(await leader.AppendAsync([Encoding.UTF8.GetBytes($"r{i}")]).WaitAsync(Patience));
        Assert.Equal(offsets.Order(), offsets);
        foreach (var id in _servers.Keys) await AwaitCommitted(id, 10);
        foreach (var id in _servers.Keys) Assert.Equal(Enumerable.Range(0, 10).Select(i => $"r{i}"), Values(_commits[id]));

        var follower = _servers.Values.First(s => !s.IsLeader);
        await Assert.ThrowsAsync<NotLeaderException>(() => follower.AppendAsync([[1]]));
        var info = await leader.DescribeQuorumAsync();
        Assert.Equal(3, info.Voters.Count);
        Assert.Equal(leader.NodeId, info.LeaderId);

        // Graceful stop of the leader: EndQuorumEpoch makes a successor take over quickly.
        var oldLeader = leader.NodeId;
        var oldEpoch = leader.CurrentLeader.Epoch;
        await StopServer(oldLeader);
        leader = await AwaitLeader();
        Assert.NotEqual(oldLeader, leader.NodeId);
        Assert.True(leader.CurrentLeader.Epoch > oldEpoch);
        await leader.AppendAsync([Encoding.UTF8.GetBytes("after")]).WaitAsync(Patience);
        foreach (var id in _servers.Keys) await AwaitCommitted(id, 11);

        // The old leader comes back and catches up (its listener replays the log from the start).
        StartServer(oldLeader);
        await AwaitCommitted(oldLeader, 11);
        Assert.Equal([.. Enumerable.Range(0, 10).Select(i => $"r{i}"), "after"], Values(_commits[oldLeader]));
    }

    [Fact]
    public async Task An_append_fails_when_the_leader_is_cut_off_before_it_commits()
    {
        foreach (var id in new[] { 1, 2, 3 }) StartServer(id);
        var leader = await AwaitLeader();
        _network.CutOff(leader.NodeId, true);
        var append = leader.AppendAsync([Encoding.UTF8.GetBytes("lost")]);
        // Check-quorum makes the isolated leader resign, which fails the append.
        await Assert.ThrowsAsync<NotLeaderException>(() => append.WaitAsync(Patience));
        _network.CutOff(leader.NodeId, false);
        var newLeader = await AwaitLeader();
        await newLeader.AppendAsync([Encoding.UTF8.GetBytes("kept")]).WaitAsync(Patience);
    }

    /// <summary>
    /// Appends on whichever server leads. Under a loaded machine (the real clock, 500 ms fetch timeout) a leader can
    /// resign between elections; a NotLeaderException then means "ask the new leader", as a real client would.
    /// </summary>
    private async Task<long> AppendOnLeader(string value)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var leader = await AwaitLeader();
            try
            {
                return await leader.AppendAsync([Encoding.UTF8.GetBytes(value)]).WaitAsync(Patience);
            }
            catch (NotLeaderException) when (DateTime.UtcNow < deadline)
            {
                // Leadership moved while the append was in flight; retry on the new leader.
            }
        }
    }

    [Fact]
    public async Task An_observer_started_after_a_snapshot_loads_it_then_follows()
    {
        foreach (var id in new[] { 1, 2, 3 }) StartServer(id);
        for (var i = 0; i < 20; i++) await AppendOnLeader($"r{i}");
        // Every voter snapshots, so the observer finds a log start above its empty log whichever voter leads when it
        // starts fetching (leadership may move on a loaded machine).
        foreach (var id in _servers.Keys) await AwaitCommitted(id, 20);
        foreach (var (id, server) in _servers)
        {
            var applied = _commits[id].Last().NextOffset;
            var snapshot = await server.CreateSnapshotAsync(applied, [Encoding.UTF8.GetBytes("state of 20 records")]);
            Assert.Equal(applied, snapshot.Offset);
            Assert.True(File.Exists(Path.Combine(_logs[id].Directory, FileSnapshotStore.FileName(snapshot))));
        }

        StartServer(4); // not a voter: an observer, whose empty log is below the leader's log start
        await AppendOnLeader("after the snapshot");
        await AwaitCommitted(4, 1);
        Assert.Equal("state of 20 records", Encoding.UTF8.GetString(Assert.Single(_snapshotLoads[4]).Records.Single()));
        Assert.Equal(["after the snapshot"], Values(_commits[4]));
        var info = await (await AwaitLeader()).DescribeQuorumAsync();
        Assert.Equal(4, Assert.Single(info.Observers).ReplicaId);
    }

    /// <summary>Collects snapshot loads (called on the server's loop thread).</summary>
    private sealed class SnapshotRecorder(ConcurrentQueue<RaftSnapshot> loads) : IRaftListener
    {
        public void OnCommit(CommittedBatch batch) { }
        public void OnSnapshotLoad(RaftSnapshot snapshot) => loads.Enqueue(snapshot);
        public void OnLeaderChange(Messages.LeaderAndEpoch leader) { }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _servers.Keys.ToList()) await StopServer(id);
        _temp.Dispose();
    }
}
