using System.Text;
using static Brook.Raft.Tests.Simulation.ScenarioSteps;
using Brook.Common;

namespace Brook.Raft.Tests.Simulation;

/// <summary>Dynamic voter set (KIP-853) on a quiet simulated network, every invariant still checked after each event.</summary>
public sealed class VoterChangeScenarioTests
{
    /// <summary>Retries a change the leader refuses for now (REQUEST_TIMED_OUT: observer catching up, change in flight).</summary>
    private static VoterChangeResult Change(Simulation sim, Func<SimNode, VoterChangeResult> change)
    {
        VoterChangeResult result = default;
        Assert.True(sim.RunUntil(() =>
        {
            if (sim.Leader is not { } leader) return false;
            result = change(leader);
            return result.Error != ErrorCode.RequestTimedOut;
        }, 5_000), sim.Report());
        Assert.Equal(ErrorCode.None, result.Error);
        return result;
    }

    private static int[] VotersOf(SimNode node) => [.. node.Raft!.Voters.Ids];

    [Fact]
    public void A_voter_is_replaced_under_load_and_the_new_set_keeps_committing_after_two_of_the_old_voters_are_gone()
    {
        var sim = Simulation.Scripted(voters: 3, observers: 1);
        var leader = sim.AwaitStableLeader();
        var load = 0;
        void Load(int count)
        {
            for (var i = 0; i < count; i++)
            {
                if (sim.Leader is { } l) sim.Append(l.Id, Value($"load {load++}"));
                sim.RunFor(5);
            }
        }
        Load(20);
        var added = Change(sim, l => sim.AddVoter(l.Id, 4));
        Load(10);
        AwaitCommittedEverywhere(sim, added.Offset);
        Assert.All(sim.Nodes.Values, n => Assert.Equal([1, 2, 3, 4], VotersOf(n)));
        Assert.True(sim.Nodes[4].Raft!.IsVoter);

        // Remove a voter that does not lead, under load, then stop it.
        var removedId = new[] { 1, 2, 3 }.First(id => id != sim.Leader!.Id);
        var removed = Change(sim, l => sim.RemoveVoter(l.Id, removedId));
        Load(10);
        AwaitCommittedEverywhere(sim, removed.Offset);
        Assert.All(sim.Nodes.Values, n => Assert.Equal(new[] { 1, 2, 3, 4 }.Where(id => id != removedId), VotersOf(n)));
        Assert.False(sim.Nodes[removedId].Raft!.IsVoter);
        sim.Crash(removedId, loseUnflushed: true);

        // With three voters left, one more may go: the other two (one of them the new voter) still commit.
        var another = new[] { 1, 2, 3 }.First(id => id != removedId && id != sim.Leader!.Id);
        sim.Crash(another, loseUnflushed: true);
        var after = sim.Append(sim.Leader!.Id, Value("after"));
        AwaitCommittedEverywhere(sim, after.LastOffset);
        Assert.True(sim.Nodes[4].Raft!.HighWatermark > after.LastOffset);

        // Now node 4 and the last original voter are the majority: losing the leader, the other one takes over.
        var survivor = sim.Leader!.Id;
        sim.Crash(survivor, loseUnflushed: false);
        sim.Restart(another);
        var next = sim.AwaitStableLeader();
        Assert.NotEqual(removedId, next.Id);
        var last = sim.Append(next.Id, Value("last"));
        AwaitCommittedEverywhere(sim, last.LastOffset);
    }

    [Fact]
    public void The_leader_refuses_changes_it_cannot_make_safely_with_kafkas_error_codes()
    {
        var sim = Simulation.Scripted(voters: 3, observers: 2);
        var leader = sim.AwaitStableLeader();
        var follower = sim.Nodes.Values.First(n => n.Id <= 3 && n != leader);
        Assert.Equal(ErrorCode.NotLeaderOrFollower, sim.AddVoter(follower.Id, 4).Error);
        AwaitCommittedEverywhere(sim, sim.Append(leader.Id, Value("epoch committed")).LastOffset);
        Assert.Equal(ErrorCode.NotLeaderOrFollower, sim.AddVoter(follower.Id, 4).Error);
        Assert.Equal(ErrorCode.DuplicateVoter, sim.AddVoter(leader.Id, follower.Id).Error);
        Assert.Equal(ErrorCode.VoterNotFound, sim.RemoveVoter(leader.Id, 9).Error);
        Assert.Equal(ErrorCode.VoterNotFound, sim.RemoveVoter(leader.Id, follower.Id, new Uuid(1, 1)).Error);

        // An observer that cannot fetch is not caught up.
        sim.Isolate(5);
        sim.RunFor(3_000);
        Assert.Equal(ErrorCode.RequestTimedOut, sim.AddVoter(leader.Id, 5).Error);
        sim.HealNetwork();

        // One change at a time: the second waits for the first to commit.
        var first = Change(sim, l => sim.AddVoter(l.Id, 4));
        Assert.Equal(ErrorCode.RequestTimedOut, sim.RemoveVoter(sim.Leader!.Id, follower.Id).Error);
        AwaitCommittedEverywhere(sim, first.Offset);
        Assert.Equal(ErrorCode.None, sim.RemoveVoter(sim.Leader!.Id, follower.Id).Error);
    }

    [Fact]
    public void A_leader_that_removes_itself_leads_until_the_removal_commits_then_resigns_and_observes()
    {
        var sim = Simulation.Scripted(voters: 3);
        var leader = sim.AwaitStableLeader();
        var removal = Change(sim, l => sim.RemoveVoter(l.Id, l.Id));
        Assert.Equal(leader.Id, sim.Leader!.Id);
        Assert.False(leader.Raft!.IsVoter);
        AwaitCommittedEverywhere(sim, removal.Offset);
        var next = sim.AwaitStableLeader();
        Assert.NotEqual(leader.Id, next.Id);
        Assert.Equal(RaftRole.Follower, leader.Raft!.Role);
        Assert.False(leader.Raft.IsVoter);
        var after = sim.Append(next.Id, Value("after"));
        AwaitCommittedEverywhere(sim, after.LastOffset);
        // The remaining two voters are the quorum: the old leader's silence changes nothing.
        sim.Crash(leader.Id, loseUnflushed: false);
        var more = sim.Append(next.Id, Value("more"));
        AwaitCommittedEverywhere(sim, more.LastOffset);
    }

    [Fact]
    public void An_uncommitted_change_is_taken_back_when_the_log_that_holds_it_is_truncated()
    {
        var sim = Simulation.Scripted(voters: 3);
        var oldLeader = sim.AwaitStableLeader();
        var committed = sim.Append(oldLeader.Id, Value("committed"));
        AwaitCommittedEverywhere(sim, committed.LastOffset);
        var victim = sim.Nodes.Values.First(n => n != oldLeader);

        sim.Isolate(oldLeader.Id);
        var removal = sim.RemoveVoter(oldLeader.Id, victim.Id);
        Assert.True(removal.IsAppended);
        Assert.Equal(2, oldLeader.Raft!.Voters.Count);
        Assert.True(sim.RunUntil(() => sim.Nodes.Values.Any(n => n != oldLeader && n.Raft!.Role == RaftRole.Leader), 5_000), sim.Report());
        var newLeader = sim.Nodes.Values.Single(n => n != oldLeader && n.Raft!.Role == RaftRole.Leader);
        var replacement = sim.Append(newLeader.Id, Value("replacement"));
        Assert.True(sim.RunUntil(() => newLeader.Raft!.HighWatermark > replacement.LastOffset, 5_000), sim.Report());

        sim.HealNetwork();
        sim.AwaitStableLeader();
        AwaitCommittedEverywhere(sim, replacement.LastOffset);
        Assert.Equal([1, 2, 3], VotersOf(oldLeader));
        Assert.True(victim.Raft!.IsVoter);
    }

    [Fact]
    public void The_voter_set_survives_snapshots_and_restarts()
    {
        var sim = Simulation.Scripted(voters: 3, observers: 1, snapshotEveryBatches: 5);
        sim.AwaitStableLeader();
        var added = Change(sim, l => sim.AddVoter(l.Id, 4));
        long last = added.Offset;
        for (var i = 0; i < 30; i++)
        {
            last = sim.Append(sim.Leader!.Id, Value($"after {i}")).LastOffset;
            sim.RunFor(10);
        }
        AwaitCommittedEverywhere(sim, last);
        Assert.All(sim.Nodes.Values, n => Assert.True(n.Log.StartOffset > added.Offset, $"node {n.Id} has not snapshotted past the change"));
        foreach (var id in new[] { 4, 1 })
        {
            sim.Crash(id, loseUnflushed: false);
            sim.Restart(id);
            Assert.Equal([1, 2, 3, 4], VotersOf(sim.Nodes[id]));
        }
        sim.AwaitStableLeader();
        Assert.True(sim.Nodes[4].Raft!.IsVoter);
    }

    [Fact]
    public void A_voter_updates_its_endpoints_and_the_new_ones_are_in_everyones_set()
    {
        var sim = Simulation.Scripted(voters: 3);
        var leader = sim.AwaitStableLeader();
        AwaitCommittedEverywhere(sim, sim.Append(leader.Id, Value("epoch committed")).LastOffset);
        var follower = sim.Nodes.Values.First(n => n != leader);
        var moved = new RaftVoter(follower.Id, Uuid.Zero, [new RaftEndpoint("CONTROLLER", "new-host", 19093)]);

        Assert.Equal(ErrorCode.VoterNotFound, leader.Raft!.UpdateVoter(moved with { DirectoryId = new Uuid(3, 3) }).Error);
        Assert.Equal(ErrorCode.InvalidRequest, leader.Raft.UpdateVoter(moved with { Endpoints = [] }).Error);
        var update = leader.Raft.UpdateVoter(moved);
        Assert.True(update.IsAppended);
        sim.Touch(leader.Id);
        AwaitCommittedEverywhere(sim, update.Offset);
        Assert.All(sim.Nodes.Values, n => Assert.Equal(moved, n.Raft!.Voters.Find(follower.Id)));
        // The same endpoints again change nothing and need no record.
        var again = leader.Raft.UpdateVoter(moved);
        Assert.Equal((ErrorCode.None, -1L), (again.Error, again.Offset));
    }
}
