using System.Collections.Concurrent;
using Brook.Common;
using Brook.Metadata;
using Brook.Storage;
using Brook.Storage.IO;
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
    /// <summary>Partitions assigned here whose log directory is offline: they answer KAFKA_STORAGE_ERROR.</summary>
    private readonly ConcurrentDictionary<TopicPartition, LogDirectory> _offline = new();
    /// <summary>The log directory each hosted partition lives in.</summary>
    private readonly ConcurrentDictionary<TopicPartition, LogDirectory> _homes = new();
    private readonly ITimer _checkpointTimer;
    private readonly LogDirectories _dirs;
    private readonly int _brokerId;
    private readonly Func<TopicImage, PartitionSettings> _settingsFor;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _applyLock = new();
    private readonly bool _flushOnAck;
    private MetadataImage _image = MetadataImage.Empty;

    /// <param name="dirs">The log directories (log.dirs) holding one folder per hosted partition.</param>
    /// <param name="brokerId">This broker's id.</param>
    /// <param name="settingsFor">Resolves a topic's partition settings from its configs and the broker's.</param>
    /// <param name="flusher">The group-commit fsync shared by every acknowledged write.</param>
    /// <param name="loggers">Logger factory.</param>
    /// <param name="time">Clock.</param>
    /// <param name="flushOnAck">brook.log.flush.on.ack: acks=all waits until the batch is fsynced here.</param>
    /// <param name="highWatermarkCheckpointIntervalMs">replica.high.watermark.checkpoint.interval.ms.</param>
    public ReplicaManager(LogDirectories dirs, int brokerId, Func<TopicImage, PartitionSettings> settingsFor,
        GroupCommitFlusher flusher, ILoggerFactory loggers, TimeProvider time, bool flushOnAck = true, long highWatermarkCheckpointIntervalMs = 5000)
    {
        var interval = TimeSpan.FromMilliseconds(Math.Max(1, highWatermarkCheckpointIntervalMs));
        _checkpointTimer = time.CreateTimer(_ => CheckpointHighWatermarks(), null, interval, interval);
        _flushOnAck = flushOnAck;
        _dirs = dirs;
        _brokerId = brokerId;
        _settingsFor = settingsFor;
        Flusher = flusher;
        _loggers = loggers;
        _logger = loggers.CreateLogger<ReplicaManager>();
        _time = time;
        foreach (var dir in dirs.Online) Directory.CreateDirectory(dir.Path);
        dirs.DirectoryFailed += dir => ThreadPool.UnsafeQueueUserWorkItem(static s => s.Manager.TakeOffline(s.Dir), (Manager: this, Dir: dir), false);
    }

    /// <summary>One log directory (tests and tools).</summary>
    public ReplicaManager(string logDir, int brokerId, Func<TopicImage, PartitionSettings> settingsFor,
        GroupCommitFlusher flusher, ILoggerFactory loggers, TimeProvider time, bool flushOnAck = true, long highWatermarkCheckpointIntervalMs = 5000)
        : this(LogDirectories.Single(logDir), brokerId, settingsFor, flusher, loggers, time, flushOnAck, highWatermarkCheckpointIntervalMs)
    {
    }

    /// <summary>The broker's log directories and which of them are online.</summary>
    public LogDirectories Directories => _dirs;

    /// <summary>The file system partition logs are opened on (the real one, with the broker's write-back when it has one).</summary>
    public ILogFileSystem FileSystem { get; init; } = PhysicalLogFileSystem.Instance;

    /// <summary>Raised after a log directory went offline and its partitions were taken out of service.</summary>
    public event Action<LogDirectory>? DirectoryOffline;

    /// <summary>The id of the broker this manager hosts replicas for.</summary>
    public int BrokerId => _brokerId;

    /// <summary>The directory a hosted partition lives in, or null.</summary>
    public LogDirectory? HomeOf(TopicPartition id) => _homes.TryGetValue(id, out var dir) ? dir : null;

    /// <summary>Partitions assigned here that cannot be served because their log directory is offline.</summary>
    public IEnumerable<(TopicPartition Id, LogDirectory Dir)> OfflinePartitions => _offline.Select(kv => (kv.Key, kv.Value));

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
            if (_offline.ContainsKey(id)) return (null, ErrorCode.KafkaStorageError);
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
        return _partitions.TryGetValue(id, out var partition) && partition.State.LeaderId >= 0 && !partition.IsOffline ? (partition, ErrorCode.None) : (null, error);
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
        catch (IOException e)
        {
            // The fsync failed: what was written may not be on disk, so nothing past it may be acknowledged from here.
            partition.ReportStorageFailure("flushing the log failed: " + e.Message);
            return ErrorCode.KafkaStorageError;
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
                    if (_offline.ContainsKey(id)) continue;
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
                        _homes.TryRemove(id, out _);
                        CancelMove(id);
                        existing.Log.Delete();
                    }
                    var opened = Open(id, topic.Id, settings);
                    if (opened is null) continue;
                    opened.ApplyState(StateOf(p));
                    _partitions[id] = opened;
                }
            }
            foreach (var (id, partition) in _partitions)
            {
                var topicKept = image.TopicsByName.TryGetValue(id.Topic, out var t) && t.Id == partition.TopicId && id.Partition < t.Partitions.Length;
                if (topicKept && t!.Partitions[id.Partition].Replicas.Contains(_brokerId)) continue;
                _partitions.TryRemove(id, out _);
                _homes.TryRemove(id, out _);
                CancelMove(id);
                // A replica moved away learns its new leader first, so acks=all waits and long polls on it end now
                // (NOT_LEADER_OR_FOLLOWER) instead of at their timeouts.
                if (topicKept) partition.ApplyState(StateOf(t!.Partitions[id.Partition]));
                // A reassignment that moved the partition away (or cancelled a move here) ends this replica, as Kafka's
                // StopReplica with deletion does.
                _logger.LogInformation("Deleting log of {Partition}: {Reason}", id,
                    topicKept ? "this broker is no longer one of its replicas" : "its topic was deleted");
                partition.Log.Delete();
            }
            foreach (var id in _offline.Keys)
            {
                // Its log cannot be deleted from an offline directory; a restart removes it as a stray log.
                var kept = image.TopicsByName.TryGetValue(id.Topic, out var t) && id.Partition < t.Partitions.Length
                    && t.Partitions[id.Partition].Replicas.Contains(_brokerId);
                if (!kept) _offline.TryRemove(id, out _);
            }
            RaiseLeadershipChanges();
            Fetchers?.Sync(image, _partitions.Values);
        }
    }

    /// <summary>
    /// A log directory went offline: every partition in it leaves service (KAFKA_STORAGE_ERROR from now on), stops
    /// replicating, and its log is closed as far as a failed disk allows. The other directories keep serving;
    /// <see cref="DirectoryOffline"/> tells the heartbeat, which reports it to the controller (OfflineLogDirs) so that
    /// leadership moves to replicas elsewhere.
    /// </summary>
    private void TakeOffline(LogDirectory dir)
    {
        var taken = new List<Partition>();
        lock (_applyLock)
        {
            CancelMovesTouching(dir);
            foreach (var (id, home) in _homes)
            {
                if (home != dir || !_partitions.TryRemove(id, out var partition)) continue;
                _homes.TryRemove(id, out _);
                _offline[id] = dir;
                partition.TakeOffline();
                taken.Add(partition);
            }
            Fetchers?.Sync(Volatile.Read(ref _image), _partitions.Values);
        }
        _logger.LogError("Log directory {Dir} is offline ({Reason}): {Count} partitions there answer KAFKA_STORAGE_ERROR until the broker restarts; " +
            "the other log directories keep serving", dir.Path, dir.OfflineReason, taken.Count);
        foreach (var partition in taken)
        {
            try
            {
                partition.Log.Dispose();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException or InvalidOperationException)
            {
                _logger.LogDebug("Closing {Partition} on the failed directory: {Reason}", partition.Id, e.Message);
            }
        }
        DirectoryOffline?.Invoke(dir);
    }

    private void OnStorageFailure(Partition partition, string reason)
    {
        var dir = HomeOf(partition.Id) ?? _dirs.Containing(partition.Log.Directory);
        if (dir is null) return;
        _dirs.Fail(dir, $"{partition.Id}: {reason}");
    }

    /// <summary>
    /// Removes partition directories the image does not place here: topics deleted, or partitions moved away, while the
    /// broker was down.
    /// </summary>
    public void DeleteStrayLogs(MetadataImage image)
    {
        foreach (var dir in _dirs.Online.SelectMany(d => Directory.EnumerateDirectories(d.Path)))
        {
            var name = Path.GetFileName(dir);
            if (name.EndsWith(ReplicaLogMove.FutureSuffix, StringComparison.Ordinal) || name.EndsWith(ReplicaLogMove.DeleteSuffix, StringComparison.Ordinal))
            {
                // A move cut short by a restart (its copy), or one whose old log was not deleted yet.
                _logger.LogInformation("Deleting {Dir}: left by a log directory move that did not finish", dir);
                Directory.Delete(dir, recursive: true);
                continue;
            }
            var dash = name.LastIndexOf('-');
            if (dash <= 0 || !int.TryParse(name.AsSpan(dash + 1), out var index)) continue;
            var topic = name[..dash];
            if (topic.StartsWith("__cluster_metadata", StringComparison.Ordinal)) continue;
            var known = image.TopicsByName.TryGetValue(topic, out var t) && index < t.Partitions.Length
                && t.Partitions[index].Replicas.Contains(_brokerId) && ReadTopicId(dir) is { } id && id == t.Id
                // A crash inside a move's swap leaves two complete copies: the one found first is kept.
                && _dirs.Holding(name) is { } first && Path.Combine(first.Path, name) == dir;
            if (known) continue;
            _logger.LogInformation("Deleting stray log directory {Dir}: the metadata has no such partition on this broker", dir);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static PartitionState StateOf(PartitionImage p) =>
        new(p.Leader, p.LeaderEpoch, p.PartitionEpoch, p.Replicas, p.Isr) { AddingReplicas = p.AddingReplicas };

    /// <summary>
    /// Opens (recovering) or creates the log of <paramref name="id"/> in the directory that holds it, or for a new
    /// partition in the online directory with the fewest partitions. Null when that directory is offline or fails now:
    /// the partition is then offline here.
    /// </summary>
    private Partition? Open(TopicPartition id, Uuid topicId, PartitionSettings settings)
    {
        var folder = $"{id.Topic}-{id.Partition}";
        var home = _dirs.Holding(folder);
        if (home is not null && ReadTopicId(Path.Combine(home.Path, folder)) is { } onDisk && onDisk != topicId && home.IsOnline)
        {
            _logger.LogInformation("Log directory {Dir} belongs to an earlier topic {Old}; removing it", Path.Combine(home.Path, folder), onDisk);
            Directory.Delete(Path.Combine(home.Path, folder), recursive: true);
            home = null;
        }
        if (home is null && _preferred.TryRemove(id, out var preferred) && preferred.IsOnline) home = preferred;
        home ??= _dirs.Choose(d => _homes.Values.Count(h => h == d));
        if (home is null || !home.IsOnline)
        {
            _offline[id] = home ?? _dirs.Metadata;
            _logger.LogWarning("{Partition} is offline here: its log directory {Dir} is offline", id, (home ?? _dirs.Metadata).Path);
            return null;
        }
        var dir = Path.Combine(home.Path, folder);
        try
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, PartitionMetadataFile), $"version: 0\ntopic_id: {topicId}\n");
            var log = PartitionLog.Open(dir, settings.Log, _loggers.CreateLogger($"Brook.Storage.PartitionLog[{id}]"), _time, FileSystem);
            var partition = new Partition(id, topicId, _brokerId, log, settings, _time) { StorageFailed = OnStorageFailure };
            _homes[id] = home;
            return partition;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _offline[id] = home;
            _dirs.Fail(home, $"opening {id}: {e.Message}");
            return null;
        }
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
            catch (ObjectDisposedException)
            {
                // Closed meanwhile (deleted, moved away, or its directory went offline).
            }
            catch (IOException) when (!_partitions.TryGetValue(p.Id, out var hosted) || !ReferenceEquals(hosted, p))
            {
                // Removed meanwhile (a deletion takes the partition out of the map before deleting its directory):
                // its directory being gone is the deletion, not a failing disk.
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning("Checkpointing the high watermark of {Partition} failed: {Reason}", p.Id, e.Message);
                p.ReportStorageFailure("checkpointing the high watermark failed: " + e.Message);
            }
        }
    }

    public void Dispose()
    {
        _checkpointTimer.Dispose();
        foreach (var id in _moves.Keys) CancelMove(id);
        foreach (var p in _partitions.Values) p.Dispose();
        _partitions.Clear();
    }
}
