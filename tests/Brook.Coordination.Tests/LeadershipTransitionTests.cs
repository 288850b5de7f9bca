using Brook.Common;

namespace Brook.Coordination.Tests;

/// <summary>
/// A __consumer_offsets partition follows its leadership: claimed and loaded per leader epoch, given up when another
/// broker leads it, and stale transitions (an old election, an old resignation, a load that was overtaken) change
/// nothing — the epoch rules of Kafka's coordinator runtime.
/// </summary>
public class LeadershipTransitionTests
{
    /// <summary>Loads <paramref name="partition"/> of the harness's own log back into its coordinator in <paramref name="epoch"/>.</summary>
    private static void Load(CoordinatorHarness h, int partition, int epoch)
    {
        Assert.True(h.Coordinator.BeginLoading(partition, epoch));
        foreach (var e in h.Log.Entries(partition))
        {
            if (e.ControlCommit is { } commit) h.Coordinator.ReplayControl(partition, e.ProducerId, commit);
            else h.Coordinator.Replay(partition, e.Key, e.Value, e.Value is null, e.ProducerId, e.IsTransactional);
        }
        Assert.True(h.Coordinator.CompleteLoading(partition, epoch));
    }

    private static async Task Commit(CoordinatorHarness h, string group, long offset) =>
        Assert.Equal(ErrorCode.None, (await h.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs
        {
            GroupId = group,
            Offsets = [new OffsetCommitEntry("t", 0, offset)],
        }))[0].Error);

    private static OffsetFetchResult Fetch(CoordinatorHarness h, string group) => h.Coordinator.FetchOffsets(new OffsetFetchArgs(group, null));

    [Fact]
    public async Task Losing_and_regaining_leadership_in_a_newer_epoch_reloads_the_partition()
    {
        using var h = new CoordinatorHarness(load: false);
        var partition = h.Coordinator.PartitionFor("g");
        Load(h, partition, epoch: 1);
        await Commit(h, "g", 42);

        // Another broker leads it in epoch 2: everything of the partition leaves memory.
        Assert.True(h.Coordinator.Unload(partition, 2));
        Assert.Null(h.Coordinator.CoordinatorEpochOf(partition));
        Assert.Equal(ErrorCode.NotCoordinator, Fetch(h, "g").Error);
        Assert.Equal(ErrorCode.NotCoordinator, (await h.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs
        {
            GroupId = "g", Offsets = [new OffsetCommitEntry("t", 0, 43)],
        }))[0].Error);

        // Back to this broker in epoch 3: the log brings the committed offset back.
        Load(h, partition, epoch: 3);
        Assert.Equal(3, h.Coordinator.CoordinatorEpochOf(partition));
        Assert.Equal(42, Fetch(h, "g").Offsets.Single().Offset);
    }

    [Fact]
    public void A_partition_led_here_but_not_claimed_yet_answers_load_in_progress_not_not_coordinator()
    {
        using var h = new CoordinatorHarness(load: false);
        var partition = h.Coordinator.PartitionFor("g");
        var ledHere = false;
        h.Coordinator.IsAboutToLoad = p => p == partition && ledHere;

        // Led elsewhere: look for the coordinator again.
        Assert.Equal(ErrorCode.NotCoordinator, Fetch(h, "g").Error);
        // The image names this broker, the load is still queued: wait and retry here (librdkafka#5040 crashes on
        // NOT_COORDINATOR in an admin OffsetFetch).
        ledHere = true;
        Assert.Equal(ErrorCode.CoordinatorLoadInProgress, Fetch(h, "g").Error);
        Assert.True(h.Coordinator.BeginLoading(partition, 1));
        Assert.Equal(ErrorCode.CoordinatorLoadInProgress, Fetch(h, "g").Error);
        Assert.True(h.Coordinator.CompleteLoading(partition, 1));
        Assert.Equal(ErrorCode.None, Fetch(h, "g").Error);
    }

    [Fact]
    public void A_load_overtaken_by_a_newer_claim_is_discarded()
    {
        using var h = new CoordinatorHarness(load: false);
        var partition = h.Coordinator.PartitionFor("g");
        var record = (Key: Records.OffsetsRecordKey.EncodeOffsetCommit("g", "t", 0), Value: new Records.OffsetCommitValue(7, -1, "", 0, -1).Encode());

        Assert.True(h.Coordinator.BeginLoading(partition, 1));
        h.Coordinator.Replay(partition, record.Key, record.Value);
        // Elected again in epoch 2 before the epoch-1 load finished: its work so far is dropped.
        Assert.True(h.Coordinator.BeginLoading(partition, 2));
        Assert.False(h.Coordinator.CompleteLoading(partition, 1));
        Assert.Equal(ErrorCode.CoordinatorLoadInProgress, Fetch(h, "g").Error);

        Assert.True(h.Coordinator.CompleteLoading(partition, 2));
        Assert.Equal(ErrorCode.None, Fetch(h, "g").Error);
        Assert.Empty(Fetch(h, "g").Offsets);
    }

    [Fact]
    public void A_load_overtaken_by_an_unload_is_discarded()
    {
        using var h = new CoordinatorHarness(load: false);
        var partition = h.Coordinator.PartitionFor("g");
        Assert.True(h.Coordinator.BeginLoading(partition, 1));
        Assert.True(h.Coordinator.Unload(partition, 2));
        Assert.False(h.Coordinator.CompleteLoading(partition, 1));
        Assert.Throws<InvalidOperationException>(() => h.Coordinator.Replay(partition, Records.OffsetsRecordKey.EncodeOffsetCommit("g", "t", 0), [], isTombstone: true));
        Assert.Equal(ErrorCode.NotCoordinator, Fetch(h, "g").Error);
        Assert.False(h.Coordinator.IsLoaded(partition));
    }

    [Fact]
    public async Task Stale_elections_and_resignations_change_nothing()
    {
        using var h = new CoordinatorHarness(load: false);
        var partition = h.Coordinator.PartitionFor("g");
        Load(h, partition, epoch: 5);
        await Commit(h, "g", 9);

        Assert.False(h.Coordinator.BeginLoading(partition, 4));
        Assert.False(h.Coordinator.Unload(partition, 4));
        Assert.True(h.Coordinator.IsLoaded(partition));
        Assert.Equal(5, h.Coordinator.CoordinatorEpochOf(partition));
        Assert.Equal(9, Fetch(h, "g").Offsets.Single().Offset);

        // A resignation in the same epoch (the partition left this broker) or a later one applies; so does one without an epoch.
        Assert.True(h.Coordinator.Unload(partition, 5));
        Assert.False(h.Coordinator.Unload(partition, 6));
        Load(h, partition, epoch: 7);
        Assert.True(h.Coordinator.Unload(partition));
        Assert.Equal(ErrorCode.NotCoordinator, Fetch(h, "g").Error);
    }

    [Fact]
    public async Task Unloading_stops_the_groups_timers_and_fails_parked_requests_with_not_coordinator()
    {
        using var h = new CoordinatorHarness(load: false);
        var partition = h.Coordinator.PartitionFor("g");
        Load(h, partition, epoch: 1);
        var members = await h.FormStableGroup("g", null, null);
        // A rebalance is under way: one member has rejoined and waits for the other.
        var parked = h.Join("g", members[0].MemberId);
        Assert.False(parked.IsCompleted);
        var appendsBefore = h.Log.AppendCount;

        Assert.True(h.Coordinator.Unload(partition, 2));
        Assert.Equal(ErrorCode.NotCoordinator, (await parked).Error);
        Assert.Equal(ErrorCode.NotCoordinator, h.Heartbeat("g", members[1]));

        // Session and rebalance deadlines died with the partition: nothing expires members or writes anything.
        h.Advance(10 * CoordinatorHarness.RebalanceTimeoutMs);
        Assert.Equal(appendsBefore, h.Log.AppendCount);

        // Regained: the group comes back from its last durable state, Stable with both members.
        Load(h, partition, epoch: 3);
        Assert.Equal(GroupState.Stable, h.StateOf("g"));
        Assert.Equal(2, h.Coordinator.DescribeGroups(["g"])[0].Members.Count);
    }

    [Fact]
    public async Task A_commit_in_flight_when_the_partition_moves_answers_as_its_append_does()
    {
        using var h = new CoordinatorHarness(load: false);
        var partition = h.Coordinator.PartitionFor("g");
        Load(h, partition, epoch: 1);
        h.Log.Hold = true;
        var commit = h.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs { GroupId = "g", Offsets = [new OffsetCommitEntry("t", 0, 5)] }).AsTask();
        h.Coordinator.Unload(partition, 2);
        // The log refuses it: this broker no longer leads the partition.
        h.Log.FailOneHeld(ErrorCode.NotLeaderOrFollower);
        Assert.Equal(ErrorCode.NotCoordinator, (await commit)[0].Error);
    }
}
