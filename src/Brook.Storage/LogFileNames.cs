using System.Globalization;

namespace Brook.Storage;

/// <summary>File names inside a partition directory. Segment files are named by their 20-digit base offset, as in Kafka.</summary>
internal static class LogFileNames
{
    public const string LogSuffix = ".log";
    public const string IndexSuffix = ".index";
    public const string TimeIndexSuffix = ".timeindex";
    /// <summary>Aborted-transaction index (KIP-98), Kafka's name and entry format.</summary>
    public const string TxnIndexSuffix = ".txnindex";
    public const string SnapshotSuffix = ".snapshot";
    /// <summary>Suffix of a file being written before its atomic rename; leftovers are deleted on open.</summary>
    public const string TempSuffix = ".tmp";
    /// <summary>Added to a segment's file names when it leaves the log; the files are removed file.delete.delay.ms later (or on open).</summary>
    public const string DeletedSuffix = ".deleted";
    /// <summary>A compacted segment being written; deleted on open (the pass is rolled back).</summary>
    public const string CleanedSuffix = ".cleaned";
    /// <summary>A compacted segment committed to replace old ones; an open completes the interrupted swap.</summary>
    public const string SwapSuffix = ".swap";
    /// <summary>Present only between a clean close and the next open; its absence on open means "recover".</summary>
    public const string CleanShutdown = ".brook-clean-shutdown";
    /// <summary>Offset below which every segment was fsynced together with its index files.</summary>
    public const string RecoveryPointCheckpoint = "recovery-point-offset-checkpoint";

    /// <summary>The partition's high watermark as replication last checkpointed it (Kafka's replication-offset-checkpoint, per partition here).</summary>
    public const string HighWatermarkCheckpoint = "high-watermark-checkpoint";

    /// <summary>The log start offset, which DeleteRecords can move past the first segment's base offset.</summary>
    public const string LogStartOffsetCheckpoint = "log-start-offset-checkpoint";
    /// <summary>Where the next compaction pass starts (everything below was compacted) and the earliest tombstone delete horizon.</summary>
    public const string CleanerCheckpoint = "cleaner-offset-checkpoint";

    public static string OffsetFileName(long offset, string suffix) =>
        offset.ToString("D20", CultureInfo.InvariantCulture) + suffix;

    public static bool TryParseOffset(string fileName, string suffix, out long offset)
    {
        offset = -1;
        if (!fileName.EndsWith(suffix, StringComparison.Ordinal)) return false;
        var digits = fileName.AsSpan(0, fileName.Length - suffix.Length);
        return digits.Length == 20 && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out offset);
    }
}
