namespace Brook.Protocol.Records;

/// <summary>
/// One record of a batch, read in place: every field is a slice of the (decompressed) records section, so reading a
/// record allocates nothing. Offsets and timestamps are stored as deltas from the batch's base values.
/// </summary>
public readonly ref struct RecordView
{
    private readonly long _baseOffset;
    private readonly long _baseTimestamp;

    internal RecordView(long baseOffset, long baseTimestamp, int sizeInBytes, sbyte attributes, long timestampDelta, int offsetDelta,
        ReadOnlySpan<byte> key, bool isKeyNull, ReadOnlySpan<byte> value, bool isValueNull, int headerCount, ReadOnlySpan<byte> rawHeaders)
    {
        _baseOffset = baseOffset;
        _baseTimestamp = baseTimestamp;
        SizeInBytes = sizeInBytes;
        Attributes = attributes;
        TimestampDelta = timestampDelta;
        OffsetDelta = offsetDelta;
        Key = key;
        IsKeyNull = isKeyNull;
        Value = value;
        IsValueNull = isValueNull;
        HeaderCount = headerCount;
        RawHeaders = rawHeaders;
    }

    /// <summary>Encoded size of the record including its length prefix.</summary>
    public int SizeInBytes { get; }
    /// <summary>Record-level attributes; unused by the v2 format, so always 0 from well-behaved clients.</summary>
    public sbyte Attributes { get; }
    public long TimestampDelta { get; }
    public int OffsetDelta { get; }
    /// <summary>The batch's BaseTimestamp plus <see cref="TimestampDelta"/>.</summary>
    public long Timestamp => _baseTimestamp + TimestampDelta;
    /// <summary>The batch's BaseOffset plus <see cref="OffsetDelta"/>.</summary>
    public long Offset => _baseOffset + OffsetDelta;

    /// <summary>The key bytes; empty when <see cref="IsKeyNull"/>.</summary>
    public ReadOnlySpan<byte> Key { get; }
    public bool IsKeyNull { get; }
    /// <summary>The value bytes; empty when <see cref="IsValueNull"/> (a tombstone on compacted topics).</summary>
    public ReadOnlySpan<byte> Value { get; }
    public bool IsValueNull { get; }

    public int HeaderCount { get; }
    /// <summary>The encoded headers (without their count), already checked when the record was read.</summary>
    public ReadOnlySpan<byte> RawHeaders { get; }
    public RecordHeaderEnumerator Headers => new(RawHeaders, HeaderCount);
}
