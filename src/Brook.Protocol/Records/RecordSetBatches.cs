using System.Buffers.Binary;

namespace Brook.Protocol.Records;

/// <summary>
/// Walks the batch boundaries of a record set by their length fields alone, without checking contents:
/// <c>foreach (var batch in new RecordSetBatches(set)) ...</c>. It stops at the first incomplete batch, as Kafka does
/// when reading a log segment or a fetch response, whose last batch may be cut short; <see cref="RemainingBytes"/>
/// then tells how many bytes were left unread. Use it on sets that were validated or written by the broker.
/// </summary>
public ref struct RecordSetBatches
{
    private readonly ReadOnlySpan<byte> _set;
    private int _next;

    public RecordSetBatches(ReadOnlySpan<byte> recordSet)
    {
        _set = recordSet;
        _next = 0;
        CurrentPosition = -1;
        Current = default;
    }

    /// <summary>The whole current batch, header included.</summary>
    public ReadOnlySpan<byte> Current { get; private set; }
    /// <summary>Offset of <see cref="Current"/> within the set.</summary>
    public int CurrentPosition { get; private set; }
    public readonly RecordBatchHeader CurrentHeader => new(Current);
    /// <summary>Bytes after the current batch (after the loop: the incomplete tail, 0 if the set ended cleanly).</summary>
    public readonly int RemainingBytes => _set.Length - _next;

    public readonly RecordSetBatches GetEnumerator() => this;

    public bool MoveNext()
    {
        var rest = _set[_next..];
        if (rest.Length < RecordBatchHeader.Size) return false;
        var batchLength = BinaryPrimitives.ReadInt32BigEndian(rest[RecordBatchHeader.BatchLengthPosition..]);
        if (batchLength < RecordBatchHeader.MinBatchLength || batchLength > rest.Length - RecordBatchHeader.LogOverhead) return false;
        var size = RecordBatchHeader.LogOverhead + batchLength;
        Current = rest[..size];
        CurrentPosition = _next;
        _next += size;
        return true;
    }
}
