using System.Globalization;
using Brook.Common.Config;
using Brook.Coordination;
using Brook.Metadata;
using Brook.Protocol.Records;
using Brook.Replication;
using Brook.Storage;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Internal;

/// <summary>The group coordinator's side of __consumer_offsets (offsets.topic.num.partitions partitions, compacted).</summary>
public sealed class GroupCoordinatorHost(
    GroupCoordinator coordinator,
    MetadataView metadata,
    IControllerChannel controller,
    ReplicaManager replicas,
    BrokerConfig config,
    ILogger<GroupCoordinatorHost> logger) : CoordinatorTopic(metadata, controller, replicas, logger)
{
    public const string OffsetsTopicName = "__consumer_offsets";

    public GroupCoordinator Coordinator => coordinator;

    public override string TopicName => OffsetsTopicName;

    public override int PartitionFor(string key) => coordinator.PartitionFor(key);

    protected override CreateTopicSpec CreationSpec(MetadataImage image) => new(
        OffsetsTopicName,
        config.OffsetsTopicNumPartitions,
        config.IsStandalone ? (short)1 : config.OffsetsTopicReplicationFactor,
        new Dictionary<string, string?>
        {
            ["cleanup.policy"] = "compact",
            ["compression.type"] = "producer",
            ["segment.bytes"] = config.OffsetsTopicSegmentBytes.ToString(CultureInfo.InvariantCulture),
        });

    protected override bool BeginLoading(int partition, int leaderEpoch) => coordinator.BeginLoading(partition, leaderEpoch);

    protected override void Replay(int partition, in LogScanner.BatchContext batch, long offset, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool valueIsNull)
    {
        if (batch.IsControl)
        {
            // A transaction marker settles that producer's pending transactional offsets in this partition.
            if (ControlRecord.TryReadType(key, out var type))
                coordinator.ReplayControl(partition, batch.ProducerId, type == ControlRecordType.Commit);
            return;
        }
        coordinator.Replay(partition, key, value, valueIsNull, batch.ProducerId, batch.IsTransactional, offset);
    }

    protected override bool CompleteLoading(int partition, int leaderEpoch) => coordinator.CompleteLoading(partition, leaderEpoch);

    protected override void Unload(int partition, int? leaderEpoch) => coordinator.Unload(partition, leaderEpoch);

    protected override void AnnouncePendingLoads(Func<int, bool> isAboutToLoad) => coordinator.IsAboutToLoad = isAboutToLoad;
}
