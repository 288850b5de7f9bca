using Brook.Storage.IO;

namespace Brook.Raft.Storage;

/// <summary>
/// Small files replaced atomically and durably: written to a temporary name, fsynced, renamed over the old one, and
/// the directory fsynced so the rename itself survives a crash. Readers see the old content or the new, never a mix.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Suffix of a file being written; PartitionLog's recovery removes leftovers of a crash.</summary>
    public const string TempSuffix = ".tmp";

    public static void Write(ILogFileSystem fs, string directory, string fileName, ReadOnlySpan<byte> content)
    {
        var path = Path.Combine(directory, fileName);
        var temp = path + TempSuffix;
        using (var file = fs.OpenFile(temp, createIfMissing: true))
        {
            file.SetLength(0);
            file.Write(content, 0);
            file.Flush();
        }
        fs.MoveFile(temp, path);
        fs.SyncDirectory(directory);
    }

    /// <summary>The whole file, or null when it does not exist.</summary>
    public static byte[]? Read(ILogFileSystem fs, string path)
    {
        if (!fs.FileExists(path)) return null;
        using var file = fs.OpenFile(path, createIfMissing: false);
        var bytes = new byte[checked((int)file.Length)];
        var position = 0;
        while (position < bytes.Length)
        {
            var n = file.Read(bytes.AsSpan(position), position);
            if (n <= 0) throw new IOException($"unexpected end of {path} at {position}");
            position += n;
        }
        return bytes;
    }
}
