namespace Brook.Protocol.Records;

/// <summary>
/// What validation learned about one batch of a record set: where it lies in the set, its header fields, and facts
/// only the records reveal (their timestamp range, whether any key is null). A small value, one per batch.
/// </summary>
public readonly struct RecordBatchInfo
{
    /// <summary>Offset of the batch's first byte within the record set.</summary>
    public int Position { get; init; }
    /// <summary>Whole batch size in bytes (<see cref="RecordBatchHeader.LogOverhead"/> + BatchLength).</summary>
    public int Size { get; init; }

    public long BaseOffset { get; init; }
    public int PartitionLeaderEpoch { get; init; }
    public short Attributes { get; init; }
    public int LastOffsetDelta { get; init; }
    public long BaseTimestamp { get; init; }
    /// <summary>MaxTimestamp as the producer wrote it in the header.</summary>
    public long MaxTimestamp { get; init; }
    public long ProducerId { get; init; }
    public short ProducerEpoch { get; init; }
    public int BaseSequence { get; init; }
    public int RecordCount { get; init; }
    public uint Crc { get; init; }

    /// <summary>Smallest record timestamp (BaseTimestamp + delta), for timestamp-bound checks.</summary>
    public long MinRecordTimestamp { get; init; }
    /// <summary>Largest record timestamp; Kafka stores this as the batch's MaxTimestamp if the header disagrees.</summary>
    public long MaxRecordTimestamp { get; init; }
    /// <summary>Some record has a null key, which a compacted topic must refuse with INVALID_RECORD.</summary>
    public bool HasNullKey { get; init; }
    /// <summary>Size of the records section after decompression (equal to the stored size when uncompressed).</summary>
    public int UncompressedRecordsSize { get; init; }

    public CompressionType Compression => (CompressionType)(Attributes & RecordBatchHeader.CompressionMask);
    public bool IsLogAppendTime => (Attributes & RecordBatchHeader.TimestampTypeBit) != 0;
    public bool IsTransactional => (Attributes & RecordBatchHeader.TransactionalBit) != 0;
    public bool IsControl => (Attributes & RecordBatchHeader.ControlBit) != 0;
    /// <summary>Idempotent or transactional producer (KIP-98): ProducerId is set.</summary>
    public bool HasProducerId => ProducerId >= 0;
    /// <summary>Sequence of the last record; sequences wrap from int.MaxValue to 0.</summary>
    public int LastSequence => BaseSequence == RecordBatchHeader.NoSequence
        ? RecordBatchHeader.NoSequence
        : unchecked(BaseSequence + LastOffsetDelta) & int.MaxValue;

    internal static RecordBatchInfo FromHeader(in RecordBatchHeader header, int position) => new()
    {
        Position = position,
        Size = header.TotalSize,
        BaseOffset = header.BaseOffset,
        PartitionLeaderEpoch = header.PartitionLeaderEpoch,
        Attributes = header.Attributes,
        LastOffsetDelta = header.LastOffsetDelta,
        BaseTimestamp = header.BaseTimestamp,
        MaxTimestamp = header.MaxTimestamp,
        ProducerId = header.ProducerId,
        ProducerEpoch = header.ProducerEpoch,
        BaseSequence = header.BaseSequence,
        RecordCount = header.RecordCount,
        Crc = header.Crc,
    };
}
