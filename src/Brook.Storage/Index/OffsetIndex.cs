using System.Buffers;
using System.Buffers.Binary;
using Brook.Storage.IO;

namespace Brook.Storage.Index;

/// <summary>
/// Sparse map from offsets to file positions for one segment: an entry (offset relative to the segment's base, int32;
/// position, int32) for the start of a batch roughly every index.interval.bytes of log. The entries live in memory
/// (binary search) and are persisted as a flat big-endian file when the segment is rolled or the log closed; after a
/// crash the active segment's index is rebuilt from the log anyway.
/// Single writer, many lock-free readers: an entry is stored before the count that makes it visible is published, and
/// a grown array is a copy that keeps every published entry.
/// </summary>
internal sealed class OffsetIndex
{
    public const int EntrySize = 8;

    private Entry[] _entries = new Entry[8];
    private int _count;

    public OffsetIndex(long baseOffset, int maxEntries)
    {
        BaseOffset = baseOffset;
        MaxEntries = maxEntries;
    }

    public long BaseOffset { get; }
    public int MaxEntries { get; }
    public int Count => Volatile.Read(ref _count);
    public bool IsFull => Count >= MaxEntries;

    /// <summary>Adds an entry for the batch starting at <paramref name="position"/> whose base offset is <paramref name="offset"/>.</summary>
    public void Append(long offset, int position)
    {
        var relative = checked((int)(offset - BaseOffset));
        var count = _count;
        if (count > 0 && (relative <= _entries[count - 1].RelativeOffset || position <= _entries[count - 1].Position))
            throw new InvalidOperationException($"index entry ({offset}, {position}) does not follow the last one");
        if (count == _entries.Length) Array.Resize(ref _entries, count * 2);
        _entries[count] = new Entry(relative, position);
        Volatile.Write(ref _count, count + 1);
    }

    /// <summary>The entry with the largest offset &lt;= <paramref name="offset"/>, or (BaseOffset, 0).</summary>
    public (long Offset, int Position) Lookup(long offset)
    {
        var count = Count;
        var entries = _entries;
        var i = FloorByRelativeOffset(entries, count, offset - BaseOffset);
        return i < 0 ? (BaseOffset, 0) : (BaseOffset + entries[i].RelativeOffset, entries[i].Position);
    }

    /// <summary>
    /// The last entry with offset &lt;= <paramref name="maxOffset"/> and position &lt;= <paramref name="maxPosition"/>,
    /// if any. Every batch before such an entry is whole and ends at or before it, which lets a read jump over them.
    /// </summary>
    public (long Offset, int Position)? LastEntryWithin(long maxOffset, long maxPosition)
    {
        var count = Count;
        var entries = _entries;
        var i = Math.Min(FloorByRelativeOffset(entries, count, maxOffset - BaseOffset), FloorByPosition(entries, count, maxPosition));
        return i < 0 ? null : (BaseOffset + entries[i].RelativeOffset, entries[i].Position);
    }

    public (long Offset, int Position)? Last
    {
        get
        {
            var count = Count;
            if (count == 0) return null;
            var e = _entries[count - 1];
            return (BaseOffset + e.RelativeOffset, e.Position);
        }
    }

    /// <summary>Drops every entry (recovery only; no concurrent readers then).</summary>
    public void Clear() => Volatile.Write(ref _count, 0);

    /// <summary>Drops the entries at or past <paramref name="position"/> (the log was truncated there).</summary>
    public void TruncateToPosition(long position) =>
        Volatile.Write(ref _count, FloorByPosition(_entries, _count, position - 1) + 1);

    public void WriteTo(ILogFileSystem fs, string path)
    {
        var count = Count;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, count * EntrySize));
        try
        {
            for (var i = 0; i < count; i++)
            {
                var span = buffer.AsSpan(i * EntrySize, EntrySize);
                BinaryPrimitives.WriteInt32BigEndian(span, _entries[i].RelativeOffset);
                BinaryPrimitives.WriteInt32BigEndian(span[4..], _entries[i].Position);
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

    /// <summary>
    /// Loads the entries of an index file; false (index left empty) when it is missing or not sane: a length that is not
    /// a whole number of entries, offsets or positions that do not increase, a position beyond the log.
    /// </summary>
    public bool TryLoad(ILogFileSystem fs, string path, long logSize)
    {
        Clear();
        var bytes = DurableFile.ReadAll(fs, path);
        if (bytes is null || bytes.Length % EntrySize != 0) return false;
        var count = bytes.Length / EntrySize;
        var entries = new Entry[Math.Max(8, count)];
        for (var i = 0; i < count; i++)
        {
            var span = bytes.AsSpan(i * EntrySize);
            var e = new Entry(BinaryPrimitives.ReadInt32BigEndian(span), BinaryPrimitives.ReadInt32BigEndian(span[4..]));
            if (e.RelativeOffset < 0 || e.Position < 0 || e.Position >= logSize) return false;
            if (i > 0 && (e.RelativeOffset <= entries[i - 1].RelativeOffset || e.Position <= entries[i - 1].Position)) return false;
            entries[i] = e;
        }
        _entries = entries;
        Volatile.Write(ref _count, count);
        return true;
    }

    private static int FloorByRelativeOffset(Entry[] entries, int count, long relativeOffset)
    {
        int lo = 0, hi = count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (entries[mid].RelativeOffset <= relativeOffset) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }

    private static int FloorByPosition(Entry[] entries, int count, long position)
    {
        int lo = 0, hi = count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (entries[mid].Position <= position) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }

    private readonly record struct Entry(int RelativeOffset, int Position);
}
