using Brook.Common;
using Brook.Coordination.Transactions;
using Brook.Coordination.Transactions.Records;

namespace Brook.Coordination.Tests.Transactions;

public class InitProducerIdTests
{
    [Fact]
    public async Task A_new_id_gets_a_producer_id_with_epoch_0_and_each_init_bumps_the_epoch()
    {
        using var h = new TransactionHarness();
        var first = await h.Init("tx", 20_000);
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1000, 0), first);
        var second = await h.Init("tx", 25_000);
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1000, 1), second);

        var values = h.Log.ValuesOf("tx");
        Assert.Equal(2, values.Count);
        Assert.All(values, v => Assert.Equal(TransactionState.Empty, v!.State));
        Assert.Equal((short)1, values[1]!.ProducerEpoch);
        Assert.Equal(25_000, values[1]!.TransactionTimeoutMs);
        // The record went to the id's partition.
        Assert.Equal(2, h.Log.Records(h.Coordinator.PartitionFor("tx")).Count);

        // Another id gets another producer id.
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1001, 0), await h.Init("other"));
    }

    [Fact]
    public async Task Idempotent_producers_get_fresh_ids_and_nothing_is_written()
    {
        using var h = new TransactionHarness();
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1000, 0), await h.Init(null));
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1001, 0), await h.Init(null));
        Assert.Empty(h.Events);
    }

    [Fact]
    public async Task Requests_are_validated()
    {
        using var h = new TransactionHarness();
        Assert.Equal(ErrorCode.InvalidRequest, (await h.Init("")).Error);
        Assert.Equal(ErrorCode.InvalidTransactionTimeout, (await h.Init("tx", 0)).Error);
        Assert.Equal(ErrorCode.InvalidTransactionTimeout, (await h.Init("tx", 60_001)).Error);
        Assert.Equal(ErrorCode.None, (await h.Init("tx", 60_000)).Error);
        // KIP-360 fields come in pairs.
        Assert.Equal(ErrorCode.InvalidRequest, (await h.Init("tx", expectedId: 1000)).Error);
        Assert.Equal(ErrorCode.InvalidRequest, (await h.Init("tx", expectedEpoch: 0)).Error);
    }

    [Fact]
    public async Task Ownership_and_loading_are_reported()
    {
        using var h = new TransactionHarness(load: false);
        var partition = h.Coordinator.PartitionFor("tx");
        Assert.Equal(ErrorCode.NotCoordinator, (await h.Init("tx")).Error);
        h.Coordinator.BeginLoading(partition);
        Assert.Equal(ErrorCode.CoordinatorLoadInProgress, (await h.Init("tx")).Error);
        h.Coordinator.CompleteLoading(partition);
        Assert.Equal(ErrorCode.None, (await h.Init("tx")).Error);
        h.Coordinator.Unload(partition);
        Assert.Equal(ErrorCode.NotCoordinator, (await h.Init("tx")).Error);
    }

    [Fact]
    public void Partition_mapping_is_javas_string_hash()
    {
        using var h = new TransactionHarness(TransactionHarness.DefaultOptions with { TransactionStateLogPartitions = 50 });
        // The group coordinator's mapping, reused rather than copied.
        Assert.Equal((GroupPartitioner.JavaStringHashCode("transactional-id") & 0x7fffffff) % 50, h.Coordinator.PartitionFor("transactional-id"));
        Assert.Equal(GroupPartitioner.PartitionFor("abc", 50), h.Coordinator.PartitionFor("abc"));
    }

    [Fact]
    public async Task A_newer_epoch_fences_the_older_producer()
    {
        using var h = new TransactionHarness();
        var old = await h.Init("tx");
        var current = await h.Init("tx");
        Assert.Equal(ErrorCode.ProducerFenced, await h.Add("tx", old, ("t", 0)));
        Assert.Equal(ErrorCode.ProducerFenced, await h.End("tx", old, commit: true));
        // Old request versions get the error that predates PRODUCER_FENCED.
        Assert.Equal(ErrorCode.InvalidProducerEpoch, await h.Coordinator.AddPartitionsToTxnAsync(
            new AddPartitionsToTxnArgs("tx", old.ProducerId, old.ProducerEpoch, [new TopicPartition("t", 0)]) { FencedAsInvalidProducerEpoch = true }));
        Assert.Equal(ErrorCode.InvalidProducerEpoch, await h.Coordinator.EndTxnAsync(
            new EndTxnArgs("tx", old.ProducerId, old.ProducerEpoch, true) { FencedAsInvalidProducerEpoch = true }));
        Assert.Equal(ErrorCode.None, await h.Add("tx", current, ("t", 0)));
        // A producer id the transactional id does not have, or an unknown id.
        Assert.Equal(ErrorCode.InvalidProducerIdMapping, await h.Add("tx", current with { ProducerId = 77 }, ("t", 0)));
        Assert.Equal(ErrorCode.InvalidProducerIdMapping, await h.Add("nobody", current, ("t", 0)));
        Assert.Equal(ErrorCode.InvalidProducerIdMapping, await h.End("nobody", current, true));
    }

    [Fact]
    public async Task Init_during_an_ongoing_transaction_aborts_it_under_a_bumped_epoch_and_asks_for_a_retry()
    {
        using var h = new TransactionHarness();
        var old = await h.Init("tx");
        Assert.Equal(ErrorCode.None, await h.Add("tx", old, ("t", 0), ("u", 1)));
        h.Events.Clear();

        var retry = await h.Init("tx");
        Assert.Equal(InitProducerIdResult.Failed(ErrorCode.ConcurrentTransactions), retry);
        await h.Coordinator.DrainAsync();
        Assert.Equal(["append:PrepareAbort", "markers:abort", "append:CompleteAbort"], h.Events);
        var markers = Assert.Single(h.Markers.Calls);
        Assert.False(markers.Commit);
        Assert.Equal((short)1, markers.ProducerEpoch);       // the fencing epoch, not the zombie's
        Assert.Equal([("t", 0), ("u", 1)], markers.Partitions);
        Assert.Equal(ErrorCode.ProducerFenced, await h.End("tx", old, commit: true));

        // The retry bumps once more; that epoch is the one handed out.
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1000, 2), await h.Init("tx"));
    }

    [Fact]
    public async Task Init_while_markers_are_written_is_retried_by_the_client()
    {
        using var h = new TransactionHarness();
        var p = await h.Init("tx");
        await h.Add("tx", p, ("t", 0));
        h.Markers.Hold = true;
        Assert.Equal(ErrorCode.None, await h.End("tx", p, commit: true));
        Assert.Equal(ErrorCode.ConcurrentTransactions, (await h.Init("tx")).Error);
        h.Markers.Release();
        await h.Coordinator.DrainAsync();
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1000, 1), await h.Init("tx"));
    }

    [Fact]
    public async Task Kip360_bump_with_the_expected_id_and_epoch()
    {
        using var h = new TransactionHarness();
        var p = await h.Init("tx");
        // The producer recovers from an abortable error: it names what it has.
        var bumped = await h.Init("tx", expectedId: p.ProducerId, expectedEpoch: p.ProducerEpoch);
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1000, 1), bumped);
        // The answer was lost and the request retried: same epoch back, no second bump.
        Assert.Equal(bumped, await h.Init("tx", expectedId: p.ProducerId, expectedEpoch: p.ProducerEpoch));
        // The current epoch bumps on.
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1000, 2), await h.Init("tx", expectedId: 1000, expectedEpoch: 1));
        // An epoch that is neither current nor the last one is fenced, as is a foreign producer id.
        Assert.Equal(ErrorCode.ProducerFenced, (await h.Init("tx", expectedId: 1000, expectedEpoch: 0)).Error);
        Assert.Equal(ErrorCode.ProducerFenced, (await h.Init("tx", expectedId: 555, expectedEpoch: 2)).Error);
        Assert.Equal(ErrorCode.InvalidProducerEpoch, (await h.Coordinator.InitProducerIdAsync(
            new InitProducerIdArgs("tx", 1000, 555, 2) { FencedAsInvalidProducerEpoch = true })).Error);
        // A new producer instance (no expected id) resets that memory: the old epoch is fenced from then on.
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1000, 3), await h.Init("tx"));
        Assert.Equal(ErrorCode.ProducerFenced, (await h.Init("tx", expectedId: 1000, expectedEpoch: 2)).Error);
    }

    [Fact]
    public async Task Kip360_a_migrating_producer_may_name_an_id_before_the_first_epoch()
    {
        using var h = new TransactionHarness();
        // A brand-new transactional id: the named id is not ours, but there is no epoch to protect yet.
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1000, 0), await h.Init("tx", expectedId: 42, expectedEpoch: 7));
    }

    /// <summary>Puts an id at a given epoch by replaying a record, as if it had been bumped that often.</summary>
    private static void Seed(TransactionHarness h, string id, long producerId, short epoch)
    {
        var partition = h.Coordinator.PartitionFor(id);
        h.Coordinator.BeginLoading(partition);
        h.Coordinator.Replay(partition, TransactionLogKey.Encode(id),
            new TransactionLogValue(producerId, epoch, 10_000, TransactionState.CompleteCommit, [], h.NowMs, h.NowMs).Encode());
        h.Coordinator.CompleteLoading(partition);
    }

    [Fact]
    public async Task Exhausted_epochs_rotate_the_producer_id()
    {
        using var h = new TransactionHarness();
        Seed(h, "tx", 500, short.MaxValue - 1);
        var rotated = await h.Init("tx");
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1000, 0), rotated);
        var record = h.Log.ValuesOf("tx")[^1]!;
        Assert.Equal(500, record.PreviousProducerId);
        Assert.Equal(1000, record.ProducerId);
        Assert.Equal((short)0, record.ProducerEpoch);
        // The new id starts its own epochs.
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1000, 1), await h.Init("tx"));
    }

    [Fact]
    public async Task Kip360_a_retried_rotation_gets_the_same_answer()
    {
        using var h = new TransactionHarness();
        Seed(h, "tx", 500, short.MaxValue - 1);
        var rotated = await h.Init("tx", expectedId: 500, expectedEpoch: short.MaxValue - 1);
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1000, 0), rotated);
        // The previous id with its used-up epoch is recognised as a retry of that rotation.
        Assert.Equal(rotated, await h.Init("tx", expectedId: 500, expectedEpoch: short.MaxValue - 1));
        // The previous id with a live epoch is not.
        Assert.Equal(ErrorCode.ProducerFenced, (await h.Init("tx", expectedId: 500, expectedEpoch: 3)).Error);
    }

    [Fact]
    public async Task A_failed_append_answers_with_the_translated_error_and_changes_nothing()
    {
        using var h = new TransactionHarness();
        var p = await h.Init("tx");
        h.Log.FailWith = ErrorCode.NotEnoughReplicas;
        Assert.Equal(ErrorCode.CoordinatorNotAvailable, (await h.Init("tx")).Error);
        Assert.Equal(ErrorCode.CoordinatorNotAvailable, await h.Add("tx", p, ("t", 0)));
        h.Log.FailWith = ErrorCode.NotLeaderOrFollower;
        Assert.Equal(ErrorCode.NotCoordinator, (await h.Init("tx")).Error);
        h.Log.FailWith = null;
        Assert.Equal("Empty", h.Describe("tx").State);
        Assert.Equal((short)0, h.Describe("tx").ProducerEpoch);
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1000, 1), await h.Init("tx"));
    }
}
