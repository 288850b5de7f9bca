using System.Buffers;
using System.Buffers.Binary;
using Brook.Storage.IO;

namespace Brook.Storage.Index;

/// <summary>
/// Sparse map from timestamps to offsets for one segment: entries (largest timestamp so far, int64; relative offset of
/// the batch holding it, int32), added alongside offset-index entries but only when the largest timestamp grew, so both
/// columns increase. Same memory, persistence and publication scheme as <see cref="OffsetIndex"/>.
/// </summary>
internal sealed class TimeIndex
{
    public const int EntrySize = 12;

    private Entry[] _entries = new Entry[8];
    private int _count;

    public TimeIndex(long baseOffset, int maxEntries)
    {
        BaseOffset = baseOffset;
        MaxEntries = maxEntries;
    }

    public long BaseOffset { get; }
    public int MaxEntries { get; }
    public int Count => Volatile.Read(ref _count);
    public bool IsFull => Count >= MaxEntries;

    public (long Timestamp, long Offset)? Last
    {
        get
        {
            var count = Count;
            if (count == 0) return null;
            var e = _entries[count - 1];
            return (e.Timestamp, BaseOffset + e.RelativeOffset);
        }
    }

    /// <summary>Adds (timestamp, offset) unless the timestamp is not larger than the last entry's (or is "no timestamp").</summary>
    public void MaybeAppend(long timestamp, long offset)
    {
        if (timestamp < 0) return;
        var count = _count;
        if (count > 0 && timestamp <= _entries[count - 1].Timestamp) return;
        var relative = checked((int)(offset - BaseOffset));
        if (count > 0 && relative < _entries[count - 1].RelativeOffset)
            throw new InvalidOperationException($"time index entry offset {offset} goes backwards");
        if (count == _entries.Length) Array.Resize(ref _entries, count * 2);
        _entries[count] = new Entry(timestamp, relative);
        Volatile.Write(ref _count, count + 1);
    }

    /// <summary>
    /// Offset of the last entry whose timestamp is strictly below <paramref name="timestamp"/>, or the base offset.
    /// Strictly: every record before that entry's batch (and in it) is older than the target, so a scan for the first
    /// record at or after the target can start there without missing an equal timestamp.
    /// </summary>
    public long LookupBefore(long timestamp)
    {
        var count = Count;
        var entries = _entries;
        int lo = 0, hi = count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (entries[mid].Timestamp < timestamp) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found < 0 ? BaseOffset : BaseOffset + entries[found].RelativeOffset;
    }

    public void Clear() => Volatile.Write(ref _count, 0);

    /// <summary>Drops the entries pointing at or past <paramref name="offset"/> (the log was truncated there).</summary>
    public void TruncateToOffset(long offset)
    {
        var count = _count;
        while (count > 0 && BaseOffset + _entries[count - 1].RelativeOffset >= offset) count--;
        Volatile.Write(ref _count, count);
    }

    public void WriteTo(ILogFileSystem fs, string path)
    {
        var count = Count;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, count * EntrySize));
        try
        {
            for (var i = 0; i < count; i++)
            {
                var span = buffer.AsSpan(i * EntrySize, EntrySize);
                BinaryPrimitives.WriteInt64BigEndian(span, _entries[i].Timestamp);
                BinaryPrimitives.WriteInt32BigEndian(span[8..], _entries[i].RelativeOffset);
            }
            using var file = fs.OpenFile(path, createIfMissing: true);
            file.SetLength(0);
            file.Write(buffer.AsSpan(0, count * EntrySize), 0);
            file.Flush();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Loads an index file; false (index left empty) when it is missing or not sane.</summary>
    public bool TryLoad(ILogFileSystem fs, string path)
    {
        Clear();
        var bytes = DurableFile.ReadAll(fs, path);
        if (bytes is null || bytes.Length % EntrySize != 0) return false;
        var count = bytes.Length / EntrySize;
        var entries = new Entry[Math.Max(8, count)];
        for (var i = 0; i < count; i++)
        {
            var span = bytes.AsSpan(i * EntrySize);
            var e = new Entry(BinaryPrimitives.ReadInt64BigEndian(span), BinaryPrimitives.ReadInt32BigEndian(span[8..]));
            if (e.Timestamp < 0 || e.RelativeOffset < 0) return false;
            if (i > 0 && (e.Timestamp <= entries[i - 1].Timestamp || e.RelativeOffset < entries[i - 1].RelativeOffset)) return false;
            entries[i] = e;
        }
        _entries = entries;
        Volatile.Write(ref _count, count);
        return true;
    }

    private readonly record struct Entry(long Timestamp, int RelativeOffset);
}
