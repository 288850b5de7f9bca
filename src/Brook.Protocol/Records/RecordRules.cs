using Brook.Common;

namespace Brook.Protocol.Records;

/// <summary>
/// The per-record rules a topic's configuration imposes on produced batches (Kafka's LogValidator checks them record
/// by record): compacted topics need a key on every record, CreateTime topics need every timestamp inside the window
/// message.timestamp.before.max.ms / after.max.ms allow (KIP-937). A record that breaks one becomes a KIP-467 record
/// error; the batch is refused with all of them listed.
/// </summary>
/// <param name="Partition">The partition the batch is for; named in the error messages.</param>
/// <param name="RequireKey">True on compacted topics: a record with a null key is INVALID_RECORD.</param>
/// <param name="EarliestTimestamp">Smallest record timestamp accepted (inclusive).</param>
/// <param name="LatestTimestamp">Largest record timestamp accepted (inclusive).</param>
public readonly record struct RecordRules(TopicPartition Partition, bool RequireKey, long EarliestTimestamp, long LatestTimestamp)
{
    /// <summary>No per-record rule: any key, any timestamp (LogAppendTime topics, internal writes).</summary>
    public static RecordRules None { get; } = new(default, false, long.MinValue, long.MaxValue);

    /// <summary>
    /// Rules for <paramref name="partition"/> at <paramref name="nowMs"/>. The window is
    /// [now - beforeMax, now + afterMax], saturating instead of overflowing; LogAppendTime topics check no timestamp.
    /// </summary>
    public static RecordRules For(TopicPartition partition, bool compacted, bool logAppendTime, long timestampBeforeMaxMs,
        long timestampAfterMaxMs, long nowMs)
    {
        if (logAppendTime) return new RecordRules(partition, compacted, long.MinValue, long.MaxValue);
        var earliest = timestampBeforeMaxMs >= nowMs ? long.MinValue : nowMs - timestampBeforeMaxMs;
        var latest = timestampAfterMaxMs >= long.MaxValue - nowMs ? long.MaxValue : nowMs + timestampAfterMaxMs;
        return new RecordRules(partition, compacted, earliest, latest);
    }

    /// <summary>True when a timestamp check applies at all (a record without a timestamp, -1, is never checked).</summary>
    internal bool ChecksTimestamps => EarliestTimestamp != long.MinValue || LatestTimestamp != long.MaxValue;
}
