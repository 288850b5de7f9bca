using System.Runtime.InteropServices;
using Brook.Common;
using Brook.Protocol.Records;
using Brook.Storage;

namespace Brook.Replication;

/// <summary>
/// One partition this broker hosts, in its leader role: the log, the leader epoch and the high watermark.
/// With a single replica the in-sync set is this broker alone, so the high watermark is the log end offset; the
/// follower path and ISR tracking slot in here when replication comes.
/// </summary>
public sealed class Partition : IDisposable
{
    private readonly TimeProvider _time;

    public Partition(TopicPartition id, Uuid topicId, int leaderEpoch, PartitionLog log, PartitionSettings settings, TimeProvider time)
    {
        Id = id;
        TopicId = topicId;
        LeaderEpoch = leaderEpoch;
        Log = log;
        Settings = settings;
        _time = time;
    }

    public TopicPartition Id { get; }
    public Uuid TopicId { get; }
    public int LeaderEpoch { get; set; }
    public PartitionLog Log { get; }
    public PartitionSettings Settings { get; set; }

    /// <summary>Fires whenever the high watermark moves (wakes long-polling fetches).</summary>
    public AsyncSignal HighWatermarkMoved { get; } = new();

    public long HighWatermark => Log.LogEndOffset;

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
    public AppendResult AppendAsLeader(ReadOnlyMemory<byte> records, bool allowZstd = true)
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
        var result = Log.Append(writable, LeaderEpoch, appendTime);
        if (result.Error == ErrorCode.None && !result.Duplicate) HighWatermarkMoved.Pulse();
        return result;
    }

    /// <summary>
    /// Appends a COMMIT or ABORT marker for <paramref name="producerId"/>'s transaction (WriteTxnMarkers from the
    /// transaction coordinator) in the current leader epoch, timestamped now; see <see cref="PartitionLog.AppendTransactionMarker"/>
    /// for the epoch checks. Wakes long-polling fetches: the last stable offset may have moved.
    /// </summary>
    public AppendResult AppendTransactionMarker(long producerId, short producerEpoch, int coordinatorEpoch, bool commit)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var result = Log.AppendTransactionMarker(producerId, producerEpoch, coordinatorEpoch, commit, LeaderEpoch, nowMs);
        if (result.Error == ErrorCode.None) HighWatermarkMoved.Pulse();
        return result;
    }

    private AppendResult Rejected(ErrorCode error, string? message) =>
        new(error, -1, -1, -1, Log.LogStartOffset, message, false);

    public void Dispose() => Log.Dispose();
}
