using Brook.Common;
using Brook.Coordination.Transactions;

namespace Brook.Coordination.Tests.Transactions;

/// <summary>
/// A __transaction_state partition follows its leadership, as Kafka's TransactionStateManager does: loaded per leader
/// epoch (the coordinator epoch its markers carry), given up when another broker leads it, and a load overtaken by a
/// newer transition discarded.
/// </summary>
public class TransactionLeadershipTests
{
    /// <summary>Replays <paramref name="partition"/> of <paramref name="log"/> into <paramref name="h"/>'s coordinator in <paramref name="epoch"/>.</summary>
    private static void Load(TransactionHarness h, MemoryTransactionLog log, int partition, int epoch)
    {
        Assert.True(h.Coordinator.BeginLoading(partition, epoch));
        Replay(h, log, partition);
        Assert.True(h.Coordinator.CompleteLoading(partition, epoch));
    }

    private static void Replay(TransactionHarness h, MemoryTransactionLog log, int partition)
    {
        foreach (var (key, value) in log.Records(partition)) h.Coordinator.Replay(partition, key, value, isTombstone: value is null);
    }

    /// <summary>A coordinator whose log holds "tx" in PrepareCommit with its markers never written (the old leader died).</summary>
    private static async Task<(TransactionHarness Source, InitProducerIdResult Producer)> PreparedCommit()
    {
        var source = new TransactionHarness();
        var p = await source.Init("tx");
        await source.Add("tx", p, ("t", 0));
        source.Markers.Hold = true;
        Assert.Equal(ErrorCode.None, await source.End("tx", p, commit: true));
        source.Coordinator.Dispose();
        return (source, p);
    }

    [Fact]
    public async Task A_partition_led_here_but_not_claimed_yet_answers_load_in_progress()
    {
        using var h = new TransactionHarness(coordinatorEpoch: 1);
        var partition = h.Coordinator.PartitionFor("tx");
        await h.Init("tx");
        var ledHere = false;
        h.Coordinator.IsAboutToLoad = p => p == partition && ledHere;
        Assert.True(h.Coordinator.Unload(partition, 2));

        Assert.Equal(ErrorCode.NotCoordinator, h.Describe("tx").Error);
        // Elected here again, the load still queued: the client waits here rather than looking elsewhere.
        ledHere = true;
        Assert.Equal(ErrorCode.CoordinatorLoadInProgress, h.Describe("tx").Error);
        Load(h, h.Log, partition, epoch: 3);
        Assert.Equal(ErrorCode.None, h.Describe("tx").Error);
    }

    [Fact]
    public async Task Regaining_a_partition_in_a_newer_epoch_resends_the_markers_of_prepared_transactions_under_that_epoch()
    {
        using var h = new TransactionHarness(coordinatorEpoch: 1);
        var partition = h.Coordinator.PartitionFor("tx");
        var p = await h.Init("tx");
        await h.Add("tx", p, ("t", 0));
        h.Markers.Hold = true;
        Assert.Equal(ErrorCode.None, await h.End("tx", p, commit: true));
        Assert.Equal(1, Assert.Single(h.Markers.Calls).CoordinatorEpoch);

        // Leadership moves away while the markers are out, then comes back in epoch 3.
        Assert.True(h.Coordinator.Unload(partition, 2));
        Assert.Equal(ErrorCode.NotCoordinator, h.Describe("tx").Error);
        Load(h, h.Log, partition, epoch: 3);
        Assert.Equal(3, h.Coordinator.CoordinatorEpochOf(partition));
        Assert.Equal([1, 3], h.Markers.Calls.Select(c => c.CoordinatorEpoch));

        h.Events.Clear();
        h.Markers.Release();
        await h.Coordinator.DrainAsync();
        // Only the epoch-3 coordinator records the completion; the unloaded one's markers land but it stops there.
        Assert.Equal(["append:CompleteCommit"], h.Events);
        Assert.Equal("CompleteCommit", h.Describe("tx").State);
        Assert.Equal(ErrorCode.None, await h.End("tx", p, commit: true));
    }

    [Fact]
    public async Task A_load_overtaken_by_a_newer_election_is_discarded_and_sends_no_markers()
    {
        var (source, p) = await PreparedCommit();
        using var _ = source;
        using var fresh = new TransactionHarness(time: source.Time, load: false);
        var partition = fresh.Coordinator.PartitionFor("tx");

        Assert.True(fresh.Coordinator.BeginLoading(partition, 1));
        Replay(fresh, source.Log, partition);
        Assert.True(fresh.Coordinator.BeginLoading(partition, 2));
        Assert.False(fresh.Coordinator.CompleteLoading(partition, 1));
        Assert.Empty(fresh.Markers.Calls);
        Assert.Equal(ErrorCode.CoordinatorLoadInProgress, fresh.Describe("tx").Error);

        Replay(fresh, source.Log, partition);
        Assert.True(fresh.Coordinator.CompleteLoading(partition, 2));
        await fresh.Coordinator.DrainAsync();
        var call = Assert.Single(fresh.Markers.Calls);
        Assert.Equal((p.ProducerId, 2), (call.ProducerId, call.CoordinatorEpoch));
        Assert.Equal("CompleteCommit", fresh.Describe("tx").State);
    }

    [Fact]
    public async Task A_load_overtaken_by_an_unload_is_discarded()
    {
        var (source, _) = await PreparedCommit();
        using var s = source;
        using var fresh = new TransactionHarness(time: source.Time, load: false);
        var partition = fresh.Coordinator.PartitionFor("tx");

        Assert.True(fresh.Coordinator.BeginLoading(partition, 1));
        Replay(fresh, source.Log, partition);
        Assert.True(fresh.Coordinator.Unload(partition, 2));
        Assert.False(fresh.Coordinator.CompleteLoading(partition, 1));
        await fresh.Coordinator.DrainAsync();
        Assert.Empty(fresh.Markers.Calls);
        Assert.Equal(ErrorCode.NotCoordinator, fresh.Describe("tx").Error);
        Assert.Equal(ErrorCode.NotCoordinator, (await fresh.Init("tx")).Error);
    }

    [Fact]
    public async Task Stale_elections_and_resignations_change_nothing()
    {
        using var h = new TransactionHarness(coordinatorEpoch: 5);
        var partition = h.Coordinator.PartitionFor("tx");
        await h.Init("tx");

        Assert.False(h.Coordinator.BeginLoading(partition, 4));
        Assert.False(h.Coordinator.Unload(partition, 4));
        Assert.True(h.Coordinator.IsLoaded(partition));
        Assert.Equal(5, h.Coordinator.CoordinatorEpochOf(partition));
        Assert.Equal("Empty", h.Describe("tx").State);

        Assert.True(h.Coordinator.Unload(partition, 5));
        Assert.False(h.Coordinator.Unload(partition, 6));
        Assert.Null(h.Coordinator.CoordinatorEpochOf(partition));
    }

    [Fact]
    public async Task An_unloaded_partition_no_longer_times_its_transactions_out()
    {
        using var h = new TransactionHarness(coordinatorEpoch: 1);
        var partition = h.Coordinator.PartitionFor("tx");
        var p = await h.Init("tx", timeoutMs: 5_000);
        await h.Add("tx", p, ("t", 0));
        Assert.True(h.Coordinator.Unload(partition, 2));
        h.Events.Clear();

        // Well past the timeout and several sweeps: the new leader's coordinator aborts it, not this one.
        await h.Advance(TimeSpan.FromSeconds(60));
        Assert.Empty(h.Events);
        Assert.Empty(h.Markers.Calls);

        // Back here in epoch 3, it is found Ongoing and long overdue: the next sweep aborts it under epoch 3.
        Load(h, h.Log, partition, epoch: 3);
        Assert.Equal("Ongoing", h.Describe("tx").State);
        await h.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("CompleteAbort", h.Describe("tx").State);
        Assert.Equal(3, Assert.Single(h.Markers.Calls).CoordinatorEpoch);
    }

    [Fact]
    public async Task A_transition_in_flight_when_the_partition_moves_ends_with_not_coordinator()
    {
        using var h = new TransactionHarness(coordinatorEpoch: 1);
        var partition = h.Coordinator.PartitionFor("tx");
        var p = await h.Init("tx");
        h.Log.Hold = true;
        var add = h.Add("tx", p, ("t", 0));
        Assert.False(add.IsCompleted);

        Assert.True(h.Coordinator.Unload(partition, 2));
        h.Log.ReleaseHeld();
        Assert.Equal(ErrorCode.NotCoordinator, await add);
    }
}
