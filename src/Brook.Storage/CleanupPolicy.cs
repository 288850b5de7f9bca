namespace Brook.Storage;

/// <summary>cleanup.policy as flags: Kafka accepts "delete", "compact" or both ("compact,delete").</summary>
[Flags]
public enum CleanupPolicy
{
    None = 0,
    /// <summary>Whole old segments are deleted by retention.ms / retention.bytes.</summary>
    Delete = 1,
    /// <summary>Closed segments are compacted to the latest record per key.</summary>
    Compact = 2,
}
