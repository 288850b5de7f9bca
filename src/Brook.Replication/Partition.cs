using System.Runtime.InteropServices;
using Brook.Common;
using Brook.Protocol.Records;
using Brook.Storage;

namespace Brook.Replication;

/// <summary>
/// One partition this broker hosts: its log and its replication state — whether this broker leads it, the leader
/// epoch, the in-sync replicas and the high watermark, which is kept apart from the log end: only records below it are
/// committed (every in-sync replica has them) and visible to consumers. A leader computes it as the smallest log end
/// offset among the in-sync replicas; a follower learns it from its leader.
/// </summary>
public sealed partial class Partition : IDisposable
{
    private readonly TimeProvider _time;
    private readonly int _localId;
    /// <summary>Serializes state changes with appends, so no append lands in an epoch that has just ended.</summary>
    private readonly Lock _stateLock = new();
    private readonly Dictionary<int, ReplicaProgress> _followers = [];
    private PartitionState _state = PartitionState.None;
    /// <summary>The log end when this broker became leader of the current epoch: a follower below it is not caught up with the epoch.</summary>
    private long _leaderEpochStartOffset;
    private long _highWatermark;
    private PartitionLog _log;
    /// <summary>Bumped by every truncation: a log copy started before one must start over (see <see cref="SwapLog"/>).</summary>
    private int _truncations;

    public Partition(TopicPartition id, Uuid topicId, int localBrokerId, PartitionLog log, PartitionSettings settings, TimeProvider time)
    {
        Id = id;
        TopicId = topicId;
        _localId = localBrokerId;
        _log = log;
        Settings = settings;
        _time = time;
        RestoreHighWatermark();
    }

    public TopicPartition Id { get; }
    public Uuid TopicId { get; }
    /// <summary>The replica's log; replaced only when AlterReplicaLogDirs moves it to another log directory.</summary>
    public PartitionLog Log => Volatile.Read(ref _log);
    public PartitionSettings Settings { get; set; }

    /// <summary>The assignment last applied from the metadata image.</summary>
    public PartitionState State => Volatile.Read(ref _state);

    public int LeaderEpoch => State.LeaderEpoch;

    /// <summary>True while this broker is the partition's leader.</summary>
    public bool IsLeader => State.LeaderId == _localId;

    /// <summary>Fires whenever the high watermark moves (wakes long-polling fetches and waiting acks=all produces).</summary>
    public AsyncSignal HighWatermarkMoved { get; } = new();

    /// <summary>Fires whenever the leader's log end moves (wakes followers' long-polling replica fetches).</summary>
    public AsyncSignal LogEndMoved { get; } = new();

    /// <summary>
    /// Fires whenever the <see cref="LowWatermark"/> may have moved: this replica's log start, an in-sync follower's
    /// reported log start, the ISR or the leadership changed (wakes DeleteRecords waiting for the followers).
    /// </summary>
    public AsyncSignal LowWatermarkMoved { get; } = new();

    /// <summary>Records below this offset are committed: on every in-sync replica, readable by consumers.</summary>
    public long HighWatermark => Volatile.Read(ref _highWatermark);

    /// <summary>
    /// Takes the controller's latest assignment. Becoming leader in a new epoch records where that epoch starts in the
    /// log (so OffsetForLeaderEpoch answers truncation checks at once, KIP-101/320). Ignores a stale state: epochs never
    /// go backwards.
    /// </summary>
    public void ApplyState(PartitionState state)
    {
        lock (_stateLock)
        {
            if (IsOffline) return; // an offline replica stays out of leading and following until the broker restarts
            var current = _state;
            if (state.LeaderEpoch < current.LeaderEpoch || (state.LeaderEpoch == current.LeaderEpoch && state.PartitionEpoch < current.PartitionEpoch))
                return;
            Volatile.Write(ref _state, state);
            if (state.LeaderId == _localId)
            {
                if (state.LeaderEpoch != current.LeaderEpoch || current.LeaderId != _localId)
                {
                    // A new leadership: followers count only once they have fetched from this leader (their progress
                    // in an earlier epoch says nothing about what they have of this one).
                    _followers.Clear();
                    _pendingIsr = null;
                    _leaderEpochStartOffset = Log.LogEndOffset;
                    Log.BeginLeaderEpoch(state.LeaderEpoch);
                    // ISR members start out caught up as of this election, as in Kafka: each has replica.lag.time.max.ms
                    // to fetch before it may be dropped.
                    var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
                    foreach (var id in state.Isr.Where(id => id != _localId))
                        _followers[id] = new ReplicaProgress { LastCaughtUpMs = nowMs };
                }
                foreach (var id in _followers.Keys.Where(id => !state.Replicas.Contains(id)).ToList()) _followers.Remove(id);
                MaybeAdvanceHighWatermark();
            }
            else
            {
                _followers.Clear();
                _pendingIsr = null;
                // A follower's committed offset cannot lie beyond what it holds.
                if (_highWatermark > Log.LogEndOffset) Volatile.Write(ref _highWatermark, Log.LogEndOffset);
            }
        }
        // Wakes acks=all waiters, long polls and DeleteRecords so they notice a lost leadership or a changed ISR.
        HighWatermarkMoved.Pulse();
        LowWatermarkMoved.Pulse();
    }

    /// <summary>
    /// Last stable offset (KIP-98): the high watermark, or the first offset of the oldest open transaction when lower.
    /// read_committed consumers read only below it.
    /// </summary>
    public long LastStableOffset
    {
        get
        {
            // The high watermark first: the log publishes a new open transaction before its log end, so this order
            // never pairs a new high watermark with a stale first unstable offset.
            var highWatermark = HighWatermark;
            return Log.FirstUnstableOffset is { } firstUnstable ? Math.Min(firstUnstable, highWatermark) : highWatermark;
        }
    }

    public long LogStartOffset => Log.LogStartOffset;

    /// <summary>
    /// Validates and appends a produced record set. Runs synchronously so appends keep request order per connection.
    /// The record set is stamped in place (offsets, leader epoch), so it must be a private copy (the request frame is).
    /// </summary>
    /// <param name="records">The produced record set.</param>
    /// <param name="allowZstd">False for Produce below v7, which predates zstd (KIP-110): such clients get UNSUPPORTED_COMPRESSION_TYPE.</param>
    /// <param name="requiredAcks">The produce's acks: with -1 (all), an ISR below min.insync.replicas refuses the batch
    /// with NOT_ENOUGH_REPLICAS before anything is written.</param>
    public AppendResult AppendAsLeader(ReadOnlyMemory<byte> records, bool allowZstd = true, short requiredAcks = 1)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var rules = RecordRules.For(Id, Settings.Compacted, Settings.LogAppendTime, Settings.TimestampBeforeMaxMs, Settings.TimestampAfterMaxMs, nowMs);
        var validation = RecordBatchValidator.Validate(records.Span, Settings.MaxMessageBytes, in rules);
        if (validation.Error != ErrorCode.None)
            return Rejected(validation.Error, validation.ErrorMessage) with { RecordErrors = validation.RecordErrors };
        // Produce v3+ carries exactly one batch per partition (Kafka rejects anything else the same way).
        if (validation.BatchCount != 1)
            return Rejected(ErrorCode.InvalidRecord, $"a produce request must carry exactly one record batch per partition, got {validation.BatchCount}");
        if (!allowZstd && validation.FirstBatch.Compression == CompressionType.Zstd)
            return Rejected(ErrorCode.UnsupportedCompressionType, "zstd needs Produce v7 or later");

        var writable = MemoryMarshal.AsMemory(records).Span;
        long? appendTime = Settings.LogAppendTime ? nowMs : null;
        lock (_stateLock)
        {
            var state = _state;
            if (state.LeaderId != _localId)
                return Rejected(ErrorCode.NotLeaderOrFollower, $"this broker is not the leader of {Id}");
            if (requiredAcks == -1 && state.Isr.Length < Settings.MinInsyncReplicas)
                return Rejected(ErrorCode.NotEnoughReplicas,
                    $"the in-sync replicas of {Id} are {state.Isr.Length}, below min.insync.replicas={Settings.MinInsyncReplicas}");
            var result = Checked(Log.Append(writable, state.LeaderEpoch, appendTime));
            if (result.Error == ErrorCode.None && !result.Duplicate)
            {
                MaybeAdvanceHighWatermark();
                LogEndMoved.Pulse();
            }
            return result;
        }
    }

    /// <summary>
    /// Appends a COMMIT or ABORT marker for <paramref name="producerId"/>'s transaction (WriteTxnMarkers from the
    /// transaction coordinator) in the current leader epoch, timestamped now; see <see cref="PartitionLog.AppendTransactionMarker"/>
    /// for the epoch checks. Wakes long-polling fetches: the last stable offset may have moved.
    /// </summary>
    public AppendResult AppendTransactionMarker(long producerId, short producerEpoch, int coordinatorEpoch, bool commit)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_stateLock)
        {
            var state = _state;
            if (state.LeaderId != _localId)
                return Rejected(ErrorCode.NotLeaderOrFollower, $"this broker is not the leader of {Id}");
            var result = Checked(Log.AppendTransactionMarker(producerId, producerEpoch, coordinatorEpoch, commit, state.LeaderEpoch, nowMs));
            if (result.Error == ErrorCode.None)
            {
                MaybeAdvanceHighWatermark();
                // The last stable offset may have moved even where the high watermark did not.
                HighWatermarkMoved.Pulse();
                LogEndMoved.Pulse();
            }
            return result;
        }
    }

    private AppendResult Rejected(ErrorCode error, string? message) =>
        new(error, -1, -1, -1, Log.LogStartOffset, message, false);

    /// <summary>Checkpoints the high watermark (a clean close leaves the latest one), then closes the log.</summary>
    public void Dispose()
    {
        try
        {
            CheckpointHighWatermark();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // A deleted partition's directory, or a failed disk: the checkpoint only saves a catch-up after restart.
        }
        Log.Dispose();
    }
}
