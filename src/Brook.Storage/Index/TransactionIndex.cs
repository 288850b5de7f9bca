using System.Buffers;
using System.Buffers.Binary;
using Brook.Storage.IO;

namespace Brook.Storage.Index;

/// <summary>
/// The aborted-transaction index of one segment (Kafka's <c>.txnindex</c>, KIP-98): one entry per ABORT marker in the
/// segment, in marker order, telling which producer's records from <see cref="AbortedTransaction.FirstOffset"/> up to
/// the marker must be hidden from read_committed consumers. The entries live in memory and are persisted like the
/// other indexes (on roll, clean close, compaction); after a crash they are rebuilt from the log.
/// Single writer, many lock-free readers, like <see cref="OffsetIndex"/>.
/// </summary>
internal sealed class TransactionIndex
{
    /// <summary>Kafka's entry: version int16, producer id int64, first offset int64, last offset int64, last stable offset int64.</summary>
    public const int EntrySize = 2 + 8 + 8 + 8 + 8;
    private const short EntryVersion = 0;

    private AbortedTransaction[] _entries = new AbortedTransaction[4];
    private int _count;

    public TransactionIndex(long baseOffset) => BaseOffset = baseOffset;

    public long BaseOffset { get; }
    public int Count => Volatile.Read(ref _count);

    /// <summary>The entries, oldest first (a copy).</summary>
    public AbortedTransaction[] Entries => _entries.AsSpan(0, Count).ToArray();

    public void Append(in AbortedTransaction entry)
    {
        var count = _count;
        if (count > 0 && entry.LastOffset <= _entries[count - 1].LastOffset)
            throw new InvalidOperationException($"aborted transaction ending at {entry.LastOffset} does not follow the last one");
        if (count == _entries.Length) Array.Resize(ref _entries, count * 2);
        _entries[count] = entry;
        Volatile.Write(ref _count, count + 1);
    }

    /// <summary>Drops every entry (recovery only; no concurrent readers then).</summary>
    public void Clear() => Volatile.Write(ref _count, 0);

    /// <summary>Drops the entries whose marker is at or past <paramref name="offset"/> (the log was truncated there).</summary>
    public void TruncateTo(long offset)
    {
        var count = _count;
        while (count > 0 && _entries[count - 1].LastOffset >= offset) count--;
        Volatile.Write(ref _count, count);
    }

    /// <summary>
    /// Adds to <paramref name="found"/> the transactions that overlap [<paramref name="startOffset"/>,
    /// <paramref name="upperBoundOffset"/>): ended at or after the start and began before the bound. True when no later
    /// segment can hold more: an entry's last stable offset at or past the bound means every transaction aborted
    /// after it began at or after that offset.
    /// </summary>
    public bool Collect(long startOffset, long upperBoundOffset, ref List<AbortedTransaction>? found)
    {
        var count = Count;
        var entries = _entries;
        for (var i = 0; i < count; i++)
        {
            var e = entries[i];
            if (e.LastOffset >= startOffset && e.FirstOffset < upperBoundOffset) (found ??= []).Add(e);
            if (e.LastStableOffset >= upperBoundOffset) return true;
        }
        return false;
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
                var e = _entries[i];
                BinaryPrimitives.WriteInt16BigEndian(span, EntryVersion);
                BinaryPrimitives.WriteInt64BigEndian(span[2..], e.ProducerId);
                BinaryPrimitives.WriteInt64BigEndian(span[10..], e.FirstOffset);
                BinaryPrimitives.WriteInt64BigEndian(span[18..], e.LastOffset);
                BinaryPrimitives.WriteInt64BigEndian(span[26..], e.LastStableOffset);
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
    /// Loads an index file; false (index left empty) when it is missing or not sane: a length that is not a whole number
    /// of entries, an unknown version, markers outside [base offset, <paramref name="nextOffset"/>) or not increasing, a
    /// transaction that begins after its marker.
    /// </summary>
    public bool TryLoad(ILogFileSystem fs, string path, long nextOffset)
    {
        Clear();
        var bytes = DurableFile.ReadAll(fs, path);
        if (bytes is null || bytes.Length % EntrySize != 0) return false;
        var count = bytes.Length / EntrySize;
        var entries = new AbortedTransaction[Math.Max(4, count)];
        for (var i = 0; i < count; i++)
        {
            var span = bytes.AsSpan(i * EntrySize, EntrySize);
            if (BinaryPrimitives.ReadInt16BigEndian(span) != EntryVersion) return false;
            var e = new AbortedTransaction(
                BinaryPrimitives.ReadInt64BigEndian(span[2..]),
                BinaryPrimitives.ReadInt64BigEndian(span[10..]),
                BinaryPrimitives.ReadInt64BigEndian(span[18..]),
                BinaryPrimitives.ReadInt64BigEndian(span[26..]));
            if (e.ProducerId < 0 || e.FirstOffset < 0 || e.FirstOffset > e.LastOffset || e.LastOffset < BaseOffset || e.LastOffset >= nextOffset)
                return false;
            if (i > 0 && e.LastOffset <= entries[i - 1].LastOffset) return false;
            entries[i] = e;
        }
        _entries = entries;
        Volatile.Write(ref _count, count);
        return true;
    }
}
