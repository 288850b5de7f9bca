using Brook.Common;
using Brook.Protocol.Records;
using Brook.Storage.Producers;

namespace Brook.Storage;

/// <summary>What an append needs to know about one batch of the record set: where it is and the header fields.</summary>
internal struct BatchInfo
{
    /// <summary>Position of the batch inside the appended record set.</summary>
    public int Position;
    public int Size;
    /// <summary>Offset assigned to the batch's first record.</summary>
    public long BaseOffset;
    public int LastOffsetDelta;
    /// <summary>Max timestamp as it will be stored (the LogAppendTime when the broker stamps it).</summary>
    public long MaxTimestamp;
    public long ProducerId;
    public short ProducerEpoch;
    public int BaseSequence;
    public int LastSequence;
    public bool IsControl;
    public bool IsTransactional;
    /// <summary>The epoch in the batch as received (what a follower keeps; a leader overwrites it).</summary>
    public int PartitionLeaderEpoch;
    /// <summary>For a COMMIT/ABORT control batch, what it says; null for every other batch.</summary>
    public EndTxnMarker? Marker;

    public readonly long LastOffset => BaseOffset + LastOffsetDelta;

    public static BatchInfo FromHeader(RecordBatchHeader header, int position, long baseOffset, long maxTimestamp) => new()
    {
        Position = position,
        Size = header.TotalSize,
        BaseOffset = baseOffset,
        LastOffsetDelta = header.LastOffsetDelta,
        MaxTimestamp = maxTimestamp,
        ProducerId = header.ProducerId,
        ProducerEpoch = header.ProducerEpoch,
        BaseSequence = header.BaseSequence,
        LastSequence = header.LastSequence,
        IsControl = header.IsControl,
        IsTransactional = header.IsTransactional,
        PartitionLeaderEpoch = header.PartitionLeaderEpoch,
    };

    /// <summary>
    /// Splits a record set into batches. As leader (<paramref name="assignOffsets"/>) offsets are assigned from
    /// <paramref name="firstOffset"/>; as follower the batches keep theirs, which must start at or after it and increase.
    /// Checks only framing (the full record validation happens before the log); returns the error for a set that cannot
    /// be appended.
    /// </summary>
    public static (ErrorCode Error, string? Message) Frame(ReadOnlySpan<byte> recordSet, long firstOffset, long? logAppendTimeMs,
        int maxBatchBytes, List<BatchInfo> batches, bool assignOffsets = true)
    {
        batches.Clear();
        var position = 0;
        var next = firstOffset;
        while (position < recordSet.Length)
        {
            var remaining = recordSet.Length - position;
            if (remaining < RecordBatchHeader.Size)
                return (ErrorCode.CorruptMessage, $"{remaining} trailing bytes are not a whole record batch");
            var header = new RecordBatchHeader(recordSet[position..]);
            if (header.Magic != 2)
                return (ErrorCode.CorruptMessage, $"record batch magic {header.Magic} is not supported, only 2");
            if (header.BatchLength < BatchScanner.MinBatchLength || header.BatchLength > remaining - RecordBatchHeader.LogOverhead)
                return (ErrorCode.CorruptMessage, $"record batch length {header.BatchLength} does not fit the {remaining} bytes left");
            if (header.TotalSize > maxBatchBytes)
                return (ErrorCode.MessageTooLarge, $"record batch of {header.TotalSize} bytes exceeds max.message.bytes {maxBatchBytes}");
            if (header.LastOffsetDelta < 0)
                return (ErrorCode.CorruptMessage, $"record batch last offset delta {header.LastOffsetDelta} is negative");
            if (!assignOffsets && header.BaseOffset < next)
                return (ErrorCode.InvalidRecord, $"batch base offset {header.BaseOffset} is below the expected offset {next}");
            var baseOffset = assignOffsets ? next : header.BaseOffset;
            var info = FromHeader(header, position, baseOffset, logAppendTimeMs ?? header.MaxTimestamp);
            if (header.IsControl) info.Marker = EndTxnMarker.TryRead(recordSet.Slice(position, header.TotalSize));
            batches.Add(info);
            next = baseOffset + header.LastOffsetDelta + 1L;
            position += header.TotalSize;
        }
        return (ErrorCode.None, null);
    }
}
