using System.Collections.Concurrent;
using Brook.Common;
using Brook.Metadata;
using Brook.Storage;
using Microsoft.Extensions.Logging;

namespace Brook.Replication;

/// <summary>
/// The partitions this broker hosts, kept in step with the metadata image: a partition appears when the image assigns
/// it here and its log is deleted when its topic leaves the image or the partition leaves this broker. It owns "committed": requests find their leader
/// partition through <see cref="GetLeaderPartition"/> (one place for the leader and epoch checks) and wait for
/// acks=all through <see cref="WaitForCommitAsync"/> (the high watermark past the batch, and local durability when
/// brook.log.flush.on.ack is on).
/// </summary>
public sealed partial class ReplicaManager : IDisposable
{
    private const string PartitionMetadataFile = "partition.metadata";

    private readonly ConcurrentDictionary<TopicPartition, Partition> _partitions = new();
    private readonly ITimer _checkpointTimer;
    private readonly string _logDir;
    private readonly int _brokerId;
    private readonly Func<TopicImage, PartitionSettings> _settingsFor;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _applyLock = new();
    private readonly bool _flushOnAck;
    private MetadataImage _image = MetadataImage.Empty;

    /// <param name="logDir">The log directory holding one folder per hosted partition.</param>
    /// <param name="brokerId">This broker's id.</param>
    /// <param name="settingsFor">Resolves a topic's partition settings from its configs and the broker's.</param>
    /// <param name="flusher">The group-commit fsync shared by every acknowledged write.</param>
    /// <param name="loggers">Logger factory.</param>
    /// <param name="time">Clock.</param>
    /// <param name="flushOnAck">brook.log.flush.on.ack: acks=all waits until the batch is fsynced here.</param>
    /// <param name="highWatermarkCheckpointIntervalMs">replica.high.watermark.checkpoint.interval.ms.</param>
    public ReplicaManager(string logDir, int brokerId, Func<TopicImage, PartitionSettings> settingsFor,
        GroupCommitFlusher flusher, ILoggerFactory loggers, TimeProvider time, bool flushOnAck = true, long highWatermarkCheckpointIntervalMs = 5000)
    {
        var interval = TimeSpan.FromMilliseconds(Math.Max(1, highWatermarkCheckpointIntervalMs));
        _checkpointTimer = time.CreateTimer(_ => CheckpointHighWatermarks(), null, interval, interval);
        _flushOnAck = flushOnAck;
        _logDir = logDir;
        _brokerId = brokerId;
        _settingsFor = settingsFor;
        Flusher = flusher;
        _loggers = loggers;
        _logger = loggers.CreateLogger<ReplicaManager>();
        _time = time;
        Directory.CreateDirectory(logDir);
    }

    public GroupCommitFlusher Flusher { get; }

    /// <summary>The follower side: partitions led elsewhere are fetched from their leaders (null on a standalone node).</summary>
    public ReplicaFetcherManager? Fetchers { get; set; }

    public bool TryGetPartition(TopicPartition id, out Partition partition) => _partitions.TryGetValue(id, out partition!);

    /// <summary>
    /// The partition a produce, fetch or offset request for <paramref name="id"/> must be served by, or the error for
    /// the client: UNKNOWN_TOPIC_OR_PARTITION when the partition does not exist, NOT_LEADER_OR_FOLLOWER when another
    /// broker leads it, and for a request that names the leader epoch it saw (-1 = none) FENCED_LEADER_EPOCH when that
    /// epoch is older than ours and UNKNOWN_LEADER_EPOCH when newer (KIP-320).
    /// </summary>
    public (Partition? Partition, ErrorCode Error) GetLeaderPartition(TopicPartition id, int currentLeaderEpoch = -1)
    {
        if (!_partitions.TryGetValue(id, out var partition))
        {
            var image = Volatile.Read(ref _image);
            var exists = image.TopicsByName.TryGetValue(id.Topic, out var topic) && id.Partition >= 0 && id.Partition < topic.Partitions.Length;
            return (null, exists ? ErrorCode.NotLeaderOrFollower : ErrorCode.UnknownTopicOrPartition);
        }
        var state = partition.State;
        if (currentLeaderEpoch >= 0 && currentLeaderEpoch < state.LeaderEpoch) return (null, ErrorCode.FencedLeaderEpoch);
        if (currentLeaderEpoch > state.LeaderEpoch) return (null, ErrorCode.UnknownLeaderEpoch);
        return partition.IsLeader ? (partition, ErrorCode.None) : (null, ErrorCode.NotLeaderOrFollower);
    }

    /// <summary>
    /// The partition a consumer fetch for <paramref name="id"/> may read (KIP-392): its leader's, as
    /// <see cref="GetLeaderPartition"/> finds it, or with <paramref name="allowFollower"/> this broker's follower replica
    /// in the same leader epoch — a consumer sent here as preferred read replica reads up to this replica's high
    /// watermark. The epoch checks are the leader's.
    /// </summary>
    public (Partition? Partition, ErrorCode Error) GetReadablePartition(TopicPartition id, int currentLeaderEpoch, bool allowFollower)
    {
        var (leader, error) = GetLeaderPartition(id, currentLeaderEpoch);
        if (leader is not null || !allowFollower || error != ErrorCode.NotLeaderOrFollower) return (leader, error);
        return _partitions.TryGetValue(id, out var partition) && partition.State.LeaderId >= 0 ? (partition, ErrorCode.None) : (null, error);
    }

    /// <summary>
    /// The delayed-produce wait of acks=all for a batch ending at <paramref name="lastOffset"/>: completes with NONE
    /// once the high watermark has passed it (every in-sync replica has it) and, with brook.log.flush.on.ack, it is
    /// fsynced here; NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below min.insync.replicas meanwhile;
    /// NOT_LEADER_OR_FOLLOWER when leadership moved away; REQUEST_TIMED_OUT after <paramref name="timeout"/>.
    /// </summary>
    public async ValueTask<ErrorCode> WaitForCommitAsync(Partition partition, long lastOffset, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (partition.HighWatermark > lastOffset && (!_flushOnAck || partition.Log.RecoveryPoint > lastOffset))
            return IsrCheck(partition);
        var epoch = partition.LeaderEpoch;
        using var timer = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            // Our own fsync is queued first, so it runs while the followers fetch, flush and report back rather than
            // after them: the acknowledgement waits for the slower of the two, not for their sum.
            Task durable;
            try
            {
                durable = _flushOnAck ? Flusher.WaitForDurabilityAsync(partition.Log, lastOffset, linked.Token).AsTask() : Task.CompletedTask;
            }
            catch (ArgumentOutOfRangeException)
            {
                return ErrorCode.NotLeaderOrFollower; // the batch is no longer in the log: a new leader truncated it away
            }
            var replicated = false;
            try
            {
                while (partition.HighWatermark <= lastOffset)
                {
                    var moved = partition.HighWatermarkMoved.WaitTask;
                    if (partition.HighWatermark > lastOffset) break;
                    if (!partition.IsLeader || partition.LeaderEpoch != epoch) return ErrorCode.NotLeaderOrFollower;
                    await moved.WaitAsync(linked.Token).ConfigureAwait(false);
                }
                replicated = true;
            }
            finally
            {
                // Left early (leadership moved, timed out): nobody awaits the flush, so observe a failure of it here.
                if (!replicated) _ = durable.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            }
            await durable.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return ErrorCode.RequestTimedOut;
        }
        return IsrCheck(partition);
    }

    private static ErrorCode IsrCheck(Partition partition) =>
        partition.State.Isr.Length < partition.Settings.MinInsyncReplicas ? ErrorCode.NotEnoughReplicasAfterAppend : ErrorCode.None;

    public IEnumerable<Partition> Partitions => _partitions.Values;

    /// <summary>
    /// Brings hosted partitions in line with <paramref name="image"/>: opens the ones assigned here, deletes the logs of
    /// deleted topics and of partitions this broker is no longer a replica of.
    /// </summary>
    public void Apply(MetadataImage image)
    {
        lock (_applyLock)
        {
            Volatile.Write(ref _image, image);
            foreach (var topic in image.TopicsByName.Values)
            {
                var settings = _settingsFor(topic);
                foreach (var p in topic.Partitions)
                {
                    if (!p.Replicas.Contains(_brokerId)) continue;
                    var id = new TopicPartition(topic.Name, p.Index);
                    if (_partitions.TryGetValue(id, out var existing))
                    {
                        if (existing.TopicId == topic.Id)
                        {
                            existing.ApplyState(StateOf(p));
                            if (existing.Settings != settings)
                            {
                                // Dynamic topic config changes apply to the running log at once (later appends and rolls).
                                existing.Settings = settings;
                                existing.Log.Config = settings.Log;
                            }
                            continue;
                        }
                        // Same name, new topic id: the old topic was deleted and recreated.
                        _partitions.TryRemove(id, out _);
                        existing.Log.Delete();
                    }
                    var opened = Open(id, topic.Id, settings);
                    opened.ApplyState(StateOf(p));
                    _partitions[id] = opened;
                }
            }
            foreach (var (id, partition) in _partitions)
            {
                var topicKept = image.TopicsByName.TryGetValue(id.Topic, out var t) && t.Id == partition.TopicId && id.Partition < t.Partitions.Length;
                if (topicKept && t!.Partitions[id.Partition].Replicas.Contains(_brokerId)) continue;
                _partitions.TryRemove(id, out _);
                // A replica moved away learns its new leader first, so acks=all waits and long polls on it end now
                // (NOT_LEADER_OR_FOLLOWER) instead of at their timeouts.
                if (topicKept) partition.ApplyState(StateOf(t!.Partitions[id.Partition]));
                // A reassignment that moved the partition away (or cancelled a move here) ends this replica, as Kafka's
                // StopReplica with deletion does.
                _logger.LogInformation("Deleting log of {Partition}: {Reason}", id,
                    topicKept ? "this broker is no longer one of its replicas" : "its topic was deleted");
                partition.Log.Delete();
            }
            RaiseLeadershipChanges();
            Fetchers?.Sync(image, _partitions.Values);
        }
    }

    /// <summary>
    /// Removes partition directories the image does not place here: topics deleted, or partitions moved away, while the
    /// broker was down.
    /// </summary>
    public void DeleteStrayLogs(MetadataImage image)
    {
        foreach (var dir in Directory.EnumerateDirectories(_logDir))
        {
            var name = Path.GetFileName(dir);
            var dash = name.LastIndexOf('-');
            if (dash <= 0 || !int.TryParse(name.AsSpan(dash + 1), out var index)) continue;
            var topic = name[..dash];
            if (topic.StartsWith("__cluster_metadata", StringComparison.Ordinal)) continue;
            var known = image.TopicsByName.TryGetValue(topic, out var t) && index < t.Partitions.Length
                && t.Partitions[index].Replicas.Contains(_brokerId) && ReadTopicId(dir) is { } id && id == t.Id;
            if (known) continue;
            _logger.LogInformation("Deleting stray log directory {Dir}: the metadata has no such partition on this broker", dir);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static PartitionState StateOf(PartitionImage p) =>
        new(p.Leader, p.LeaderEpoch, p.PartitionEpoch, p.Replicas, p.Isr) { AddingReplicas = p.AddingReplicas };

    private Partition Open(TopicPartition id, Uuid topicId, PartitionSettings settings)
    {
        var dir = Path.Combine(_logDir, $"{id.Topic}-{id.Partition}");
        if (Directory.Exists(dir) && ReadTopicId(dir) is { } onDisk && onDisk != topicId)
        {
            _logger.LogInformation("Log directory {Dir} belongs to an earlier topic {Old}; removing it", dir, onDisk);
            Directory.Delete(dir, recursive: true);
        }
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, PartitionMetadataFile), $"version: 0\ntopic_id: {topicId}\n");
        var log = PartitionLog.Open(dir, settings.Log, _loggers.CreateLogger($"Brook.Storage.PartitionLog[{id}]"), _time);
        return new Partition(id, topicId, _brokerId, log, settings, _time);
    }

    private static Uuid? ReadTopicId(string dir)
    {
        var path = Path.Combine(dir, PartitionMetadataFile);
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadAllLines(path))
        {
            if (!line.StartsWith("topic_id:", StringComparison.Ordinal)) continue;
            try { return Uuid.Parse(line["topic_id:".Length..].Trim()); }
            catch (FormatException) { return null; }
        }
        return null;
    }

    /// <summary>Writes every high watermark that moved since its last checkpoint (a failing disk is logged, not fatal).</summary>
    public void CheckpointHighWatermarks()
    {
        foreach (var p in _partitions.Values)
        {
            try
            {
                p.CheckpointHighWatermark();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                _logger.LogWarning("Checkpointing the high watermark of {Partition} failed: {Reason}", p.Id, e.Message);
            }
        }
    }

    public void Dispose()
    {
        _checkpointTimer.Dispose();
        foreach (var p in _partitions.Values) p.Dispose();
        _partitions.Clear();
    }
}
