using Brook.Common;
using Brook.Metadata.Records;

namespace Brook.Metadata.Tests;

/// <summary>
/// Eligible leader replicas (KIP-966) on the active controller: a partition of replication factor 3 with
/// min.insync.replicas=2 losing its brokers one by one keeps the replicas that left its ISR below min ISR as eligible
/// leaders and its last leader as the last known leader, elects from them when they return, forgets a replica whose
/// broker comes back from an unclean shutdown, and clears both lists once the ISR is back at min ISR.
/// </summary>
public sealed class EligibleLeaderReplicasTests : IDisposable
{
    private readonly LifecycleHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static Dictionary<string, string?> MinIsr(int n) => new() { ["min.insync.replicas"] = n.ToString() };

    /// <summary>One partition on brokers 1, 2, 3 led by 1; returns it with its topic id.</summary>
    private async Task<Uuid> ThreeReplicasAsync(int minIsr = 2)
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1, 2, 3);
        var topicId = await _h.CreateTopicAsync("t", 1, 3, MinIsr(minIsr));
        Assert.Equal(3, _h.Partition("t", 0).Isr.Length);
        return topicId;
    }

    private PartitionImage P => _h.Partition("t", 0);

    /// <summary>Fences the brokers in order, the way the leader of the partition is lost last.</summary>
    private async Task<int[]> FenceAllButOrderAsync()
    {
        var leader = P.Leader;
        var others = P.Replicas.Where(r => r != leader).ToArray();
        await _h.HeartbeatAsync(others[0], wantFence: true);
        Assert.Equal(2, P.Isr.Length);
        Assert.Empty(P.Elr); // the ISR is still at min ISR: the high watermark moves on without the one that left
        await _h.HeartbeatAsync(others[1], wantFence: true);
        Assert.Equal([leader], P.Isr.ToArray());
        Assert.Equal([others[1]], P.Elr.ToArray()); // left an ISR below min ISR: it holds every committed record
        await _h.HeartbeatAsync(leader, wantFence: true);
        return [others[0], others[1], leader];
    }

    [Fact]
    public async Task The_isr_empties_into_the_eligible_replicas_and_the_last_leader_is_kept()
    {
        await ThreeReplicasAsync();
        var order = await FenceAllButOrderAsync();
        var (second, leader) = (order[1], order[2]);

        Assert.Equal(-1, P.Leader);
        Assert.Empty(P.Isr);
        Assert.Equal(new[] { second, leader }.Order(), P.Elr.ToArray());
        Assert.Equal([leader], P.LastKnownElr.ToArray());
    }

    [Fact]
    public async Task An_eligible_replica_that_returns_leads_alone_then_the_lists_clear_when_the_isr_is_back_at_min_isr()
    {
        var topicId = await ThreeReplicasAsync();
        var order = await FenceAllButOrderAsync();
        var (first, second, leader) = (order[0], order[1], order[2]);
        var epochBefore = P.LeaderEpoch;

        // The first to leave is not eligible: the high watermark moved on without it.
        await _h.HeartbeatAsync(first);
        Assert.Equal(-1, P.Leader);

        await _h.HeartbeatAsync(second);
        Assert.Equal(second, P.Leader);
        Assert.Equal([second], P.Isr.ToArray());
        Assert.Equal([leader], P.Elr.ToArray());
        Assert.Empty(P.LastKnownElr);
        Assert.Equal(epochBefore + 1, P.LeaderEpoch);

        var result = await _h.Controller.AlterPartitionAsync(new AlterPartitionSpec(second, _h.EpochOf(second), topicId, 0,
            P.LeaderEpoch, P.PartitionEpoch, [second, first]), default);
        Assert.Equal(ErrorCode.None, result.Error);
        Assert.Equal(2, P.Isr.Length);
        Assert.Empty(P.Elr);
        Assert.Empty(P.LastKnownElr);
    }

    [Fact]
    public async Task A_broker_back_from_an_unclean_shutdown_is_no_longer_eligible()
    {
        await ThreeReplicasAsync();
        var order = await FenceAllButOrderAsync();
        var (second, leader) = (order[1], order[2]);

        // It crashed: its next registration does not name its last epoch.
        await _h.RegisterAsync(second, previousBrokerEpoch: -1);
        Assert.Equal([leader], P.Elr.ToArray());
        await _h.HeartbeatAsync(second);
        Assert.Equal(-1, P.Leader);

        // The leader shut down cleanly: it names its epoch and leads again.
        await _h.RegisterAsync(leader, previousBrokerEpoch: _h.EpochOf(leader));
        await _h.HeartbeatAsync(leader);
        Assert.Equal(leader, P.Leader);
        Assert.Equal([leader], P.Isr.ToArray());
        Assert.Empty(P.Elr);
    }

    [Fact]
    public async Task With_no_eligible_replica_left_the_last_known_leader_is_elected()
    {
        await ThreeReplicasAsync();
        var order = await FenceAllButOrderAsync();
        var (second, leader) = (order[1], order[2]);
        foreach (var id in new[] { second, leader }) await _h.RegisterAsync(id, previousBrokerEpoch: -1);
        Assert.Empty(P.Elr);
        Assert.Equal([leader], P.LastKnownElr.ToArray());

        await _h.HeartbeatAsync(second); // not the last known leader, and unclean election is off
        Assert.Equal(-1, P.Leader);
        await _h.HeartbeatAsync(leader);
        Assert.Equal(leader, P.Leader);
        Assert.Equal([leader], P.Isr.ToArray());
        Assert.Empty(P.LastKnownElr);
    }

    [Fact]
    public async Task Min_isr_of_one_keeps_only_the_last_member_eligible()
    {
        await ThreeReplicasAsync(minIsr: 1);
        var order = await FenceAllButOrderAsync1();
        Assert.Equal(-1, P.Leader);
        Assert.Empty(P.Isr);
        Assert.Equal([order[2]], P.Elr.ToArray());
        await _h.HeartbeatAsync(order[0]);
        Assert.Equal(-1, P.Leader);
        await _h.HeartbeatAsync(order[2]);
        Assert.Equal(order[2], P.Leader);
    }

    private async Task<int[]> FenceAllButOrderAsync1()
    {
        var leader = P.Leader;
        var others = P.Replicas.Where(r => r != leader).ToArray();
        await _h.HeartbeatAsync(others[0], wantFence: true);
        await _h.HeartbeatAsync(others[1], wantFence: true);
        Assert.Empty(P.Elr); // an ISR of one is at min ISR
        await _h.HeartbeatAsync(leader, wantFence: true);
        return [others[0], others[1], leader];
    }

    [Fact]
    public async Task An_admin_unclean_election_prefers_an_eligible_replica_and_an_out_of_sync_one_clears_the_lists()
    {
        await ThreeReplicasAsync();
        var order = await FenceAllButOrderAsync();
        var (first, second) = (order[0], order[1]);
        await _h.HeartbeatAsync(first);
        await _h.HeartbeatAsync(second);
        Assert.Equal(second, P.Leader); // elected on its return already

        // Now lose it again, with the first (out of sync) the only active broker.
        await _h.HeartbeatAsync(second, wantFence: true);
        Assert.Equal(-1, P.Leader);
        var results = await _h.Controller.ElectLeadersAsync(ElectionType.Unclean, [("t", [0])], default);
        Assert.Equal(ErrorCode.None, Assert.Single(results).ErrorCode);
        Assert.Equal(first, P.Leader);
        Assert.Equal([first], P.Isr.ToArray());
        Assert.Empty(P.Elr);
        Assert.Empty(P.LastKnownElr);
    }

    [Fact]
    public async Task Without_eligible_leader_replicas_the_last_member_stays_in_the_isr()
    {
        using var h = new LifecycleHarness(new ClusterControllerOptions { BrokerSessionTimeout = LifecycleHarness.SessionTimeout, EligibleLeaderReplicasEnable = false });
        await h.StartAsync();
        await h.StartBrokersAsync(1, 2, 3);
        await h.CreateTopicAsync("t", 1, 3, MinIsr(2));
        var leader = h.Partition("t", 0).Leader;
        foreach (var id in h.Partition("t", 0).Replicas.Where(r => r != leader).Append(leader).ToList())
            await h.HeartbeatAsync(id, wantFence: true);
        var p = h.Partition("t", 0);
        Assert.Equal((-1, leader), (p.Leader, Assert.Single(p.Isr)));
        Assert.Empty(p.Elr);
        Assert.Empty(p.LastKnownElr);
    }
}
