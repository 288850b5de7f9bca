using Brook.Common;
using Brook.Metadata.Records;

namespace Brook.Metadata.Tests;

/// <summary>
/// The active controller runs the broker lifecycle of KIP-631 on a fake clock: registration fenced, unfencing by a
/// caught-up heartbeat, fencing after broker.session.timeout.ms of silence (with the elections in the same write),
/// controlled shutdown, and fresh sessions after a fail-over.
/// </summary>
public sealed class BrokerLifecycleTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private readonly LifecycleHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task A_broker_registers_fenced_and_is_unfenced_once_caught_up_with_its_registration()
    {
        await _h.StartAsync();
        var epoch = await _h.RegisterAsync(1);
        Assert.True(_h.Image.Brokers[1].IsFenced);
        Assert.Equal(epoch, _h.Image.Brokers[1].Epoch);

        var behind = await _h.HeartbeatAsync(1, offset: epoch - 1);
        Assert.Equal((ErrorCode.None, false, true), (behind.Error, behind.IsCaughtUp, behind.IsFenced));
        var wantsFence = await _h.HeartbeatAsync(1, wantFence: true);
        Assert.True(wantsFence.IsFenced);
        Assert.True(_h.Image.Brokers[1].IsFenced);

        var caughtUp = await _h.HeartbeatAsync(1, offset: epoch);
        Assert.Equal((ErrorCode.None, true, false), (caughtUp.Error, caughtUp.IsCaughtUp, caughtUp.IsFenced));
        Assert.True(_h.Image.Brokers[1].IsActive);
        Assert.Equal(epoch, _h.Image.Brokers[1].Epoch); // unfencing is not a new registration
    }

    [Fact]
    public async Task Heartbeats_of_an_unknown_broker_or_an_old_epoch_ask_it_to_register_again()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1);
        var unknown = await _h.Controller.BrokerHeartbeatAsync(new BrokerHeartbeatSpec(9, 0, _h.Image.Offset, false, false), default);
        Assert.Equal(ErrorCode.BrokerIdNotRegistered, unknown.Error);
        var stale = await _h.Controller.BrokerHeartbeatAsync(new BrokerHeartbeatSpec(1, _h.EpochOf(1) - 1, _h.Image.Offset, false, false), default);
        Assert.Equal(ErrorCode.StaleBrokerEpoch, stale.Error);
    }

    [Fact]
    public async Task Heartbeats_keep_a_broker_unfenced_and_silence_fences_it_moving_its_leaderships_in_one_write()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1, 2, 3);
        await _h.CreateTopicAsync("orders", 6, 3);
        var led = _h.Partitions("orders").Where(p => p.Leader == 2).ToList();
        Assert.NotEmpty(led);

        // Brokers 1 and 3 heartbeat every interval; 2 falls silent after its start-up.
        for (var elapsed = TimeSpan.Zero; elapsed < LifecycleHarness.SessionTimeout; elapsed += Interval)
        {
            _h.Time.Advance(Interval);
            await _h.HeartbeatAsync(1);
            await _h.HeartbeatAsync(3);
            if (elapsed + Interval <= LifecycleHarness.SessionTimeout) Assert.Empty(await _h.Controller.FenceExpiredBrokersAsync(default));
        }
        _h.Time.Advance(TimeSpan.FromMilliseconds(1));
        var published = 0;
        _h.View.ImagePublished += _ => published++;
        var before = _h.Image;

        Assert.Equal([2], await _h.Controller.FenceExpiredBrokersAsync(default));

        Assert.Equal(1, published); // the fencing and every election are one committed batch
        Assert.True(_h.Image.Brokers[2].IsFenced);
        Assert.True(_h.Image.Brokers[1].IsActive && _h.Image.Brokers[3].IsActive);
        foreach (var p in _h.Partitions("orders"))
        {
            var old = before.TopicsByName["orders"].Partitions[p.Index];
            Assert.DoesNotContain(2, p.Isr);
            Assert.NotEqual(2, p.Leader);
            Assert.Contains(p.Leader, (int[])[1, 3]);
            Assert.Equal(old.PartitionEpoch + 1, p.PartitionEpoch);
            Assert.Equal(old.Leader == 2 ? old.LeaderEpoch + 1 : old.LeaderEpoch, p.LeaderEpoch);
        }
        Assert.Empty(await _h.Controller.FenceExpiredBrokersAsync(default)); // fenced once
    }

    [Fact]
    public async Task A_fenced_last_isr_member_leads_again_when_it_comes_back()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1, 2);
        await _h.CreateTopicAsync("solo", 2, 1);
        var onBroker1 = _h.Partitions("solo").Single(p => p.Leader == 1);

        _h.Time.Advance(LifecycleHarness.SessionTimeout / 2);
        await _h.HeartbeatAsync(2);
        _h.Time.Advance(LifecycleHarness.SessionTimeout / 2 + TimeSpan.FromSeconds(1));
        Assert.Equal([1], await _h.Controller.FenceExpiredBrokersAsync(default));
        var leaderless = _h.Partition("solo", onBroker1.Index);
        Assert.Equal(-1, leaderless.Leader);
        // KIP-966: the ISR empties; its last member stays eligible to lead, and is the last known leader.
        Assert.Empty(leaderless.Isr);
        Assert.Equal(new[] { 1 }, leaderless.Elr);
        Assert.Equal(new[] { 1 }, leaderless.LastKnownElr);

        var back = await _h.HeartbeatAsync(1);
        Assert.False(back.IsFenced);
        var again = _h.Partition("solo", onBroker1.Index);
        Assert.Equal(1, again.Leader);
        Assert.Equal(new[] { 1 }, again.Isr);
        Assert.Empty(again.Elr);
        Assert.Empty(again.LastKnownElr);
        Assert.Equal(onBroker1.LeaderEpoch + 2, again.LeaderEpoch);
        Assert.Equal(onBroker1.PartitionEpoch + 2, again.PartitionEpoch);
    }

    [Fact]
    public async Task A_new_controller_gives_every_broker_a_fresh_session()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1, 2);
        // Long silence while no controller was active to notice (the old one is gone).
        _h.Time.Advance(LifecycleHarness.SessionTimeout * 3);
        _h.FailOver();

        Assert.Empty(await _h.Controller.FenceExpiredBrokersAsync(default));
        _h.Time.Advance(LifecycleHarness.SessionTimeout - TimeSpan.FromMilliseconds(1));
        await _h.HeartbeatAsync(1);
        Assert.Empty(await _h.Controller.FenceExpiredBrokersAsync(default));
        _h.Time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.Equal([2], await _h.Controller.FenceExpiredBrokersAsync(default));
    }

    /// <summary>
    /// The node that led the quorum until it fell silent (a killed combined node) heartbeated to its own controller, so
    /// the new controller dates its broker session from when the quorum last heard from it: it is fenced a session
    /// timeout after it went silent, not a session timeout after the election; the other brokers get fresh sessions.
    /// </summary>
    [Fact]
    public async Task A_new_controller_dates_the_silent_former_leaders_session_from_its_last_contact()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1, 2, 3);
        _h.Time.Advance(TimeSpan.FromSeconds(3));
        _h.FailOverFromSilentLeader(formerLeader: 1, silence: TimeSpan.FromSeconds(3));

        Assert.Empty(await _h.Controller.FenceExpiredBrokersAsync(default));
        _h.Time.Advance(LifecycleHarness.SessionTimeout - TimeSpan.FromSeconds(3) - TimeSpan.FromMilliseconds(1));
        Assert.Empty(await _h.Controller.FenceExpiredBrokersAsync(default));
        _h.Time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.Equal([1], await _h.Controller.FenceExpiredBrokersAsync(default));
        Assert.True(_h.Image.Brokers[1].IsFenced);
        Assert.False(_h.Image.Brokers[2].IsFenced);
        Assert.False(_h.Image.Brokers[3].IsFenced);
        _h.Time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal([2, 3], (await _h.Controller.FenceExpiredBrokersAsync(default)).Order());
    }

    [Fact]
    public async Task Controlled_shutdown_moves_leaderships_and_lets_the_broker_go_once_the_new_leaders_know()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1, 2);
        await _h.CreateTopicAsync("orders", 4, 2);
        var ledBy1 = _h.Partitions("orders").Where(p => p.Leader == 1).Select(p => p.Index).ToList();
        Assert.NotEmpty(ledBy1);
        var offsetOf2 = _h.Image.Offset;
        await _h.HeartbeatAsync(2, offset: offsetOf2);

        var first = await _h.HeartbeatAsync(1, wantShutDown: true);
        Assert.Equal((false, false), (first.IsFenced, first.ShouldShutDown));
        Assert.True(_h.Image.Brokers[1].InControlledShutdown);
        Assert.False(_h.Image.Brokers[1].IsFenced); // still shown to clients while it hands over
        foreach (var p in _h.Partitions("orders"))
        {
            Assert.Equal(2, p.Leader);
            Assert.Equal(new[] { 2 }, p.Isr);
        }

        // Broker 2 has not yet reported the offset of the write that made it leader: not yet.
        Assert.False((await _h.HeartbeatAsync(1, wantShutDown: true)).ShouldShutDown);
        await _h.HeartbeatAsync(2);
        var granted = await _h.HeartbeatAsync(1, wantShutDown: true);
        Assert.True(granted.ShouldShutDown);
        Assert.True(granted.IsFenced);
        Assert.True(_h.Image.Brokers[1].IsFenced);
    }

    [Fact]
    public async Task A_shutting_down_broker_that_nobody_can_replace_is_let_go_leaving_its_partitions_leaderless()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1);
        await _h.CreateTopicAsync("solo", 2, 1);

        Assert.False((await _h.HeartbeatAsync(1, wantShutDown: true)).ShouldShutDown);
        Assert.All(_h.Partitions("solo"), p => Assert.Equal((-1, 0, 1), (p.Leader, p.Isr.Length, Assert.Single(p.Elr))));
        // No other active broker has anything to learn.
        Assert.True((await _h.HeartbeatAsync(1, wantShutDown: true)).ShouldShutDown);
    }

    [Fact]
    public async Task A_broker_that_leads_nothing_or_is_fenced_may_shut_down_at_once()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1, 2);
        await _h.RegisterAsync(3);
        Assert.True((await _h.HeartbeatAsync(3, wantShutDown: true)).ShouldShutDown);

        var idle = await _h.HeartbeatAsync(2, wantShutDown: true);
        Assert.True(idle.ShouldShutDown);
        Assert.True(_h.Image.Brokers[2].IsFenced);
    }

    [Fact]
    public async Task Fencing_brings_the_partitions_with_a_single_in_sync_replica_back_with_that_broker_not_another()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1, 2);
        await _h.CreateTopicAsync("t", 1, 2);
        var p = _h.Partition("t", 0);
        var (leader, follower) = (p.Leader, p.Replicas.Single(r => r != p.Leader));

        await _h.HeartbeatAsync(follower, wantFence: true); // the follower leaves the ISR
        await _h.HeartbeatAsync(leader, wantFence: true); // then the last ISR member goes
        // The ISR empties; only the last member is an eligible leader (the follower left while the ISR was at min ISR).
        Assert.Equal((-1, 0, leader), (_h.Partition("t", 0).Leader, _h.Partition("t", 0).Isr.Length, Assert.Single(_h.Partition("t", 0).Elr)));

        await _h.HeartbeatAsync(follower); // unfenced, but out of sync: unclean election is off
        Assert.Equal(-1, _h.Partition("t", 0).Leader);
        await _h.HeartbeatAsync(leader);
        Assert.Equal(leader, _h.Partition("t", 0).Leader);
    }

    /// <summary>
    /// Turning unclean.leader.election.enable on as the cluster-wide dynamic default (AlterConfigs on the default broker
    /// resource) elects, in the same write, an out-of-sync replica for every leaderless partition whose topic does not
    /// say otherwise; a topic that keeps it off stays offline.
    /// </summary>
    [Fact]
    public async Task The_cluster_wide_unclean_default_elects_leaderless_partitions_of_topics_without_their_own_value()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1, 2);
        await _h.CreateTopicAsync("open", 1, 2);
        await _h.CreateTopicAsync("strict", 1, 2, new Dictionary<string, string?> { ["unclean.leader.election.enable"] = "false" });
        var leaders = new[] { "open", "strict" }.ToDictionary(t => t, t => _h.Partition(t, 0).Leader);
        // Both partitions end up led by nobody, with only the broker that is now down in their ISR.
        foreach (var topic in leaders.Keys)
        {
            var p = _h.Partition(topic, 0);
            var other = p.Replicas.Single(r => r != p.Leader);
            Assert.Contains(other, p.Isr);
        }
        await _h.HeartbeatAsync(2, wantFence: true);
        await _h.HeartbeatAsync(1, wantFence: true);
        await _h.HeartbeatAsync(2); // back, but out of sync wherever broker 1 was the last ISR member
        var offline = leaders.Keys.Where(t => _h.Partition(t, 0).Leader < 0).ToList();
        Assert.Equal(["open", "strict"], offline.Order());

        var (error, _) = await _h.Controller.AlterBrokerConfigsAsync("", new Dictionary<string, string> { ["unclean.leader.election.enable"] = "true" },
            (_, _) => null, validateOnly: false, default);
        Assert.Equal(ErrorCode.None, error);
        foreach (var topic in offline)
        {
            var p = _h.Partition(topic, 0);
            if (topic == "strict") Assert.Equal(-1, p.Leader);
            else Assert.Equal((2, 2), (p.Leader, Assert.Single(p.Isr)));
        }
    }

    [Fact]
    public async Task A_broker_that_crashed_and_returned_before_its_session_ended_is_fenced_and_loses_its_leaderships()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1, 2);
        await _h.CreateTopicAsync("orders", 2, 2);
        var old = _h.EpochOf(1);
        var ledBy1 = _h.Partitions("orders").Single(p => p.Leader == 1);

        // A clean restart of an unfenced broker with the same listeners writes nothing.
        var offset = _h.Image.Offset;
        Assert.Equal(old, await _h.RegisterAsync(1, previousBrokerEpoch: old));
        Assert.Equal(offset, _h.Image.Offset);

        // No clean-shutdown epoch: its log may have lost a tail, so it must not lead in the same leader epoch.
        var epoch = await _h.RegisterAsync(1, previousBrokerEpoch: -1);
        Assert.True(epoch > old);
        Assert.True(_h.Image.Brokers[1].IsFenced);
        var moved = _h.Partition("orders", ledBy1.Index);
        Assert.Equal(2, moved.Leader);
        Assert.Equal(ledBy1.LeaderEpoch + 1, moved.LeaderEpoch);
        Assert.DoesNotContain(1, moved.Isr);
    }

    [Fact]
    public async Task Unregistering_a_broker_removes_it_and_moves_its_leaderships_in_one_write()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1, 2, 3);
        await _h.CreateTopicAsync("orders", 3, 3);
        var before = _h.Image.TopicsByName["orders"];
        var published = 0;
        _h.View.ImagePublished += _ => published++;

        Assert.Equal(ErrorCode.None, await _h.Controller.UnregisterBrokerAsync(3, default));

        Assert.Equal(1, published);
        Assert.False(_h.Image.Brokers.ContainsKey(3));
        foreach (var p in _h.Partitions("orders"))
        {
            Assert.NotEqual(3, p.Leader);
            Assert.DoesNotContain(3, p.Isr);
            Assert.Contains(3, p.Replicas); // an offline replica until reassigned
            var old = before.Partitions[p.Index];
            Assert.Equal(old.Leader == 3 ? old.LeaderEpoch + 1 : old.LeaderEpoch, p.LeaderEpoch);
        }
        Assert.Equal(ErrorCode.BrokerIdNotRegistered, await _h.Controller.UnregisterBrokerAsync(3, default));
        // Still running, it hears so on its next heartbeat and registers again.
        Assert.Equal(ErrorCode.BrokerIdNotRegistered, (await _h.HeartbeatAsync(3)).Error);
        // Nor is a session of it left to expire.
        _h.Time.Advance(LifecycleHarness.SessionTimeout * 2);
        await _h.HeartbeatAsync(1);
        await _h.HeartbeatAsync(2);
        Assert.Empty(await _h.Controller.FenceExpiredBrokersAsync(default));
    }

    [Fact]
    public async Task A_fenced_or_shutting_down_broker_cannot_join_an_isr()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1, 2);
        var topicId = await _h.CreateTopicAsync("t", 1, 2);
        await _h.HeartbeatAsync(2, wantFence: true);
        var p = _h.Partition("t", 0);
        Assert.Equal(1, p.Leader);
        Assert.Equal(new[] { 1 }, p.Isr);

        var refused = await _h.Controller.AlterPartitionAsync(
            new AlterPartitionSpec(1, _h.EpochOf(1), topicId, 0, p.LeaderEpoch, p.PartitionEpoch, [1, 2]), default);
        Assert.Equal(ErrorCode.IneligibleReplica, refused.Error);

        await _h.HeartbeatAsync(2);
        var accepted = await _h.Controller.AlterPartitionAsync(
            new AlterPartitionSpec(1, _h.EpochOf(1), topicId, 0, p.LeaderEpoch, p.PartitionEpoch, [1, 2]), default);
        Assert.Equal(ErrorCode.None, accepted.Error);
    }

    [Fact]
    public async Task Unclean_election_enabled_on_the_controller_elects_an_out_of_sync_replica_when_the_last_isr_member_is_fenced()
    {
        using var h = new LifecycleHarness(new ClusterControllerOptions { BrokerSessionTimeout = LifecycleHarness.SessionTimeout, UncleanLeaderElectionEnable = true });
        await h.StartAsync();
        await h.StartBrokersAsync(1, 2);
        var topicId = await h.CreateTopicAsync("t", 1, 2);
        var p = h.Partition("t", 0);
        var follower = p.Replicas.Single(r => r != p.Leader);
        // The leader shrinks the ISR to itself (its follower lags), then dies.
        await h.Controller.AlterPartitionAsync(new AlterPartitionSpec(p.Leader, h.EpochOf(p.Leader), topicId, 0, p.LeaderEpoch, p.PartitionEpoch, [p.Leader]), default);
        await h.HeartbeatAsync(p.Leader, wantFence: true);

        var after = h.Partition("t", 0);
        Assert.Equal(follower, after.Leader);
        Assert.Equal(new[] { follower }, after.Isr);
        Assert.Equal(p.LeaderEpoch + 1, after.LeaderEpoch);
    }
}
