using Brook.Common;

namespace Brook.Coordination.Tests.TxnOffsets;

/// <summary>Shorthands for transactional offset commits over a <see cref="CoordinatorHarness"/>.</summary>
internal static class TxnOffsetHelpers
{
    public static TxnOffsetCommitArgs Txn(string group, long producerId, params OffsetCommitEntry[] offsets) =>
        Txn(group, producerId, 0, offsets);

    public static TxnOffsetCommitArgs Txn(string group, long producerId, short epoch, params OffsetCommitEntry[] offsets) => new()
    {
        TransactionalId = "tx-" + producerId,
        GroupId = group,
        ProducerId = producerId,
        ProducerEpoch = epoch,
        Offsets = offsets,
    };

    public static OffsetCommitArgs Plain(string group, params OffsetCommitEntry[] offsets) => new() { GroupId = group, Offsets = offsets };

    /// <summary>What the host does when a transaction ends: the marker lands on the group's partition, then the listener is told.</summary>
    public static async Task EndTransaction(CoordinatorHarness h, string group, long producerId, bool commit, short epoch = 0)
    {
        var partition = h.Coordinator.PartitionFor(group);
        h.Log.AppendMarker(partition, producerId, epoch, commit);
        await h.Coordinator.CompleteTransactionAsync(producerId, epoch, commit, [partition]);
    }

    /// <summary>
    /// A fresh coordinator loaded from <paramref name="source"/>'s log as the host loads it: data records with their
    /// batch's producer id and transactional flag, control records through ReplayControl, all in offset order.
    /// </summary>
    public static CoordinatorHarness Reload(CoordinatorHarness source)
    {
        var fresh = new CoordinatorHarness(time: source.Time, load: false);
        for (var p = 0; p < CoordinatorHarness.Partitions; p++) Load(fresh, source.Log, p);
        return fresh;
    }

    public static void Load(CoordinatorHarness target, MemoryGroupLog log, int partition)
    {
        target.Coordinator.BeginLoading(partition);
        var entries = log.Entries(partition);
        for (var offset = 0; offset < entries.Count; offset++)
        {
            var e = entries[offset];
            if (e.ControlCommit is { } commit)
                target.Coordinator.ReplayControl(partition, e.ProducerId, commit);
            else
                target.Coordinator.Replay(partition, e.Key, e.Value, e.Value is null, e.ProducerId, e.IsTransactional, offset);
        }
        target.Coordinator.CompleteLoading(partition);
    }

    public static FetchedOffset Fetch(CoordinatorHarness h, string group, string topic, int partition, bool requireStable = false) =>
        h.Coordinator.FetchOffsets(new OffsetFetchArgs(group, [new TopicPartition(topic, partition)], requireStable)).Offsets[0];

    /// <summary>Every offset of the group as "topic-partition@offset" (or "!error"), stable view and plain view.</summary>
    public static string Snapshot(CoordinatorHarness h, string group, params (string Topic, int Partition)[] partitions)
    {
        var tps = partitions.Select(p => new TopicPartition(p.Topic, p.Partition)).ToList();
        string Show(bool stable) => string.Join(",", h.Coordinator.FetchOffsets(new OffsetFetchArgs(group, tps, stable)).Offsets
            .Select(o => o.Error == ErrorCode.None ? $"{o.Topic}-{o.Partition}@{o.Offset}" : $"{o.Topic}-{o.Partition}!{o.Error}"));
        return Show(false) + " | " + Show(true);
    }
}
