using Brook.Storage.IO;

namespace Brook.Storage;

/// <summary>Small metadata files (checkpoints, snapshots) written atomically: temp file, fsync, rename, directory fsync.</summary>
internal static class DurableFile
{
    public static void WriteAtomically(ILogFileSystem fs, string directory, string fileName, ReadOnlySpan<byte> content)
    {
        var path = Path.Combine(directory, fileName);
        var temp = path + LogFileNames.TempSuffix;
        using (var file = fs.OpenFile(temp, createIfMissing: true))
        {
            file.SetLength(0);
            file.Write(content, 0);
            file.Flush();
        }
        fs.MoveFile(temp, path);
        fs.SyncDirectory(directory);
    }

    /// <summary>Whole content of a small file, or null when it does not exist.</summary>
    public static byte[]? ReadAll(ILogFileSystem fs, string path)
    {
        if (!fs.FileExists(path)) return null;
        using var file = fs.OpenFile(path, createIfMissing: false);
        var length = file.Length;
        if (length > int.MaxValue) throw new IOException($"{path} is too large ({length} bytes)");
        var bytes = new byte[length];
        ReadFully(file, bytes, 0);
        return bytes;
    }

    /// <summary>Reads exactly <c>destination.Length</c> bytes or throws (the file is shorter than expected).</summary>
    public static void ReadFully(ILogFile file, Span<byte> destination, long position)
    {
        while (!destination.IsEmpty)
        {
            var n = file.Read(destination, position);
            if (n <= 0) throw new IOException($"unexpected end of {file.Path} at position {position}");
            destination = destination[n..];
            position += n;
        }
    }
}
