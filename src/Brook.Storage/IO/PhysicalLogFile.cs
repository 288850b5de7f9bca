using Microsoft.Win32.SafeHandles;

namespace Brook.Storage.IO;

/// <summary>A real file accessed with positional reads and writes on its <see cref="SafeFileHandle"/>.</summary>
public sealed class PhysicalLogFile : ILogFile
{
    private readonly SafeFileHandle _handle;
    private readonly LogWriteBack? _writeBack;

    // With write-back: the file is handed over in page-aligned ranges; [_handedFrom, _handedEnd) is the last range
    // handed over (waited for with the next one), and _handedEnd is -1 until the first write says where appends start.
    private long _handedFrom = -1;
    private long _handedEnd = -1;

    public PhysicalLogFile(string path, bool createIfMissing)
        : this(path, createIfMissing, writeBack: null)
    {
    }

    /// <param name="writeBack">When set, appended bytes are handed to it every <see cref="LogWriteBack.IntervalBytes"/>.</param>
    public PhysicalLogFile(string path, bool createIfMissing, LogWriteBack? writeBack)
    {
        Path = path;
        // Share everything: readers of other handles (tools, tests) must not be locked out, and the broker itself never
        // opens the same segment twice.
        _handle = File.OpenHandle(path, createIfMissing ? FileMode.OpenOrCreate : FileMode.Open, FileAccess.ReadWrite,
            FileShare.ReadWrite | FileShare.Delete);
        _writeBack = writeBack;
    }

    public string Path { get; }
    public long Length => RandomAccess.GetLength(_handle);
    public int Read(Span<byte> destination, long fileOffset) => RandomAccess.Read(_handle, destination, fileOffset);

    public void Write(ReadOnlySpan<byte> source, long fileOffset)
    {
        RandomAccess.Write(_handle, source, fileOffset);
        if (_writeBack is { } writeBack) HandOver(writeBack, fileOffset, fileOffset + source.Length);
    }

    public void SetLength(long length)
    {
        RandomAccess.SetLength(_handle, length);
        if (_writeBack is not null && length < _handedEnd) RewindHandOver(length);
    }

    public void Flush() => RandomAccess.FlushToDisk(_handle);
    public void Dispose() => _handle.Dispose();

    private void HandOver(LogWriteBack writeBack, long start, long end)
    {
        if (_handedEnd < 0 || start < _handedEnd) RewindHandOver(start); // the first write, or one below what was handed over
        // Only whole pages: the page the next append goes on must not be under write-back (stable pages would stall it).
        var ready = LogWriteBack.PageStart(end);
        if (ready - _handedEnd < writeBack.IntervalBytes) return;
        writeBack.Submit(_handle, _handedFrom, _handedEnd, ready - _handedEnd);
        _handedFrom = _handedEnd;
        _handedEnd = ready;
    }

    private void RewindHandOver(long position)
    {
        _handedEnd = LogWriteBack.PageStart(position);
        _handedFrom = _handedEnd;
    }
}
