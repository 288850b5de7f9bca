namespace Brook.Storage.Compaction;

/// <summary>
/// Whether a log is due for compaction and why, for a cleaner loop that picks the filthiest log first. The dirty range
/// is [<see cref="FirstDirtyOffset"/>, <see cref="FirstUncleanableOffset"/>): from the cleaner checkpoint up to the
/// active segment, the high watermark, or the first segment younger than min.compaction.lag.ms.
/// </summary>
public readonly record struct LogCleanability(
    bool NeedsCleaning,
    string Reason,
    long FirstDirtyOffset,
    long FirstUncleanableOffset,
    long CleanBytes,
    long DirtyBytes)
{
    /// <summary>dirty / (clean + dirty) bytes, compared with min.cleanable.dirty.ratio.</summary>
    public double DirtyRatio => CleanBytes + DirtyBytes == 0 ? 0 : (double)DirtyBytes / (CleanBytes + DirtyBytes);
}
