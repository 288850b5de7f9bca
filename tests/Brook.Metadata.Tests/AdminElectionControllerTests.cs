using Brook.Common;

namespace Brook.Metadata.Tests;

/// <summary>
/// The active controller runs ElectLeaders and the automatic leader balancing against its committed image: a broker
/// that was fenced and came back in sync gets its preferred leaderships back, in one write, and only once.
/// </summary>
public sealed class AdminElectionControllerTests : IDisposable
{
    private readonly LifecycleHarness _h = new();

    public void Dispose() => _h.Dispose();

    /// <summary>
    /// Three brokers, topic "orders" (6 partitions, RF 3); broker 2 is fenced (its leaderships move away), returns and
    /// rejoins every ISR, as its leaders' AlterPartition would bring it back. Returns the partitions it is preferred for.
    /// </summary>
    private async Task<List<int>> ImbalancedClusterAsync()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1, 2, 3);
        var topicId = await _h.CreateTopicAsync("orders", 6, 3);
        var preferredBy2 = _h.Partitions("orders").Where(p => p.Replicas[0] == 2).Select(p => p.Index).ToList();
        Assert.NotEmpty(preferredBy2);
        Assert.All(preferredBy2, i => Assert.Equal(2, _h.Partition("orders", i).Leader));

        _h.Time.Advance(LifecycleHarness.SessionTimeout / 2);
        await _h.HeartbeatAsync(1);
        await _h.HeartbeatAsync(3);
        _h.Time.Advance(LifecycleHarness.SessionTimeout / 2 + TimeSpan.FromSeconds(1));
        await _h.HeartbeatAsync(1);
        await _h.HeartbeatAsync(3);
        Assert.Equal([2], await _h.Controller.FenceExpiredBrokersAsync(default));
        Assert.False((await _h.HeartbeatAsync(2)).IsFenced);
        foreach (var p in _h.Partitions("orders").ToList())
        {
            var result = await _h.Controller.AlterPartitionAsync(new AlterPartitionSpec(p.Leader, _h.EpochOf(p.Leader), topicId, p.Index,
                p.LeaderEpoch, p.PartitionEpoch, [.. p.Isr, 2]), default);
            Assert.Equal(ErrorCode.None, result.Error);
        }
        Assert.All(preferredBy2, i => Assert.NotEqual(2, _h.Partition("orders", i).Leader));
        return preferredBy2;
    }

    [Fact]
    public async Task Preferred_election_of_every_partition_moves_the_returned_broker_back_in_one_write_then_is_not_needed()
    {
        var preferredBy2 = await ImbalancedClusterAsync();
        var before = _h.Image;
        var published = 0;
        _h.View.ImagePublished += _ => published++;

        var results = await _h.Controller.ElectLeadersAsync(ElectionType.Preferred, partitions: null, default);

        Assert.Equal(preferredBy2, results.Select(r => r.Partition).Order());
        Assert.All(results, r => Assert.Equal((ErrorCode.None, "orders"), (r.ErrorCode, r.Topic)));
        Assert.Equal(1, published);
        foreach (var p in _h.Partitions("orders"))
        {
            Assert.Equal(p.Replicas[0], p.Leader);
            var old = before.TopicsByName["orders"].Partitions[p.Index];
            Assert.Equal(old.Leader == p.Leader ? old.LeaderEpoch : old.LeaderEpoch + 1, p.LeaderEpoch);
        }

        Assert.Empty(await _h.Controller.ElectLeadersAsync(ElectionType.Preferred, partitions: null, default));
        var again = await _h.Controller.ElectLeadersAsync(ElectionType.Preferred, [("orders", preferredBy2)], default);
        Assert.All(again, r => Assert.Equal(ErrorCode.ElectionNotNeeded, r.ErrorCode));
        Assert.Equal(1, published);
    }

    [Fact]
    public async Task Balancing_moves_leaderships_back_to_preferred_replicas_once()
    {
        var preferredBy2 = await ImbalancedClusterAsync();

        var moved = await _h.Controller.BalanceLeadersAsync(imbalancePercentage: 10, default);

        Assert.Equal(preferredBy2, moved.Select(c => c.Before.Index).Order());
        Assert.All(_h.Partitions("orders"), p => Assert.Equal(p.Replicas[0], p.Leader));
        Assert.Empty(await _h.Controller.BalanceLeadersAsync(imbalancePercentage: 10, default));
    }
}
