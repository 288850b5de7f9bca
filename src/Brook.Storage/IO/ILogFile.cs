namespace Brook.Storage.IO;

/// <summary>
/// One open file of a partition log, addressed by absolute position (no shared cursor, so concurrent positional reads
/// and a single appender never interfere). The seam through which tests inject torn writes and crashes.
/// </summary>
public interface ILogFile : IDisposable
{
    string Path { get; }

    /// <summary>Current length of the file in bytes.</summary>
    long Length { get; }

    /// <summary>Reads up to <c>destination.Length</c> bytes at <paramref name="fileOffset"/>; returns 0 at end of file.</summary>
    int Read(Span<byte> destination, long fileOffset);

    /// <summary>Writes all of <paramref name="source"/> at <paramref name="fileOffset"/> (into the OS page cache; not durable).</summary>
    void Write(ReadOnlySpan<byte> source, long fileOffset);

    void SetLength(long length);

    /// <summary>Makes everything written so far durable (fsync).</summary>
    void Flush();
}
