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
public sealed class Partition : IDisposable
{
    private readonly TimeProvider _time;
    private readonly int _localId;
    /// <summary>Serializes state changes with appends, so no append lands in an epoch that has just ended.</summary>
    private readonly Lock _stateLock = new();
    private readonly Dictionary<int, long> _followerEnds = [];
    private PartitionState _state = PartitionState.None;
    private long _highWatermark;

    public Partition(TopicPartition id, Uuid topicId, int localBrokerId, PartitionLog log, PartitionSettings settings, TimeProvider time)
    {
        Id = id;
        TopicId = topicId;
        _localId = localBrokerId;
        Log = log;
        Settings = settings;
        _time = time;
    }

    public TopicPartition Id { get; }
    public Uuid TopicId { get; }
    public PartitionLog Log { get; }
    public PartitionSettings Settings { get; set; }

    /// <summary>The assignment last applied from the metadata image.</summary>
    public PartitionState State => Volatile.Read(ref _state);

    public int LeaderEpoch => State.LeaderEpoch;

    /// <summary>True while this broker is the partition's leader.</summary>
    public bool IsLeader => State.LeaderId == _localId;

    /// <summary>Fires whenever the high watermark moves (wakes long-polling fetches and waiting acks=all produces).</summary>
    public AsyncSignal HighWatermarkMoved { get; } = new();

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
            var current = _state;
            if (state.LeaderEpoch < current.LeaderEpoch || (state.LeaderEpoch == current.LeaderEpoch && state.PartitionEpoch < current.PartitionEpoch))
                return;
            Volatile.Write(ref _state, state);
            if (state.LeaderId == _localId)
            {
                if (state.LeaderEpoch != current.LeaderEpoch) Log.BeginLeaderEpoch(state.LeaderEpoch);
                foreach (var id in _followerEnds.Keys.Where(id => !state.Replicas.Contains(id)).ToList()) _followerEnds.Remove(id);
                MaybeAdvanceHighWatermark();
            }
            else
            {
                _followerEnds.Clear();
            }
        }
        // Wakes acks=all waiters and long polls so they notice a lost leadership or a changed ISR.
        HighWatermarkMoved.Pulse();
    }

    /// <summary>
    /// Leader only: follower <paramref name="replicaId"/> fetched from <paramref name="fetchOffset"/>, which tells that it
    /// has every record below it (and, with brook.log.flush.on.ack, has fsynced them before asking). May advance the high
    /// watermark. Ignored for a broker that is not a replica or when this broker does not lead.
    /// </summary>
    public void RecordFollowerFetch(int replicaId, long fetchOffset)
    {
        lock (_stateLock)
        {
            var state = _state;
            if (state.LeaderId != _localId || replicaId == _localId || !state.Replicas.Contains(replicaId)) return;
            _followerEnds[replicaId] = Math.Min(fetchOffset, Log.LogEndOffset);
            MaybeAdvanceHighWatermark();
        }
    }

    /// <summary>The log end offset a follower last reported by fetching, or null if it has not fetched since this broker leads.</summary>
    public long? FollowerLogEndOffset(int replicaId)
    {
        lock (_stateLock) return _followerEnds.TryGetValue(replicaId, out var end) ? end : null;
    }

    /// <summary>
    /// Leader only: the high watermark becomes the smallest log end offset among the in-sync replicas (this broker's
    /// own log end for itself; a follower counts with the offset it last fetched from). It never moves back.
    /// </summary>
    private void MaybeAdvanceHighWatermark()
    {
        var state = _state;
        var candidate = Log.LogEndOffset;
        foreach (var replica in state.Isr)
        {
            if (replica == _localId) continue;
            candidate = Math.Min(candidate, _followerEnds.TryGetValue(replica, out var end) ? end : 0);
        }
        if (candidate <= _highWatermark) return;
        Volatile.Write(ref _highWatermark, candidate);
        HighWatermarkMoved.Pulse();
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
            var result = Log.Append(writable, state.LeaderEpoch, appendTime);
            if (result.Error == ErrorCode.None && !result.Duplicate) MaybeAdvanceHighWatermark();
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
            var result = Log.AppendTransactionMarker(producerId, producerEpoch, coordinatorEpoch, commit, state.LeaderEpoch, nowMs);
            if (result.Error == ErrorCode.None)
            {
                MaybeAdvanceHighWatermark();
                // The last stable offset may have moved even where the high watermark did not.
                HighWatermarkMoved.Pulse();
            }
            return result;
        }
    }

    private AppendResult Rejected(ErrorCode error, string? message) =>
        new(error, -1, -1, -1, Log.LogStartOffset, message, false);

    public void Dispose() => Log.Dispose();
}
