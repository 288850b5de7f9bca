using System.Text;
using static Brook.Raft.Tests.Simulation.ScenarioSteps;

namespace Brook.Raft.Tests.Simulation;

/// <summary>Targeted schedules on a quiet simulated network, every invariant still checked after each event.</summary>
public sealed class ScenarioTests
{
    [Fact]
    public void A_partitioned_leader_rejoins_and_its_divergent_uncommitted_tail_is_truncated()
    {
        var sim = Simulation.Scripted(voters: 3);
        var oldLeader = sim.AwaitStableLeader();
        var committed = sim.Append(oldLeader.Id, Value("committed"));
        AwaitCommittedEverywhere(sim, committed.LastOffset);

        sim.Isolate(oldLeader.Id);
        var lost = new List<RaftAppendResult>();
        for (var i = 0; i < 3; i++) lost.Add(sim.Append(oldLeader.Id, Value($"lost {i}")));
        Assert.All(lost, r => Assert.True(r.IsAppended));
        // The majority side elects a new leader and commits over the same offsets.
        Assert.True(sim.RunUntil(() => sim.Nodes.Values.Any(n => n != oldLeader && n.Raft!.Role == RaftRole.Leader), 5_000), sim.Report());
        var newLeader = sim.Nodes.Values.Single(n => n != oldLeader && n.Raft!.Role == RaftRole.Leader);
        var replacement = sim.Append(newLeader.Id, Value("replacement"));
        Assert.True(sim.RunUntil(() => newLeader.Raft!.HighWatermark > replacement.LastOffset, 5_000), sim.Report());
        Assert.Contains(oldLeader.Log.Batches, b => b.Epoch == lost[0].Epoch && b.BaseOffset == lost[0].BaseOffset);

        sim.HealNetwork();
        var leader = sim.AwaitStableLeader();
        Assert.NotEqual(oldLeader.Id, leader.Id);
        AwaitCommittedEverywhere(sim, replacement.LastOffset);
        // The old leader's uncommitted batches are gone; its log is the new leader's.
        Assert.DoesNotContain(oldLeader.Log.Batches, b => b.Epoch == lost[0].Epoch && b.BaseOffset >= lost[0].BaseOffset);
        Assert.Equal(leader.Log.Batches.Select(b => (b.BaseOffset, b.Epoch)), oldLeader.Log.Batches.Select(b => (b.BaseOffset, b.Epoch)));
    }

    [Fact]
    public void Pre_vote_keeps_a_partitioned_follower_from_raising_the_epoch_or_disrupting_the_leader()
    {
        var sim = Simulation.Scripted(voters: 3);
        var leader = sim.AwaitStableLeader();
        var epoch = leader.Raft!.Epoch;
        var follower = sim.Nodes.Values.First(n => n != leader);
        var writesBefore = follower.State.WriteCount;

        sim.Isolate(follower.Id);
        sim.RunFor(5_000); // dozens of election timeouts
        Assert.Equal(epoch, follower.Raft!.Epoch);
        Assert.Equal(writesBefore, follower.State.WriteCount); // a pre-vote persists nothing
        // It keeps trying pre-votes and falling back to the leader it knew, never becoming a candidate.
        Assert.Contains(follower.Raft.Role, new[] { RaftRole.Prospective, RaftRole.Follower });

        sim.HealNetwork();
        var after = sim.AwaitStableLeader();
        Assert.Equal(leader.Id, after.Id);
        Assert.Equal(epoch, after.Raft!.Epoch);
        Assert.All(sim.Nodes.Values, n => Assert.Equal(epoch, n.Raft!.Epoch));
    }

    [Fact]
    public void An_observer_catches_up_from_a_snapshot_after_the_leader_deleted_the_older_log()
    {
        var sim = Simulation.Scripted(voters: 3, observers: 1, snapshotEveryBatches: 5);
        var leader = sim.AwaitStableLeader();
        var observer = sim.Nodes[4];
        Assert.False(observer.IsVoter);
        sim.Crash(observer.Id, loseUnflushed: false);

        RaftAppendResult last = default;
        for (var i = 0; i < 30; i++)
        {
            last = sim.Append(leader.Id, Value($"record {i}"));
            sim.RunFor(5);
        }
        AwaitCommittedEverywhere(sim, last.LastOffset);
        Assert.True(leader.Log.StartOffset > observer.Log.EndOffset, sim.Report());

        sim.Restart(observer.Id);
        AwaitCommittedEverywhere(sim, last.LastOffset);
        Assert.Equal(1, observer.Machine!.SnapshotLoads);
        Assert.Equal(leader.Machine!.Rolling, observer.Machine.Rolling);
        Assert.Equal(leader.Log.EndOffset, observer.Log.EndOffset);
        Assert.True(observer.Log.StartOffset > 0);
    }

    [Fact]
    public void A_follower_crash_that_loses_its_unflushed_tail_loses_nothing_committed()
    {
        var sim = Simulation.Scripted(voters: 3);
        var leader = sim.AwaitStableLeader();
        var followers = sim.Nodes.Values.Where(n => n != leader).ToList();
        var (acker, other) = (followers[0], followers[1]);
        // Only one follower replicates, so the batch needs its acknowledgement to commit.
        sim.Isolate(other.Id);
        var batch = sim.Append(leader.Id, Value("needs two copies"));
        Assert.True(sim.RunUntil(() => acker.Log.EndOffset > batch.LastOffset && acker.Log.FlushedEndOffset <= batch.LastOffset, 2_000), sim.Report());
        var highWatermark = leader.Raft!.HighWatermark;
        Assert.True(highWatermark <= batch.LastOffset, "the leader counted a copy that was not flushed");

        sim.Crash(acker.Id, loseUnflushed: true);
        Assert.True(acker.Log.EndOffset <= batch.LastOffset);
        sim.RunFor(50);
        Assert.Equal(highWatermark, leader.Raft.HighWatermark);

        sim.Restart(acker.Id);
        Assert.True(sim.RunUntil(() => leader.Raft.HighWatermark > batch.LastOffset, 5_000), sim.Report());
        sim.HealNetwork();
        AwaitCommittedEverywhere(sim, batch.LastOffset);
    }

    [Fact]
    public void Graceful_resignation_hands_leadership_to_the_most_caught_up_voter_quickly()
    {
        var sim = Simulation.Scripted(voters: 5);
        var leader = sim.AwaitStableLeader();
        var batch = sim.Append(leader.Id, Value("before"));
        AwaitCommittedEverywhere(sim, batch.LastOffset);
        var epoch = leader.Raft!.Epoch;

        var start = sim.NowMs;
        sim.Resign(leader.Id);
        Assert.True(sim.RunUntil(() => sim.Leader is { } l && l != leader && l.Raft!.Epoch == epoch + 1, 1_000), sim.Report());
        // Election timeouts are 150–300 ms here: the first successor stood at once instead of waiting for one.
        Assert.True(sim.NowMs - start < 60, $"hand-over took {sim.NowMs - start} ms");
        var next = sim.Append(sim.Leader!.Id, Value("after"));
        AwaitCommittedEverywhere(sim, next.LastOffset);
    }

    /// <summary>
    /// Raft's "figure 8": an entry of an old epoch that reaches a majority only after a newer leader wrote elsewhere
    /// must not count as committed until an entry of the current epoch does, for a later leader may still overwrite it.
    /// One batch per fetch response lets a follower acknowledge the old entry without the new leader's LeaderChange.
    /// </summary>
    [Fact]
    public void An_old_epoch_entry_on_a_majority_is_not_committed_before_an_entry_of_the_current_epoch()
    {
        var sim = Simulation.Scripted(voters: 5, fetchMaxBytes: 1);
        var a = sim.AwaitStableLeader();
        var first = sim.Append(a.Id, Value("base"));
        AwaitCommittedEverywhere(sim, first.LastOffset);
        var others = sim.Nodes.Values.Where(n => n != a).ToList();
        var b = others[0];
        var rest = others.Skip(1).ToList();

        // 1. A's batch X reaches B only, then A crashes.
        foreach (var n in rest) sim.Isolate(n.Id);
        var x = sim.Append(a.Id, Value("X"));
        Assert.True(sim.RunUntil(() => b.Log.FlushedEndOffset > x.LastOffset, 2_000), sim.Report());
        sim.RunFor(20);
        Assert.True(a.Raft!.HighWatermark <= x.BaseOffset);
        sim.Crash(a.Id, loseUnflushed: false);

        // 2. One of the others leads a newer epoch; its LeaderChange, at X's offset, stays on it alone; it crashes.
        sim.HealNetwork();
        sim.Isolate(b.Id);
        Assert.True(sim.RunUntil(() => rest.Any(n => n.Raft!.Role == RaftRole.Leader), 5_000), sim.Report());
        var f = rest.Single(n => n.Raft!.Role == RaftRole.Leader);
        sim.Isolate(f.Id);
        var fEpoch = f.Raft!.Epoch;
        Assert.Contains(f.Log.Batches, batch => batch.BaseOffset == x.BaseOffset && batch.Epoch == fEpoch);
        sim.Crash(f.Id, loseUnflushed: false);
        var (g, h) = (rest.First(n => n != f), rest.Last(n => n != f));

        // 3. A returns; A or B (the holders of X) leads, h stays away; g fetches X alone, so X sits on three nodes.
        sim.HealNetwork();
        sim.Isolate(h.Id);
        sim.Restart(a.Id);
        Assert.True(sim.RunUntil(() => sim.Leader is { } l && l.Raft!.Epoch > fEpoch, 5_000), sim.Report());
        var leader = sim.Leader!;
        Assert.True(leader == a || leader == b);
        Assert.True(sim.RunUntil(() => g.Log.FlushedEndOffset > x.LastOffset && g.Log.EndOffset == x.LastOffset + 1, 2_000), sim.Report());
        // g's acknowledgement of X reaches the leader, the LeaderChange never reaches g.
        sim.Block(leader.Id, g.Id);
        sim.RunFor(10);
        Assert.Equal(x.LastOffset + 1, g.Log.EndOffset);
        // On a majority, but of an old epoch: not committed.
        Assert.True(leader.Raft!.HighWatermark <= x.BaseOffset, $"X was counted committed: {sim.Report()}");
        var holder = leader == a ? b : a;
        sim.Crash(leader.Id, loseUnflushed: false);

        // 4. F returns: its last epoch beats X's, so with g and h it wins and X is overwritten, which is allowed
        // exactly because X never committed (the simulation would report a lost commit otherwise).
        sim.HealNetwork();
        sim.Isolate(holder.Id);
        sim.Restart(f.Id);
        Assert.True(sim.RunUntil(() => f.Raft!.Role == RaftRole.Leader, 5_000), sim.Report());
        Assert.True(sim.RunUntil(() => g.Log.Batches.All(batch => batch.BaseOffset != x.BaseOffset || batch.Epoch != x.Epoch), 2_000), sim.Report());
        var after = sim.Append(f.Id, Value("after"));
        Assert.True(sim.RunUntil(() => f.Raft!.HighWatermark > after.LastOffset, 5_000), sim.Report());
    }
}
