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
    /// <summary>Last stable offset: equal to the high watermark until transactions exist.</summary>
    public long LastStableOffset => HighWatermark;
    public long LogStartOffset => Log.LogStartOffset;

    /// <summary>
    /// Validates and appends a produced record set. Runs synchronously so appends keep request order per connection.
    /// The record set is stamped in place (offsets, leader epoch), so it must be a private copy (the request frame is).
    /// </summary>
    public AppendResult AppendAsLeader(ReadOnlyMemory<byte> records)
    {
        var validation = RecordBatchValidator.Validate(records.Span, Settings.MaxMessageBytes);
        if (validation.Error != ErrorCode.None)
            return new AppendResult(validation.Error, -1, -1, -1, Log.LogStartOffset, validation.ErrorMessage, false);

        var writable = MemoryMarshal.AsMemory(records).Span;
        long? appendTime = Settings.LogAppendTime ? _time.GetUtcNow().ToUnixTimeMilliseconds() : null;
        var result = Log.Append(writable, LeaderEpoch, appendTime);
        if (result.Error == ErrorCode.None && !result.Duplicate) HighWatermarkMoved.Pulse();
        return result;
    }

    public void Dispose() => Log.Dispose();
}
