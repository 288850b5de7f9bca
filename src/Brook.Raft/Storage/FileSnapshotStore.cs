using System.Globalization;
using Brook.Raft.Messages;
using Brook.Storage.IO;

namespace Brook.Raft.Storage;

/// <summary>
/// Snapshots as files beside the metadata log, named as Kafka names them (KIP-630):
/// <c>&lt;end offset, 20 digits&gt;-&lt;epoch, 10 digits&gt;.checkpoint</c>. Each is written whole and atomically; the
/// newest is kept and older ones are deleted once a newer one is durable. PartitionLog's recovery ignores these names.
/// </summary>
public sealed class FileSnapshotStore : ISnapshotStore
{
    public const string Suffix = ".checkpoint";

    private readonly string _directory;
    private readonly ILogFileSystem _fs;

    public FileSnapshotStore(string directory, ILogFileSystem? fileSystem = null)
    {
        _directory = directory;
        _fs = fileSystem ?? PhysicalLogFileSystem.Instance;
        _fs.CreateDirectory(directory);
        foreach (var name in _fs.ListFiles(directory))
        {
            if (name.EndsWith(Suffix + AtomicFile.TempSuffix, StringComparison.Ordinal)) _fs.DeleteFile(Path.Combine(directory, name));
            else if (TryParse(name) is { } id && (Latest is not { } latest || id.Offset > latest.Offset)) Latest = id;
        }
    }

    public OffsetAndEpoch? Latest { get; private set; }

    public static string FileName(OffsetAndEpoch id) =>
        id.Offset.ToString("D20", CultureInfo.InvariantCulture) + "-" + id.Epoch.ToString("D10", CultureInfo.InvariantCulture) + Suffix;

    public static OffsetAndEpoch? TryParse(string fileName)
    {
        if (!fileName.EndsWith(Suffix, StringComparison.Ordinal) || fileName.Length != 20 + 1 + 10 + Suffix.Length || fileName[20] != '-') return null;
        if (!long.TryParse(fileName.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)) return null;
        if (!int.TryParse(fileName.AsSpan(21, 10), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)) return null;
        return new OffsetAndEpoch(offset, epoch);
    }

    public byte[]? Read(OffsetAndEpoch id) => AtomicFile.Read(_fs, Path.Combine(_directory, FileName(id)));

    public void Write(OffsetAndEpoch id, ReadOnlySpan<byte> content)
    {
        if (Latest is { } latest && latest.Offset >= id.Offset) return;
        AtomicFile.Write(_fs, _directory, FileName(id), content);
        Latest = id;
        // Older snapshots only once the new one is durable: a crash in between leaves two, and the newest wins.
        foreach (var name in _fs.ListFiles(_directory))
        {
            if (TryParse(name) is { } old && old != id) _fs.DeleteFile(Path.Combine(_directory, name));
        }
        _fs.SyncDirectory(_directory);
    }
}
