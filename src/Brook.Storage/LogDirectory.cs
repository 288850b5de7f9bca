using Brook.Common;

namespace Brook.Storage;

/// <summary>
/// One of a broker's <c>log.dirs</c>: its path, the <c>directory.id</c> its <c>meta.properties</c> records (KIP-858),
/// and whether it is online. A directory goes offline for good (until the broker restarts) once an I/O error or a full
/// disk hits a log in it, as Kafka's LogDirFailureChannel does: its partitions answer KAFKA_STORAGE_ERROR.
/// </summary>
public sealed class LogDirectory(string path, Uuid id)
{
    private string? _offlineReason;

    /// <summary>The absolute path.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The directory.id of its meta.properties (zero when it could not be read).</summary>
    public Uuid Id { get; } = id;

    public bool IsOnline => Volatile.Read(ref _offlineReason) is null;

    /// <summary>Why the directory went offline, or null while it is online.</summary>
    public string? OfflineReason => Volatile.Read(ref _offlineReason);

    /// <summary>Marks the directory offline; true only for the call that did it.</summary>
    public bool MarkOffline(string reason) => Interlocked.CompareExchange(ref _offlineReason, reason, null) is null;

    /// <summary>The file system's size and free space under the directory, or -1 each when it cannot be read.</summary>
    public (long TotalBytes, long UsableBytes) Space()
    {
        try
        {
            var drive = new DriveInfo(Path);
            return (drive.TotalSize, drive.AvailableFreeSpace);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return (-1, -1);
        }
    }

    public override string ToString() => Path;
}
