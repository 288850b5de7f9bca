using System.Buffers.Binary;
using Brook.Common;
using Brook.Metadata.Records;
using Brook.Protocol;
using Brook.Protocol.Records;

namespace Brook.Metadata;

/// <summary>
/// The on-disk frame of one metadata batch:
/// <code>
/// length:int32      bytes after this field (crc + body)
/// crc:uint32        CRC-32C of the body
/// body: format:int8 (0), baseOffset:int64, recordCount:int32, records...
/// </code>
/// A frame is written with a single write and only counts once its CRC matches, so a crash mid-write leaves a torn
/// frame that the next start-up detects and cuts off, dropping the whole batch.
/// </summary>
internal static class MetadataLogFrame
{
    public const int PrefixSize = 8;
    private const int FixedBodySize = 1 + 8 + 4;
    private const sbyte FormatVersion = 0;

    public static void Encode(PooledBufferWriter output, long baseOffset, IReadOnlyList<MetadataRecord> records)
    {
        var start = output.WrittenCount;
        output.GetSpan(PrefixSize);
        output.Advance(PrefixSize);
        var writer = new ProtocolWriter(output, flexible: true);
        writer.WriteInt8(FormatVersion);
        writer.WriteInt64(baseOffset);
        writer.WriteInt32(records.Count);
        for (var i = 0; i < records.Count; i++) MetadataRecordSerde.Write(writer, records[i]);

        var frame = output.WrittenSpanMutable[start..];
        var body = frame[PrefixSize..];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length + 4);
        BinaryPrimitives.WriteUInt32BigEndian(frame[4..], Crc32C.Compute(body));
    }

    /// <summary>
    /// Checks the frame at the start of <paramref name="data"/>: complete, CRC intact and of a known format. False means
    /// the log ends (torn or garbage) here.
    /// </summary>
    public static bool TryValidate(ReadOnlySpan<byte> data, out int frameSize, out long baseOffset, out int recordCount)
    {
        frameSize = 0;
        baseOffset = 0;
        recordCount = 0;
        if (data.Length < PrefixSize) return false;
        var length = BinaryPrimitives.ReadInt32BigEndian(data);
        if (length < 4 + FixedBodySize || length > data.Length - 4) return false;
        var body = data.Slice(PrefixSize, length - 4);
        if (BinaryPrimitives.ReadUInt32BigEndian(data[4..]) != Crc32C.Compute(body)) return false;
        if ((sbyte)body[0] != FormatVersion) return false;
        baseOffset = BinaryPrimitives.ReadInt64BigEndian(body[1..]);
        recordCount = BinaryPrimitives.ReadInt32BigEndian(body[9..]);
        if (recordCount < 1) return false;
        frameSize = 4 + length;
        return true;
    }

    /// <summary>Decodes the records of a frame that <see cref="TryValidate"/> accepted.</summary>
    public static MetadataBatch Decode(ReadOnlyMemory<byte> frame)
    {
        var reader = new ProtocolReader(frame[PrefixSize..], flexible: true);
        reader.ReadInt8();
        var baseOffset = reader.ReadInt64();
        var count = reader.ReadInt32();
        var records = new MetadataRecord[count];
        for (var i = 0; i < count; i++) records[i] = MetadataRecordSerde.Read(ref reader);
        if (!reader.End)
            throw new InvalidDataException($"metadata batch at offset {baseOffset} has {reader.Remaining} bytes after its last record");
        return new MetadataBatch(baseOffset, records);
    }
}
