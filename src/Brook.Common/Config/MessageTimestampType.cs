namespace Brook.Common.Config;

/// <summary>Which timestamp the log keeps for appended records (log.message.timestamp.type / message.timestamp.type).</summary>
public enum MessageTimestampType
{
    /// <summary>Keep the producer's timestamp (subject to the before/after max.ms bounds).</summary>
    CreateTime,

    /// <summary>Overwrite with the broker's append time.</summary>
    LogAppendTime,
}
