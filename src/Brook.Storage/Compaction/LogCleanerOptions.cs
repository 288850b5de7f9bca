namespace Brook.Storage.Compaction;

/// <summary>Broker-wide settings of the log cleaner (Kafka's log.cleaner.* configs), as opposed to the per-topic ones in <see cref="LogConfig"/>.</summary>
public sealed record LogCleanerOptions
{
    public static LogCleanerOptions Default { get; } = new();

    /// <summary>
    /// Most distinct keys one pass maps (Kafka sizes this from log.cleaner.dedupe.buffer.size: 24 bytes per key, shared by
    /// log.cleaner.threads). A dirty range with more keys is cleaned over several passes.
    /// </summary>
    public int MaxKeysPerPass { get; init; } = 2 * 1024 * 1024;

    /// <summary>log.cleaner.io.buffer.size-like: bytes of compacted batches gathered before each write to the new segment.</summary>
    public int WriteBufferBytes { get; init; } = 1024 * 1024;

    /// <summary>Read chunk when scanning segments.</summary>
    public int ReadBufferBytes { get; init; } = 1024 * 1024;
}
