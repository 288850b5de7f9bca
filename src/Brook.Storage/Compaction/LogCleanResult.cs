namespace Brook.Storage.Compaction;

/// <summary>How a <see cref="LogCleaner.Clean"/> call ended.</summary>
public enum LogCleanOutcome
{
    /// <summary>The pass ran: compacted segments replaced the old ones and the cleaner checkpoint moved.</summary>
    Cleaned,
    /// <summary>Nothing to do: not compacted, or below min.cleanable.dirty.ratio with no lag or tombstone deadline due.</summary>
    NotNeeded,
    /// <summary>Another pass over the same log is running.</summary>
    Busy,
    /// <summary>
    /// Stopped early: the log changed under the pass (retention, truncation, close) or reading it failed. Groups swapped
    /// before that stay compacted; the checkpoint does not move, so the next pass covers the range again.
    /// </summary>
    Aborted,
}

/// <summary>
/// Statistics of one compaction pass. Bytes read are those of the rewritten segments (plus, in
/// <see cref="DirtyBytesMapped"/>, the dirty range read to build the key map); records kept and removed count data
/// records of the rewritten segments (control batches are copied as they are and not counted).
/// </summary>
public sealed record LogCleanResult(
    LogCleanOutcome Outcome,
    string? Reason,
    long FirstDirtyOffset,
    long EndOffset,
    long DirtyBytesMapped,
    long BytesRead,
    long BytesWritten,
    long RecordsKept,
    long RecordsRemoved,
    long TombstonesRemoved,
    int SegmentsRead,
    int SegmentsWritten,
    TimeSpan Duration)
{
    internal static LogCleanResult Skipped(LogCleanOutcome outcome, string reason) =>
        new(outcome, reason, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0, TimeSpan.Zero);
}
