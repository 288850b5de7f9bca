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
        var server = new RaftServer(config, log, new FileQuorumStateStore(log.Directory), new FileSnapshotStore(log.Directory),
            _network.TransportFor(id), time: TimeProvider.System, random: new Random(id));
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

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _servers.Keys.ToList()) await StopServer(id);
        _temp.Dispose();
    }
}
