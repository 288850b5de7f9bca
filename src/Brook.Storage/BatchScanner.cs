using System.Buffers;
using Brook.Protocol.Records;
using Brook.Storage.IO;

namespace Brook.Storage;

/// <summary>What <see cref="BatchScanner.MoveNext"/> found at the current position.</summary>
internal enum ScanStatus
{
    /// <summary>A batch whose header is sane and which fits before the limit.</summary>
    Batch,
    /// <summary>Exactly at the limit: no more batches.</summary>
    End,
    /// <summary>Bytes remain but too few for the header or for the length the header claims: a torn write.</summary>
    Torn,
    /// <summary>A header that cannot be a v2 batch (bad length or magic).</summary>
    Corrupt,
}

/// <summary>
/// Walks the batches of a segment file from a position up to a limit, reading the file in chunks (one positional read
/// covers many small batches) and exposing each batch's header, or the whole batch when asked for.
/// </summary>
internal sealed class BatchScanner : IDisposable
{
    /// <summary>Smallest legal BatchLength: the header after the length field, with no records.</summary>
    public const int MinBatchLength = RecordBatchHeader.Size - RecordBatchHeader.LogOverhead;

    private readonly ILogFile _file;
    private readonly long _limit;
    private byte[] _buffer;
    private long _bufferStart;
    private int _bufferLength;
    private long _next;

    public BatchScanner(ILogFile file, long start, long limit, int bufferSize)
    {
        _file = file;
        _limit = limit;
        _next = start;
        Position = start;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bufferSize, RecordBatchHeader.Size));
    }

    /// <summary>Start of the current batch (after <see cref="ScanStatus.End"/> or a problem: where it happened).</summary>
    public long Position { get; private set; }

    /// <summary>Total size of the current batch (log overhead included).</summary>
    public int Size { get; private set; }

    /// <summary>Why the last <see cref="MoveNext"/> returned <see cref="ScanStatus.Torn"/> or <see cref="ScanStatus.Corrupt"/>.</summary>
    public string? Problem { get; private set; }

    public RecordBatchHeader Header => new(_buffer.AsSpan((int)(Position - _bufferStart), RecordBatchHeader.Size));

    /// <summary>The whole current batch; valid only after <c>MoveNext(wholeBatch: true)</c>.</summary>
    public ReadOnlySpan<byte> Batch => _buffer.AsSpan((int)(Position - _bufferStart), Size);

    /// <summary>Restarts the walk at <paramref name="position"/>, which must be the start of a batch.</summary>
    public void Seek(long position) => _next = position;

    public ScanStatus MoveNext(bool wholeBatch)
    {
        Position = _next;
        Size = 0;
        Problem = null;
        var remaining = _limit - Position;
        if (remaining <= 0) return ScanStatus.End;
        if (remaining < RecordBatchHeader.Size)
            return Fail(ScanStatus.Torn, $"{remaining} bytes left, fewer than a batch header");
        if (!EnsureBuffered(Position, RecordBatchHeader.Size))
            return Fail(ScanStatus.Torn, "the file ends inside a batch header");
        var header = Header;
        if (header.BatchLength < MinBatchLength)
            return Fail(ScanStatus.Corrupt, $"batch length {header.BatchLength} is below the minimum {MinBatchLength}");
        if (header.Magic != 2)
            return Fail(ScanStatus.Corrupt, $"magic {header.Magic}, expected 2");
        var size = (long)header.TotalSize;
        if (size > remaining)
            return Fail(ScanStatus.Torn, $"batch of {size} bytes but only {remaining} left");
        Size = (int)size;
        if (wholeBatch && !EnsureBuffered(Position, Size))
            return Fail(ScanStatus.Torn, "the file ends inside the batch");
        _next = Position + size;
        return ScanStatus.Batch;
    }

    private ScanStatus Fail(ScanStatus status, string problem)
    {
        Problem = problem;
        return status;
    }

    private bool EnsureBuffered(long position, int count)
    {
        if (position >= _bufferStart && position + count <= _bufferStart + _bufferLength) return true;
        if (count > _buffer.Length)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(count);
        }
        var want = (int)Math.Min(_buffer.Length, _limit - position);
        var read = 0;
        while (read < want)
        {
            var n = _file.Read(_buffer.AsSpan(read, want - read), position + read);
            if (n <= 0) break;
            read += n;
        }
        _bufferStart = position;
        _bufferLength = read;
        return read >= count;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }
}
