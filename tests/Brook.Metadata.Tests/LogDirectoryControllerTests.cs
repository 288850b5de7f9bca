using Brook.Common;

namespace Brook.Metadata.Tests;

/// <summary>
/// KIP-858 on the active controller: brokers report where their replicas live (AssignReplicasToDirs), and a heartbeat
/// naming an offline directory moves leadership and ISR membership off the replicas in it — and only those.
/// </summary>
public sealed class LogDirectoryControllerTests : IDisposable
{
    private static readonly Uuid DirA = new(10, 1);
    private static readonly Uuid DirB = new(10, 2);
    private readonly LifecycleHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Assignments_are_recorded_without_bumping_epochs_and_bad_ones_get_their_errors()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1, 2, 3);
        var topicId = await _h.CreateTopicAsync("t", 2, 2);
        var before = _h.Partition("t", 0);
        var notReplica = new[] { 1, 2, 3 }.First(b => !_h.Partition("t", 1).Replicas.Contains(b));
        var replica = before.Replicas[0];

        var result = await _h.Controller.AssignReplicasToDirsAsync(replica, _h.EpochOf(replica),
            [new DirectoryAssignment(topicId, 0, DirA), new DirectoryAssignment(topicId, 9, DirA), new DirectoryAssignment(Uuid.NewRandom(), 0, DirA)], default);
        Assert.Equal(ErrorCode.None, result.Error);
        Assert.Equal([ErrorCode.None, ErrorCode.UnknownTopicOrPartition, ErrorCode.UnknownTopicId], result.Partitions.Select(p => p.Error));
        var after = _h.Partition("t", 0);
        Assert.Equal(DirA, after.DirectoryOf(replica));
        Assert.Equal((before.LeaderEpoch, before.PartitionEpoch), (after.LeaderEpoch, after.PartitionEpoch));

        var foreign = await _h.Controller.AssignReplicasToDirsAsync(notReplica, _h.EpochOf(notReplica), [new DirectoryAssignment(topicId, 1, DirA)], default);
        Assert.Equal(ErrorCode.NotLeaderOrFollower, Assert.Single(foreign.Partitions).Error);
        var stale = await _h.Controller.AssignReplicasToDirsAsync(replica, _h.EpochOf(replica) - 1, [new DirectoryAssignment(topicId, 0, DirB)], default);
        Assert.Equal(ErrorCode.StaleBrokerEpoch, stale.Error);
        Assert.Equal(DirA, _h.Partition("t", 0).DirectoryOf(replica));
    }

    [Fact]
    public async Task An_offline_directory_moves_leadership_off_its_replicas_and_leaves_the_others_alone()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1, 2, 3);
        var topicId = await _h.CreateTopicAsync("t", 6, 3);
        // Broker 1 keeps even partitions in DirA and odd ones in DirB.
        var assignments = Enumerable.Range(0, 6).Select(i => new DirectoryAssignment(topicId, i, i % 2 == 0 ? DirA : DirB)).ToList();
        Assert.Equal(ErrorCode.None, (await _h.Controller.AssignReplicasToDirsAsync(1, _h.EpochOf(1), assignments, default)).Error);
        var before = _h.Partitions("t").ToList();
        Assert.Contains(before, p => p.Leader == 1 && p.Index % 2 == 0);

        var answer = await _h.Controller.BrokerHeartbeatAsync(new BrokerHeartbeatSpec(1, _h.EpochOf(1), _h.Image.Offset, false, false, [DirA]), default);
        Assert.Equal((ErrorCode.None, false), (answer.Error, answer.IsFenced));
        foreach (var p in _h.Partitions("t"))
        {
            var old = before[p.Index];
            if (p.Index % 2 == 0)
            {
                Assert.NotEqual(1, p.Leader);
                Assert.DoesNotContain(1, p.Isr);
                Assert.Equal(old.Leader == 1 ? old.LeaderEpoch + 1 : old.LeaderEpoch, p.LeaderEpoch);
            }
            else
            {
                Assert.Equal((old.Leader, old.LeaderEpoch, old.PartitionEpoch), (p.Leader, p.LeaderEpoch, p.PartitionEpoch));
                Assert.Contains(1, p.Isr);
            }
        }

        // The next heartbeat says the same: nothing more is written.
        var offset = _h.Image.Offset;
        await _h.Controller.BrokerHeartbeatAsync(new BrokerHeartbeatSpec(1, _h.EpochOf(1), _h.Image.Offset, false, false, [DirA]), default);
        Assert.Equal(offset, _h.Image.Offset);
    }
}
