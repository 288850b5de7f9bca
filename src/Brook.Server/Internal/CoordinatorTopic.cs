using Brook.Common;
using Brook.Metadata;
using Brook.Replication;
using Brook.Storage;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Internal;

/// <summary>
/// An internal compacted topic that feeds a coordinator state machine: created on first use (as Kafka does on the
/// first FindCoordinator), and each hosted partition loaded by replaying its records — the same records normal
/// operation wrote, so a restart rebuilds exactly the committed state.
/// </summary>
public abstract class CoordinatorTopic(MetadataView metadata, IControllerChannel controller, ReplicaManager replicas, ILogger logger)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly HashSet<int> _loaded = [];

    /// <summary>The internal topic's name.</summary>
    public abstract string TopicName { get; }

    /// <summary>The partition of the internal topic that holds <paramref name="key"/> (a group or transactional id).</summary>
    public abstract int PartitionFor(string key);

    /// <summary>
    /// The broker leading the partition that holds <paramref name="key"/>, per the current image: the coordinator a
    /// client must use. Null while the topic does not exist or that partition has no leader.
    /// </summary>
    public BrokerRegistration? CoordinatorFor(string key)
    {
        var image = metadata.Image;
        if (!image.TopicsByName.TryGetValue(TopicName, out var topic)) return null;
        var index = PartitionFor(key);
        if (index >= topic.Partitions.Length) return null;
        var leader = topic.Partitions[index].Leader;
        return leader >= 0 && image.Brokers.TryGetValue(leader, out var broker) ? broker : null;
    }

    /// <summary>How to create the topic: partition count, replication factor and configs (always compacted).</summary>
    protected abstract CreateTopicSpec CreationSpec(MetadataImage image);

    protected abstract void BeginLoading(int partition, int leaderEpoch);
    protected abstract void Replay(int partition, in LogScanner.BatchContext batch, long offset, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool valueIsNull);
    protected abstract void CompleteLoading(int partition);

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
            if (!metadata.Image.TopicsByName.ContainsKey(TopicName))
            {
                var result = (await controller.CreateTopicsAsync([CreationSpec(metadata.Image)], validateOnly: false, ct))[0];
                if (result.ErrorCode is not (ErrorCode.None or ErrorCode.TopicAlreadyExists))
                {
                    logger.LogError("Cannot create {Topic}: {Error} {Message}", TopicName, result.ErrorCode, result.ErrorMessage);
                    return false;
                }
            }
            LoadHostedPartitionsLocked();
            return IsReady;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Loads every hosted partition of the topic not loaded yet (start-up, or after creation).</summary>
    public void LoadHostedPartitions()
    {
        _lock.Wait();
        try { LoadHostedPartitionsLocked(); }
        finally { _lock.Release(); }
    }

    private void LoadHostedPartitionsLocked()
    {
        if (!metadata.Image.TopicsByName.TryGetValue(TopicName, out var topic)) return;
        foreach (var p in topic.Partitions)
        {
            if (_loaded.Contains(p.Index)) continue;
            if (!replicas.TryGetPartition(new TopicPartition(topic.Name, p.Index), out var partition)) continue;
            BeginLoading(p.Index, p.LeaderEpoch);
            var records = LogScanner.Scan(partition.Log, partition.HighWatermark,
                (in LogScanner.BatchContext batch, long offset, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull) =>
                {
                    if (keyIsNull) return;
                    try
                    {
                        Replay(p.Index, in batch, offset, key, value, valueIsNull);
                    }
                    catch (Exception e) when (e is InvalidDataException or ArgumentException or IndexOutOfRangeException or KafkaException)
                    {
                        // One undecodable record must not keep every other record of the partition from loading.
                        logger.LogWarning("Skipping undecodable record at offset {Offset} of {Topic}-{Partition}: {Reason}", offset, topic.Name, p.Index, e.Message);
                    }
                });
            CompleteLoading(p.Index);
            _loaded.Add(p.Index);
            if (records > 0) logger.LogInformation("Replayed {Records} records of {Topic}-{Partition}", records, topic.Name, p.Index);
        }
        IsReady = _loaded.Count == topic.Partitions.Length;
    }
}
