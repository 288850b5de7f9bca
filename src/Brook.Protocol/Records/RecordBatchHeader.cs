using System.Buffers.Binary;

namespace Brook.Protocol.Records;

/// <summary>
/// The fixed 61-byte header of a RecordBatch (magic v2), read in place. Offsets of each field are the wire layout:
/// BaseOffset(0) BatchLength(8) PartitionLeaderEpoch(12) Magic(16) CRC(17) Attributes(21) LastOffsetDelta(23)
/// BaseTimestamp(27) MaxTimestamp(35) ProducerId(43) ProducerEpoch(51) BaseSequence(53) RecordCount(57), records from 61.
/// The CRC covers bytes 21..end, so BaseOffset and PartitionLeaderEpoch can be stamped by the broker without re-hashing.
/// </summary>
public readonly ref struct RecordBatchHeader
{
    public const int Size = 61;
    /// <summary>Bytes before BatchLength's counted region: BaseOffset + BatchLength. Whole batch = LogOverhead + BatchLength.</summary>
    public const int LogOverhead = 12;
    /// <summary>Smallest legal BatchLength (49): the header fields it counts, with no records after them.</summary>
    public const int MinBatchLength = Size - LogOverhead;
    /// <summary>The only magic this broker reads or writes: RecordBatch v2 (KIP-98).</summary>
    public const sbyte CurrentMagic = 2;
    public const int BaseOffsetPosition = 0;
    public const int BatchLengthPosition = 8;
    public const int PartitionLeaderEpochPosition = 12;
    public const int MagicPosition = 16;
    public const int CrcPosition = 17;
    public const int AttributesPosition = 21;
    public const int LastOffsetDeltaPosition = 23;
    public const int BaseTimestampPosition = 27;
    public const int MaxTimestampPosition = 35;
    public const int ProducerIdPosition = 43;
    public const int ProducerEpochPosition = 51;
    public const int BaseSequencePosition = 53;
    public const int RecordCountPosition = 57;

    public const short CompressionMask = 0x07;
    public const short TimestampTypeBit = 0x08;
    public const short TransactionalBit = 0x10;
    public const short ControlBit = 0x20;
    public const short DeleteHorizonBit = 0x40;

    public const long NoProducerId = -1;
    public const short NoProducerEpoch = -1;
    public const int NoSequence = -1;
    public const int NoPartitionLeaderEpoch = -1;
    public const long NoTimestamp = -1;

    private readonly ReadOnlySpan<byte> _b;

    /// <summary>Wraps at least <see cref="Size"/> bytes; the caller checks the length first.</summary>
    public RecordBatchHeader(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Size) throw new ArgumentException("a record batch header is 61 bytes", nameof(bytes));
        _b = bytes;
    }

    public long BaseOffset => BinaryPrimitives.ReadInt64BigEndian(_b);
    public int BatchLength => BinaryPrimitives.ReadInt32BigEndian(_b[BatchLengthPosition..]);
    public int TotalSize => LogOverhead + BatchLength;
    public int PartitionLeaderEpoch => BinaryPrimitives.ReadInt32BigEndian(_b[PartitionLeaderEpochPosition..]);
    public sbyte Magic => (sbyte)_b[MagicPosition];
    public uint Crc => BinaryPrimitives.ReadUInt32BigEndian(_b[CrcPosition..]);
    public short Attributes => BinaryPrimitives.ReadInt16BigEndian(_b[AttributesPosition..]);
    public CompressionType Compression => (CompressionType)(Attributes & CompressionMask);
    public bool IsLogAppendTime => (Attributes & TimestampTypeBit) != 0;
    public bool IsTransactional => (Attributes & TransactionalBit) != 0;
    public bool IsControl => (Attributes & ControlBit) != 0;
    public int LastOffsetDelta => BinaryPrimitives.ReadInt32BigEndian(_b[LastOffsetDeltaPosition..]);
    public long LastOffset => BaseOffset + LastOffsetDelta;
    public long BaseTimestamp => BinaryPrimitives.ReadInt64BigEndian(_b[BaseTimestampPosition..]);
    public long MaxTimestamp => BinaryPrimitives.ReadInt64BigEndian(_b[MaxTimestampPosition..]);
    public long ProducerId => BinaryPrimitives.ReadInt64BigEndian(_b[ProducerIdPosition..]);
    public short ProducerEpoch => BinaryPrimitives.ReadInt16BigEndian(_b[ProducerEpochPosition..]);
    public int BaseSequence => BinaryPrimitives.ReadInt32BigEndian(_b[BaseSequencePosition..]);
    public int LastSequence => BaseSequence == NoSequence ? NoSequence : unchecked(BaseSequence + LastOffsetDelta) & int.MaxValue;
    public int RecordCount => BinaryPrimitives.ReadInt32BigEndian(_b[RecordCountPosition..]);

    /// <summary>CRC-32C of bytes 21..end of the whole batch span.</summary>
    public static uint ComputeCrc(ReadOnlySpan<byte> wholeBatch) => Crc32C.Compute(wholeBatch[AttributesPosition..]);

    // In-place stamps applied by the leader on append. Only BaseOffset and PartitionLeaderEpoch are outside the CRC;
    // the LogAppendTime stamp changes MaxTimestamp and attributes, so it needs WriteCrc afterwards.
    public static void SetBaseOffset(Span<byte> batch, long offset) => BinaryPrimitives.WriteInt64BigEndian(batch, offset);
    public static void SetPartitionLeaderEpoch(Span<byte> batch, int epoch) => BinaryPrimitives.WriteInt32BigEndian(batch[PartitionLeaderEpochPosition..], epoch);
    public static void SetMaxTimestamp(Span<byte> batch, long ts) => BinaryPrimitives.WriteInt64BigEndian(batch[MaxTimestampPosition..], ts);
    public static void SetAttributes(Span<byte> batch, short attributes) => BinaryPrimitives.WriteInt16BigEndian(batch[AttributesPosition..], attributes);
    public static void WriteCrc(Span<byte> batch) => BinaryPrimitives.WriteUInt32BigEndian(batch[CrcPosition..], ComputeCrc(batch));
}

/// <summary>Codec in attribute bits 0-2.</summary>
public enum CompressionType : byte
{
    None = 0,
    Gzip = 1,
    Snappy = 2,
    Lz4 = 3,
    Zstd = 4,
}
