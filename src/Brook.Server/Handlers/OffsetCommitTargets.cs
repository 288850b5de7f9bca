using Brook.Common;
using Brook.Coordination;
using Brook.Metadata;

namespace Brook.Server.Handlers;

/// <summary>
/// The partition check OffsetCommit and TxnOffsetCommit share: Kafka commits only offsets of partitions that exist
/// (KafkaApis checks the metadata cache) and answers UNKNOWN_TOPIC_OR_PARTITION for the others, while the rest of the
/// same request still commits. Without it a commit to a typo'd topic would "succeed" and store nothing visible.
/// </summary>
internal static class OffsetCommitTargets
{
    /// <summary>Splits <paramref name="entries"/> into those to hand to the coordinator and ready-made errors for the rest.</summary>
    public static (List<OffsetCommitEntry> Known, List<PartitionResult> Unknown) Split(MetadataImage image, IEnumerable<OffsetCommitEntry> entries)
    {
        var known = new List<OffsetCommitEntry>();
        var unknown = new List<PartitionResult>();
        foreach (var e in entries)
        {
            if (image.TopicsByName.TryGetValue(e.Topic, out var topic) && e.Partition >= 0 && e.Partition < topic.Partitions.Length)
                known.Add(e);
            else
                unknown.Add(new PartitionResult(e.Topic, e.Partition, ErrorCode.UnknownTopicOrPartition));
        }
        return (known, unknown);
    }

    /// <summary>
    /// The coordinator's results and the unknown partitions' errors in the order the request named the partitions,
    /// grouped by topic as the response needs them.
    /// </summary>
    public static IEnumerable<IGrouping<string, PartitionResult>> InRequestOrder(IReadOnlyList<OffsetCommitEntry> requested,
        IEnumerable<PartitionResult> committed, IEnumerable<PartitionResult> unknown)
    {
        var byPartition = new Dictionary<(string, int), PartitionResult>();
        foreach (var r in committed.Concat(unknown)) byPartition[(r.Topic, r.Partition)] = r;
        return requested
            .Select(e => byPartition.TryGetValue((e.Topic, e.Partition), out var r) ? r : new PartitionResult(e.Topic, e.Partition, ErrorCode.UnknownServerError))
            .DistinctBy(r => (r.Topic, r.Partition))
            .GroupBy(r => r.Topic);
    }
}
