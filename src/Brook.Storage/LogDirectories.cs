using Brook.Common;

namespace Brook.Storage;

/// <summary>
/// The broker's log directories (<c>log.dirs</c>, JBOD): where each partition folder lives, where a new one goes (the
/// online directory holding the fewest partitions, Kafka's rule), and which directories are offline. The first
/// directory also holds the metadata log, so the broker cannot run without it.
/// </summary>
public sealed class LogDirectories
{
    private readonly LogDirectory[] _all;

    public LogDirectories(IReadOnlyList<LogDirectory> directories)
    {
        if (directories.Count == 0) throw new ArgumentException("at least one log directory is needed", nameof(directories));
        _all = [.. directories];
    }

    /// <summary>One directory with no recorded id: tests and tools that work on a single folder.</summary>
    public static LogDirectories Single(string path) => new([new LogDirectory(path, Uuid.Zero)]);

    /// <summary>Raised once per directory, on the thread whose I/O failed, when it goes offline.</summary>
    public event Action<LogDirectory>? DirectoryFailed;

    public IReadOnlyList<LogDirectory> All => _all;

    /// <summary>The directory holding the metadata log (the first of log.dirs).</summary>
    public LogDirectory Metadata => _all[0];

    public IEnumerable<LogDirectory> Online => _all.Where(d => d.IsOnline);

    public IEnumerable<LogDirectory> Offline => _all.Where(d => !d.IsOnline);

    /// <summary>The directory whose path is <paramref name="path"/> or contains it, or null.</summary>
    public LogDirectory? Containing(string path)
    {
        var full = Path.GetFullPath(path);
        foreach (var dir in _all)
        {
            if (full == dir.Path || full.StartsWith(dir.Path + Path.DirectorySeparatorChar, StringComparison.Ordinal)) return dir;
        }
        return null;
    }

    /// <summary>The directory that already holds a folder named <paramref name="folder"/> (online or not), or null.</summary>
    public LogDirectory? Holding(string folder)
    {
        foreach (var dir in _all)
        {
            try
            {
                if (Directory.Exists(Path.Combine(dir.Path, folder))) return dir;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An unreadable directory cannot be the home of anything we can open.
            }
        }
        return null;
    }

    /// <summary>
    /// The online directory for a new partition: the one with the fewest partitions already placed (ties: the first
    /// listed), or null when every directory is offline.
    /// </summary>
    public LogDirectory? Choose(Func<LogDirectory, int> partitionCount)
    {
        LogDirectory? best = null;
        var bestCount = int.MaxValue;
        foreach (var dir in _all)
        {
            if (!dir.IsOnline) continue;
            var count = partitionCount(dir);
            if (count < bestCount) (best, bestCount) = (dir, count);
        }
        return best;
    }

    /// <summary>Marks <paramref name="dir"/> offline and raises <see cref="DirectoryFailed"/> the first time.</summary>
    public void Fail(LogDirectory dir, string reason)
    {
        if (dir.MarkOffline(reason)) DirectoryFailed?.Invoke(dir);
    }
}
