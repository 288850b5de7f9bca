using Brook.Common;
using Brook.Common.Config;
using Brook.Coordination;
using Brook.Metadata;
using Brook.Replication;
using Brook.Storage;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Groups;

/// <summary>
/// Owns the __consumer_offsets topic on behalf of the group coordinator: creates it on first use (as Kafka does on the
/// first FindCoordinator for a group), and loads each partition into the coordinator by replaying its records — the
/// same records normal operation wrote, so a restart rebuilds exactly the committed state.
/// </summary>
public sealed class GroupCoordinatorHost(
    GroupCoordinator coordinator,
    ClusterController controller,
    ReplicaManager replicas,
    BrokerConfig config,
    ILogger<GroupCoordinatorHost> logger)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly HashSet<int> _loaded = [];

    public GroupCoordinator Coordinator => coordinator;

    /// <summary>True once the topic exists and every partition of it hosted here has been loaded.</summary>
    public bool IsReady { get; private set; }

    /// <summary>Creates the topic if needed and loads partitions not yet loaded; false if the topic cannot be created.</summary>
    public async ValueTask<bool> EnsureReadyAsync(CancellationToken ct)
    {
        if (IsReady) return true;
        await _lock.WaitAsync(ct);
        try
        {
            if (IsReady) return true;
            if (!controller.Image.TopicsByName.ContainsKey(ConsumerOffsetsLog.TopicName))
            {
                var spec = new CreateTopicSpec(
                    ConsumerOffsetsLog.TopicName,
                    config.OffsetsTopicNumPartitions,
                    (short)Math.Min((int)config.OffsetsTopicReplicationFactor, Math.Max(1, controller.Image.Brokers.Count)),
                    new Dictionary<string, string?>
                    {
                        ["cleanup.policy"] = "compact",
                        ["compression.type"] = "producer",
                        ["segment.bytes"] = config.OffsetsTopicSegmentBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    });
                var result = (await controller.CreateTopicsAsync([spec], validateOnly: false, ct))[0];
                if (result.ErrorCode is not (ErrorCode.None or ErrorCode.TopicAlreadyExists))
                {
                    logger.LogError("Cannot create {Topic}: {Error} {Message}", ConsumerOffsetsLog.TopicName, result.ErrorCode, result.ErrorMessage);
                    return false;
                }
            }
            LoadHostedPartitions();
            IsReady = true;
            return true;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Loads every hosted partition of the topic that is not loaded yet (start-up, or after creation).</summary>
    public void LoadHostedPartitions()
    {
        if (!controller.Image.TopicsByName.TryGetValue(ConsumerOffsetsLog.TopicName, out var topic)) return;
        foreach (var p in topic.Partitions)
        {
            if (_loaded.Contains(p.Index)) continue;
            if (!replicas.TryGetPartition(new TopicPartition(topic.Name, p.Index), out var partition)) continue;
            coordinator.BeginLoading(p.Index);
            var records = LogScanner.Scan(partition.Log, partition.HighWatermark,
                (offset, key, keyIsNull, value, valueIsNull) =>
                {
                    if (keyIsNull) return;
                    try
                    {
                        coordinator.Replay(p.Index, key, value, valueIsNull);
                    }
                    catch (Exception e) when (e is InvalidDataException or ArgumentException or IndexOutOfRangeException or KafkaException)
                    {
                        // One undecodable record must not keep every group of the partition from loading.
                        logger.LogWarning("Skipping undecodable record at offset {Offset} of {Topic}-{Partition}: {Reason}", offset, topic.Name, p.Index, e.Message);
                    }
                });
            coordinator.CompleteLoading(p.Index);
            _loaded.Add(p.Index);
            if (records > 0) logger.LogInformation("Loaded {Records} records of {Topic}-{Partition} into the group coordinator", records, topic.Name, p.Index);
        }
        IsReady = _loaded.Count == topic.Partitions.Length;
    }
}
