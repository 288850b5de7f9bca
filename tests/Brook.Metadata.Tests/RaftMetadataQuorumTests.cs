using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata.Records;
using Brook.Raft;
using Brook.Raft.Messages;

namespace Brook.Metadata.Tests;

/// <summary>
/// The KRaft-backed metadata log on a single voter, as a standalone node runs it: the controller writes through it,
/// restarts replay it, and a data directory of the older single-node format is imported with its offsets kept.
/// </summary>
public sealed class RaftMetadataQuorumTests : IDisposable
{
    private static readonly BrokerEndpoint Plain = new("PLAINTEXT", "localhost", 9092, SecurityProtocol.Plaintext);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed class NoPeers : IRaftTransport
    {
        public void Send(int destinationId, RaftMessage message) { }
    }

    private sealed record Node(RaftMetadataQuorum Quorum, MetadataView View, ClusterController Controller) : IDisposable
    {
        public void Dispose() => Quorum.Dispose();
    }

    private async Task<Node> StartAsync()
    {
        var quorum = new RaftMetadataQuorum(new RaftConfig { NodeId = 1, ClusterId = "test-cluster", Voters = [1] }, _dir.Path, new NoPeers(), TimeProvider.System);
        var view = new MetadataView();
        await quorum.StartAsync(new MetadataLoader(view), default);
        await quorum.WaitUntilCaughtUpAsync(default).WaitAsync(TimeSpan.FromSeconds(20));
        return new Node(quorum, view, new ClusterController(quorum, view, new ClusterControllerOptions { ClusterId = "test-cluster" }));
    }

    [Fact]
    public async Task A_single_voter_commits_controller_writes_and_replays_them_after_a_restart()
    {
        Uuid topicId;
        using (var node = await StartAsync())
        {
            Assert.Equal(new QuorumLeader(1, node.Quorum.Leader.Epoch), node.Quorum.Leader);
            var epoch = await node.Controller.RegisterBrokerAsync(1, [Plain], "r1", default);
            await node.Controller.BrokerHeartbeatAsync(new BrokerHeartbeatSpec(1, epoch, node.View.Image.Offset, false, false), default);
            var created = await node.Controller.CreateTopicsAsync([new CreateTopicSpec("orders", 3, 1, null)], false, default);
            topicId = Assert.Single(created).TopicId;
            Assert.Equal("test-cluster", node.View.Image.ClusterId);
        }
        using (var again = await StartAsync())
        {
            var image = again.View.Image;
            Assert.Equal("test-cluster", image.ClusterId);
            Assert.Equal(3, image.TopicsById[topicId].Partitions.Length);
            Assert.Equal("r1", image.Brokers[1].Rack);
            Assert.True(again.Quorum.Leader.Epoch >= 2); // a restarted voter never leads the same epoch twice
        }
    }

    [Fact]
    public async Task A_legacy_single_node_log_is_imported_once_with_its_offsets()
    {
        var topicId = new Uuid(7, 7);
        using (var legacy = new MetadataLog(_dir.Path))
        {
            await LocalLog.AppendAsync(legacy, [new ClusterIdRecord("old-cluster"), new RegisterBrokerRecord(1, [Plain], null)], default);
            await LocalLog.AppendAsync(legacy, [new TopicRecord("t", topicId), new PartitionRecord(topicId, 0, [1], [1], 1, 0, 0)], default);
            await LocalLog.AppendAsync(legacy, [new ProducerIdsRecord(1, 2000)], default);
        }

        long brokerEpoch;
        using (var node = await StartAsync())
        {
            var image = node.View.Image;
            Assert.Equal("old-cluster", image.ClusterId);
            Assert.Equal(topicId, image.TopicsByName["t"].Id);
            Assert.Equal(2000, image.NextProducerId);
            brokerEpoch = image.Brokers[1].Epoch;
            Assert.Equal(1, brokerEpoch); // the registration's offset in the old log is kept
        }
        Assert.False(File.Exists(_dir.MetadataLogFile));
        Assert.True(File.Exists(_dir.MetadataLogFile + ".migrated"));

        using var again = await StartAsync(); // imported once: a second start just replays the KRaft log
        Assert.Equal(topicId, again.View.Image.TopicsByName["t"].Id);
        Assert.Equal(brokerEpoch, again.View.Image.Brokers[1].Epoch);
    }

    [Fact]
    public async Task Writes_before_the_leader_has_applied_its_epoch_are_not_accepted_by_another_epoch()
    {
        using var node = await StartAsync();
        var leader = node.Quorum.Leader;
        var refused = await Assert.ThrowsAsync<KafkaException>(async () =>
            await node.Quorum.AppendAsync(leader.Epoch + 1, [new ProducerIdsRecord(1, 10)], default));
        Assert.Equal(ErrorCode.NotController, refused.Code);
    }
}
