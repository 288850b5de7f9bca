using Brook.Storage.IO;

namespace Brook.Storage.Tests;

/// <summary>
/// The real file system with a kill switch: after <see cref="Crash"/> every mutation is silently dropped, as if the
/// process had died (what was written before stays on disk), so disposing a log leaves no clean-shutdown marker.
/// Can also tear the next write to a .log file, crash at a chosen rename and slow down fsync.
/// </summary>
internal sealed class FaultInjectingFileSystem : ILogFileSystem
{
    private readonly PhysicalLogFileSystem _inner;
    private int _logFlushes;

    /// <param name="inner">The real file system underneath (with or without write-back).</param>
    public FaultInjectingFileSystem(PhysicalLogFileSystem? inner = null) => _inner = inner ?? PhysicalLogFileSystem.Instance;

    public bool Crashed { get; private set; }

    /// <summary>When set, the next write to a .log file writes only this many bytes, then the "process" crashes.</summary>
    public int? TearNextLogWriteAfter { get; set; }

    public TimeSpan FlushDelay { get; set; }

    /// <summary>When it returns true for a rename (file names of source and destination), the "process" crashes instead of renaming.</summary>
    public Func<string, string, bool>? CrashOnMove { get; set; }
    public int LogFlushes => Volatile.Read(ref _logFlushes);

    public void Crash() => Crashed = true;

    public bool DirectoryExists(string path) => _inner.DirectoryExists(path);
    public void CreateDirectory(string path) { if (!Crashed) _inner.CreateDirectory(path); }
    public void DeleteDirectory(string path) { if (!Crashed) _inner.DeleteDirectory(path); }
    public IReadOnlyList<string> ListFiles(string directory) => _inner.ListFiles(directory);
    public bool FileExists(string path) => _inner.FileExists(path);
    public void DeleteFile(string path) { if (!Crashed) _inner.DeleteFile(path); }
    public void MoveFile(string source, string destination)
    {
        if (!Crashed && CrashOnMove?.Invoke(System.IO.Path.GetFileName(source), System.IO.Path.GetFileName(destination)) == true) Crash();
        if (!Crashed) _inner.MoveFile(source, destination);
    }
    public void SyncDirectory(string directory) { if (!Crashed) _inner.SyncDirectory(directory); }

    public ILogFile OpenFile(string path, bool createIfMissing)
    {
        if (Crashed && !_inner.FileExists(path)) return new DiscardedFile(path);
        return new FaultyFile(this, _inner.OpenFile(path, createIfMissing));
    }

    private sealed class FaultyFile(FaultInjectingFileSystem fs, ILogFile inner) : ILogFile
    {
        public string Path => inner.Path;
        public long Length => inner.Length;
        public int Read(Span<byte> destination, long fileOffset) => inner.Read(destination, fileOffset);

        public void Write(ReadOnlySpan<byte> source, long fileOffset)
        {
            if (fs.Crashed) return;
            if (fs.TearNextLogWriteAfter is { } keep && Path.EndsWith(".log", StringComparison.Ordinal))
            {
                fs.TearNextLogWriteAfter = null;
                inner.Write(source[..Math.Min(keep, source.Length)], fileOffset);
                fs.Crash();
                throw new IOException("simulated crash in the middle of a write");
            }
            inner.Write(source, fileOffset);
        }

        public void SetLength(long length) { if (!fs.Crashed) inner.SetLength(length); }

        public void Flush()
        {
            if (fs.Crashed) return;
            if (Path.EndsWith(".log", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref fs._logFlushes);
                if (fs.FlushDelay > TimeSpan.Zero) Thread.Sleep(fs.FlushDelay);
            }
            inner.Flush();
        }

        public void Dispose() => inner.Dispose();
    }

    private sealed class DiscardedFile(string path) : ILogFile
    {
        public string Path => path;
        public long Length => 0;
        public int Read(Span<byte> destination, long fileOffset) => 0;
        public void Write(ReadOnlySpan<byte> source, long fileOffset) { }
        public void SetLength(long length) { }
        public void Flush() { }
        public void Dispose() { }
    }
}
