using Brook.Common;
using Brook.Coordination.Tests.Transactions;
using Brook.Coordination.Transactions;
using static Brook.Coordination.Tests.TxnOffsets.TxnOffsetHelpers;

namespace Brook.Coordination.Tests.TxnOffsets;

/// <summary>
/// The consume-transform-produce loop's offset half, through both coordinators: AddOffsetsToTxn, TxnOffsetCommit, EndTxn,
/// then markers written to __consumer_offsets and the group coordinator told, as the broker wires them.
/// </summary>
public class TxnOffsetEndToEndTests
{
    /// <summary>Writes markers of __consumer_offsets partitions into the group log; other partitions just succeed.</summary>
    private sealed class GroupLogMarkerWriter(MemoryGroupLog log) : ITransactionMarkerWriter
    {
        public ValueTask<IReadOnlyList<(string Topic, int Partition, ErrorCode Error)>> WriteMarkersAsync(long producerId, short producerEpoch,
            int coordinatorEpoch, bool commit, IReadOnlyList<(string Topic, int Partition)> partitions, CancellationToken cancellationToken)
        {
            foreach (var (topic, partition) in partitions)
                if (topic == TransactionCoordinator.OffsetsTopicName) log.AppendMarker(partition, producerId, producerEpoch, commit);
            return ValueTask.FromResult<IReadOnlyList<(string, int, ErrorCode)>>(partitions.Select(p => (p.Topic, p.Partition, ErrorCode.None)).ToList());
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Offsets_sent_to_a_transaction_become_visible_exactly_when_it_commits(bool commit)
    {
        using var groups = new CoordinatorHarness();
        var options = TransactionHarness.DefaultOptions with { OffsetsTopicPartitions = CoordinatorHarness.Partitions };
        using var txns = new TransactionCoordinator(options, new MemoryTransactionLog(), new CountingProducerIds(), new GroupLogMarkerWriter(groups.Log),
            groups.Coordinator, groups.Time);
        for (var p = 0; p < options.TransactionStateLogPartitions; p++)
        {
            txns.BeginLoading(p);
            txns.CompleteLoading(p);
        }
        await groups.Coordinator.CommitOffsetsAsync(Plain("g", new OffsetCommitEntry("in", 0, 100)));

        var producer = await txns.InitProducerIdAsync(new InitProducerIdArgs("tx", 30_000));
        Assert.Equal(ErrorCode.None, producer.Error);
        Assert.Equal(ErrorCode.None, await txns.AddPartitionsToTxnAsync(new AddPartitionsToTxnArgs("tx", producer.ProducerId, producer.ProducerEpoch,
            [new TopicPartition("out", 0)])));
        Assert.Equal(ErrorCode.None, await txns.AddOffsetsToTxnAsync(new AddOffsetsToTxnArgs("tx", producer.ProducerId, producer.ProducerEpoch, "g")));
        var committed = await groups.Coordinator.TxnCommitOffsetsAsync(new TxnOffsetCommitArgs
        {
            TransactionalId = "tx", GroupId = "g", ProducerId = producer.ProducerId, ProducerEpoch = producer.ProducerEpoch,
            Offsets = [new OffsetCommitEntry("in", 0, 150)],
        });
        Assert.Equal(ErrorCode.None, committed[0].Error);
        Assert.Equal("in-0@100 | in-0!UnstableOffsetCommit", Snapshot(groups, "g", ("in", 0)));

        Assert.Equal(ErrorCode.None, await txns.EndTxnAsync(new EndTxnArgs("tx", producer.ProducerId, producer.ProducerEpoch, commit)));
        await txns.DrainAsync();
        var expected = commit ? "in-0@150 | in-0@150" : "in-0@100 | in-0@100";
        Assert.Equal(expected, Snapshot(groups, "g", ("in", 0)));

        using var reloaded = Reload(groups);
        Assert.Equal(expected, Snapshot(reloaded, "g", ("in", 0)));
    }
}
