using Microsoft.Win32.SafeHandles;

namespace Brook.Storage.IO;

/// <summary>A real file accessed with positional reads and writes on its <see cref="SafeFileHandle"/>.</summary>
public sealed class PhysicalLogFile : ILogFile
{
    private readonly SafeFileHandle _handle;

    public PhysicalLogFile(string path, bool createIfMissing)
    {
        Path = path;
        // Share everything: readers of other handles (tools, tests) must not be locked out, and the broker itself never
        // opens the same segment twice.
        _handle = File.OpenHandle(path, createIfMissing ? FileMode.OpenOrCreate : FileMode.Open, FileAccess.ReadWrite,
            FileShare.ReadWrite | FileShare.Delete);
    }

    public string Path { get; }
    public long Length => RandomAccess.GetLength(_handle);
    public int Read(Span<byte> destination, long fileOffset) => RandomAccess.Read(_handle, destination, fileOffset);
    public void Write(ReadOnlySpan<byte> source, long fileOffset) => RandomAccess.Write(_handle, source, fileOffset);
    public void SetLength(long length) => RandomAccess.SetLength(_handle, length);
    public void Flush() => RandomAccess.FlushToDisk(_handle);
    public void Dispose() => _handle.Dispose();
}
