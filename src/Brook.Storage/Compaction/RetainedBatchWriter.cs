using System.Buffers;
using System.Buffers.Binary;
using Brook.Common;
using Brook.Protocol.Records;
using Brook.Protocol.Records.Compression;

namespace Brook.Storage.Compaction;

/// <summary>
/// Writes what compaction keeps of one batch, with explicit offsets: unlike <see cref="RecordBatchBuilder"/>, whose
/// offset deltas are 0..n-1, the records keep their original offset deltas, and the batch keeps its BaseOffset and
/// LastOffsetDelta, as Kafka's cleaner does, so the batch still spans its original offsets and BaseSequence /
/// LastSequence stay true for the idempotent producer's duplicate detection. Every other header field (leader epoch,
/// producer id/epoch/sequence, transactional/control/timestamp-type bits, codec) is copied from the source header; the
/// records section is recompressed with the source codec. Reusable per batch; dispose to return the buffers.
/// </summary>
internal sealed class RetainedBatchWriter : IDisposable
{
    private readonly PooledBufferWriter _records = new(4096);
    private PooledBufferWriter? _compressed;

    public int RecordCount { get; private set; }

    public void Reset()
    {
        _records.Reset();
        RecordCount = 0;
    }

    /// <summary>
    /// Adds a record exactly as it was encoded (length prefix included): its deltas stay right as long as the batch's
    /// BaseOffset and BaseTimestamp do not change.
    /// </summary>
    public void AddEncoded(ReadOnlySpan<byte> record)
    {
        record.CopyTo(_records.GetSpan(record.Length));
        _records.Advance(record.Length);
        RecordCount++;
    }

    /// <summary>Re-encodes a record for a batch whose BaseTimestamp becomes <paramref name="baseTimestamp"/> (a delete horizon).</summary>
    public void AddRebased(in RecordView record, long baseTimestamp)
    {
        var timestampDelta = record.Timestamp - baseTimestamp;
        var bodySize = 1 + Varint.SizeOfVarLong(timestampDelta) + Varint.SizeOfVarInt(record.OffsetDelta)
            + SizeOfNullableBytes(record.Key.Length, record.IsKeyNull) + SizeOfNullableBytes(record.Value.Length, record.IsValueNull)
            + Varint.SizeOfVarInt(record.HeaderCount) + record.RawHeaders.Length;
        var span = _records.GetSpan(Varint.SizeOfVarInt(bodySize) + bodySize);
        var p = Varint.WriteVarInt(span, bodySize);
        span[p++] = (byte)record.Attributes;
        p += Varint.WriteVarLong(span[p..], timestampDelta);
        p += Varint.WriteVarInt(span[p..], record.OffsetDelta);
        p += WriteNullableBytes(span[p..], record.Key, record.IsKeyNull);
        p += WriteNullableBytes(span[p..], record.Value, record.IsValueNull);
        p += Varint.WriteVarInt(span[p..], record.HeaderCount);
        record.RawHeaders.CopyTo(span[p..]);
        p += record.RawHeaders.Length;
        _records.Advance(p);
        RecordCount++;
    }

    /// <summary>
    /// Writes the batch: <paramref name="source"/>'s header with the new records section, BaseTimestamp, MaxTimestamp
    /// and record count, the delete-horizon attribute bit (KIP-534) when <paramref name="deleteHorizon"/>, and a new
    /// CRC. With no records it is Kafka's empty batch, kept so a producer's last sequence survives: header only, and
    /// uncompressed since there is nothing to compress. Returns the batch size.
    /// </summary>
    public int Write(IBufferWriter<byte> output, ReadOnlySpan<byte> source, long baseTimestamp, long maxTimestamp, bool deleteHorizon)
    {
        var header = new RecordBatchHeader(source);
        var section = _records.WrittenSpan;
        var attributes = header.Attributes;
        if (deleteHorizon) attributes |= RecordBatchHeader.DeleteHorizonBit;
        if (RecordCount == 0) attributes &= ~RecordBatchHeader.CompressionMask;
        else if (header.Compression != CompressionType.None)
        {
            _compressed ??= new PooledBufferWriter(section.Length + 64);
            _compressed.Reset();
            CompressionCodecs.Compress(header.Compression, section, _compressed);
            section = _compressed.WrittenSpan;
        }

        var size = RecordBatchHeader.Size + section.Length;
        var batch = output.GetSpan(size)[..size];
        source[..RecordBatchHeader.Size].CopyTo(batch);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.BatchLengthPosition..], size - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchHeader.BaseTimestampPosition..], baseTimestamp);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.RecordCountPosition..], RecordCount);
        RecordBatchHeader.SetAttributes(batch, (short)attributes);
        RecordBatchHeader.SetMaxTimestamp(batch, maxTimestamp);
        section.CopyTo(batch[RecordBatchHeader.Size..]);
        RecordBatchHeader.WriteCrc(batch);
        output.Advance(size);
        return size;
    }

    public void Dispose()
    {
        _records.Dispose();
        _compressed?.Dispose();
    }

    private static int SizeOfNullableBytes(int length, bool isNull) =>
        isNull ? Varint.SizeOfVarInt(-1) : Varint.SizeOfVarInt(length) + length;

    private static int WriteNullableBytes(Span<byte> destination, ReadOnlySpan<byte> bytes, bool isNull)
    {
        if (isNull) return Varint.WriteVarInt(destination, -1);
        var n = Varint.WriteVarInt(destination, bytes.Length);
        bytes.CopyTo(destination[n..]);
        return n + bytes.Length;
    }
}
