using System.Globalization;
using Brook.Common.Config;
using Brook.Coordination.Transactions;
using Brook.Metadata;
using Brook.Replication;
using Brook.Storage;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Internal;

/// <summary>The transaction coordinator's side of __transaction_state (transaction.state.log.num.partitions partitions, compacted).</summary>
public sealed class TransactionCoordinatorHost(
    TransactionCoordinator coordinator,
    MetadataView metadata,
    IControllerChannel controller,
    ReplicaManager replicas,
    BrokerConfig config,
    ILogger<TransactionCoordinatorHost> logger) : CoordinatorTopic(metadata, controller, replicas, logger)
{
    public TransactionCoordinator Coordinator => coordinator;

    public override string TopicName => TransactionCoordinator.TopicName;

    public override int PartitionFor(string key) => coordinator.PartitionFor(key);

    protected override CreateTopicSpec CreationSpec(MetadataImage image) => new(
        TransactionCoordinator.TopicName,
        config.TransactionStateLogNumPartitions,
        config.IsStandalone ? (short)1 : config.TransactionStateLogReplicationFactor,
        new Dictionary<string, string?>
        {
            ["cleanup.policy"] = "compact",
            ["compression.type"] = "uncompressed",
            ["segment.bytes"] = config.TransactionStateLogSegmentBytes.ToString(CultureInfo.InvariantCulture),
        });

    // The partition's leader epoch doubles as the coordinator epoch written into transaction markers.
    protected override bool BeginLoading(int partition, int leaderEpoch) => coordinator.BeginLoading(partition, leaderEpoch);

    protected override void Replay(int partition, in LogScanner.BatchContext batch, long offset, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool valueIsNull)
    {
        if (batch.IsControl) return;
        coordinator.Replay(partition, key, value, valueIsNull);
    }

    // Transactions left in PrepareCommit/PrepareAbort get their markers sent again, under this load's epoch.
    protected override bool CompleteLoading(int partition, int leaderEpoch) => coordinator.CompleteLoading(partition, leaderEpoch);

    protected override void Unload(int partition, int? leaderEpoch) => coordinator.Unload(partition, leaderEpoch);

    protected override void AnnouncePendingLoads(Func<int, bool> isAboutToLoad) => coordinator.IsAboutToLoad = isAboutToLoad;
}
