using Brook.Common;
using Brook.Coordination.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brook.Coordination;

/// <summary>
/// The group coordinator for the __consumer_offsets partitions this broker leads: classic groups (JoinGroup/SyncGroup)
/// and KIP-848 consumer groups (ConsumerGroupHeartbeat) side by side, a group id being one or the other.
/// <para>
/// Design, after Kafka's: a request is validated against in-memory state under one lock; durable changes become
/// __consumer_offsets records appended through <see cref="IGroupLog"/>; committed offsets change only when their
/// append completed, through the same apply code <see cref="Replay"/> uses at load, so a restarted broker rebuilds
/// exactly what was acknowledged. Membership is soft state: the GroupMetadata record is a snapshot written when a
/// rebalance completes (and when a group empties), and replay turns it back into a Stable (or Empty) group whose
/// members must heartbeat within their session timeout — the same thing Kafka does.
/// </para>
/// <para>
/// Parked JoinGroup/SyncGroup requests are <see cref="TaskCompletionSource{T}"/>s completed when the rebalance
/// advances; session, rebalance and sync timeouts run off one timer from the injected <see cref="TimeProvider"/>,
/// so tests drive time by hand.
/// </para>
/// </summary>
public sealed partial class GroupCoordinator : IDisposable
{
    private readonly GroupCoordinatorOptions _options;
    private readonly IGroupLog _log;
    private readonly ITopicMetadataSource _topics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Guards every group, the partition table and the deadline queue.</summary>
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ClassicGroup> _groups = new(StringComparer.Ordinal);

    /// <summary>Partitions this coordinator owns, with the leader epoch they are loaded at. Absent: not ours.</summary>
    private readonly Dictionary<int, OwnedPartition> _partitions = [];

    private readonly DeadlineQueue _deadlines = new();
    private readonly CancellationTokenSource _shutdown = new();

    /// <summary>Orders appends: each is started under the lock with the next sequence number, so sequence = log order.</summary>
    private long _appendSequence;
    private bool _disposed;

    /// <param name="topics">Topic names, ids and partition counts for KIP-848 consumer groups' server-side assignment;
    /// without it consumer groups get nothing assigned.</param>
    public GroupCoordinator(GroupCoordinatorOptions options, IGroupLog log, TimeProvider? time = null, ILogger<GroupCoordinator>? logger = null,
        ITopicMetadataSource? topics = null)
    {
        if (options.OffsetsTopicPartitions <= 0) throw new ArgumentOutOfRangeException(nameof(options), "OffsetsTopicPartitions must be positive");
        if (options.ConsumerGroupAssignors.Count == 0) throw new ArgumentOutOfRangeException(nameof(options), "ConsumerGroupAssignors must name at least one assignor");
        _options = options;
        _log = log;
        _topics = topics ?? NoTopics.Instance;
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _timer = _time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (_options.OffsetsRetentionCheckIntervalMs > 0)
        {
            lock (_lock) _deadlines.Schedule(RetentionKey, NowMs + _options.OffsetsRetentionCheckIntervalMs);
            ArmTimer();
        }
    }

    public GroupCoordinatorOptions Options => _options;

    /// <summary>Rebalances and offset commits, expirations and deletions since start-up, for the broker's metrics.</summary>
    public GroupCoordinatorCounters Counters { get; } = new();

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The __consumer_offsets partition of <paramref name="groupId"/> (FindCoordinator answers with its leader).</summary>
    public int PartitionFor(string groupId) => GroupPartitioner.PartitionFor(groupId, _options.OffsetsTopicPartitions);

    /// <summary>
    /// Whether this broker leads a __consumer_offsets partition that it has not claimed yet (set by the host, from the
    /// metadata image): its load is about to start, so its groups get COORDINATOR_LOAD_IN_PROGRESS, as during the load,
    /// rather than NOT_COORDINATOR — FindCoordinator already names this broker, and librdkafka's admin client crashes on
    /// NOT_COORDINATOR in an OffsetFetch reply (librdkafka#5040). Called under the coordinator's lock.
    /// </summary>
    public Func<int, bool>? IsAboutToLoad { get; set; }

    /// <summary>NOT_COORDINATOR unless this coordinator owns the group's partition, COORDINATOR_LOAD_IN_PROGRESS while it loads (or is about to).</summary>
    private ErrorCode CoordinatorError(string groupId, out int partition)
    {
        partition = PartitionFor(groupId);
        if (_disposed) return ErrorCode.NotCoordinator;
        if (!_partitions.TryGetValue(partition, out var owned))
            return IsAboutToLoad?.Invoke(partition) == true ? ErrorCode.CoordinatorLoadInProgress : ErrorCode.NotCoordinator;
        return owned.Loaded ? ErrorCode.None : ErrorCode.CoordinatorLoadInProgress;
    }

    private static TaskCompletionSource<T> NewCompletion<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Starts an append under the lock (so its place in the log follows the decision order) and hands back its task;
    /// a synchronous failure of the log becomes a faulted task.
    /// </summary>
    private Task<long> StartAppend(int partition, List<(byte[] Key, byte[]? Value)> records)
    {
        try
        {
            return _log.AppendAsync(partition, records, _shutdown.Token).AsTask();
        }
        catch (Exception e)
        {
            return Task.FromException<long>(e);
        }
    }

    /// <summary>Kafka's translation of a failed GroupMetadata append into what the client should do next.</summary>
    private static ErrorCode GroupAppendError(Exception e)
    {
        var code = e is KafkaException k ? k.Code : ErrorCode.UnknownServerError;
        return code switch
        {
            ErrorCode.UnknownTopicOrPartition or ErrorCode.NotEnoughReplicas or ErrorCode.NotEnoughReplicasAfterAppend
                or ErrorCode.RequestTimedOut => ErrorCode.CoordinatorNotAvailable,
            ErrorCode.NotLeaderOrFollower or ErrorCode.KafkaStorageError => ErrorCode.NotCoordinator,
            ErrorCode.MessageTooLarge or ErrorCode.RecordListTooLarge or ErrorCode.InvalidFetchSize => ErrorCode.UnknownServerError,
            _ => code,
        };
    }

    /// <summary>As <see cref="GroupAppendError"/>, but an oversized commit is the client's fault: INVALID_COMMIT_OFFSET_SIZE.</summary>
    private static ErrorCode CommitAppendError(Exception e)
    {
        var code = e is KafkaException k ? k.Code : ErrorCode.UnknownServerError;
        return code is ErrorCode.MessageTooLarge or ErrorCode.RecordListTooLarge or ErrorCode.InvalidFetchSize
            ? ErrorCode.InvalidCommitOffsetSize
            : GroupAppendError(e);
    }

    /// <summary>Removes a group from memory and forgets its deadlines; parked requests are answered with <paramref name="error"/>.</summary>
    private void DropGroup(ClassicGroup group, ErrorCode error)
    {
        group.MarkDead(NowMs);
        if (_groups.TryGetValue(group.GroupId, out var current) && ReferenceEquals(current, group)) _groups.Remove(group.GroupId);
        _deadlines.Cancel(new DeadlineKey(DeadlineKind.Join, group.GroupId));
        _deadlines.Cancel(new DeadlineKey(DeadlineKind.PendingSync, group.GroupId));
        foreach (var id in group.PendingMembers) _deadlines.Cancel(HeartbeatKey(group, id));
        ForgetPendingTransactions(group);
        if (group.Consumer is { } consumer)
        {
            foreach (var id in consumer.Members.Keys) CancelConsumerDeadlines(group, id);
        }
        foreach (var m in group.Members.Values)
        {
            _deadlines.Cancel(HeartbeatKey(group, m.MemberId));
            m.AwaitingJoin?.TrySetResult(JoinGroupResult.Failed(error, m.MemberId));
            m.AwaitingJoin = null;
            m.AwaitingSync?.TrySetResult(SyncGroupResult.Failed(error));
            m.AwaitingSync = null;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var group in _groups.Values.ToList()) DropGroup(group, ErrorCode.NotCoordinator);
            _partitions.Clear();
        }
        _shutdown.Cancel();
        // Under the arm lock, so that no ArmTimer is half-way through changing the timer being disposed.
        lock (_armLock) _timer.Dispose();
        _shutdown.Dispose();
    }
}
