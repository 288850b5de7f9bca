using System.Globalization;

namespace Brook.Storage;

/// <summary>File names inside a partition directory. Segment files are named by their 20-digit base offset, as in Kafka.</summary>
internal static class LogFileNames
{
    public const string LogSuffix = ".log";
    public const string IndexSuffix = ".index";
    public const string TimeIndexSuffix = ".timeindex";
    public const string SnapshotSuffix = ".snapshot";
    /// <summary>Suffix of a file being written before its atomic rename; leftovers are deleted on open.</summary>
    public const string TempSuffix = ".tmp";
    /// <summary>Present only between a clean close and the next open; its absence on open means "recover".</summary>
    public const string CleanShutdown = ".brook-clean-shutdown";
    /// <summary>Offset below which every segment was fsynced together with its index files.</summary>
    public const string RecoveryPointCheckpoint = "recovery-point-offset-checkpoint";

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
