using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Brook.Common;
using Brook.Protocol.Records.Compression;

namespace Brook.Protocol.Records;

/// <summary>
/// Builds one RecordBatch v2: set the batch fields, <see cref="Add(long, byte[], byte[], ReadOnlySpan{RecordHeader})"/>
/// records, then <see cref="Build(IBufferWriter{byte})"/>. Records are encoded into a pooled buffer as they are added,
/// compressed on build, and the CRC is computed last. Offset deltas are 0..n-1 in add order and BaseTimestamp is the
/// first record's timestamp, as the Java producer writes them. Reusable after <see cref="Reset"/>; dispose to return
/// the buffers.
/// </summary>
public sealed class RecordBatchBuilder(CompressionType compression = CompressionType.None) : IDisposable
{
    private readonly PooledBufferWriter _records = new(1024);
    private PooledBufferWriter? _compressed;
    private int _count;
    private long _baseTimestamp;
    private long _maxTimestamp = RecordBatchHeader.NoTimestamp;

    public CompressionType Compression { get; set; } = compression;
    public long BaseOffset { get; set; }
    public int PartitionLeaderEpoch { get; set; } = RecordBatchHeader.NoPartitionLeaderEpoch;
    public long ProducerId { get; set; } = RecordBatchHeader.NoProducerId;
    public short ProducerEpoch { get; set; } = RecordBatchHeader.NoProducerEpoch;
    public int BaseSequence { get; set; } = RecordBatchHeader.NoSequence;
    public bool IsTransactional { get; set; }
    public bool IsControl { get; set; }
    /// <summary>Sets the timestamp-type bit: timestamps were assigned by the broker at append (LogAppendTime).</summary>
    public bool IsLogAppendTime { get; set; }
    public int RecordCount => _count;

    /// <summary>Adds a record; a null key or value is written as length -1.</summary>
    public RecordBatchBuilder Add(long timestamp, byte[]? key, byte[]? value, params ReadOnlySpan<RecordHeader> headers) =>
        Add(timestamp, key, key is null, value, value is null, headers);

    /// <summary>Adds a record from spans; <paramref name="keyIsNull"/>/<paramref name="valueIsNull"/> write length -1.</summary>
    public RecordBatchBuilder Add(long timestamp, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull,
        ReadOnlySpan<RecordHeader> headers = default)
    {
        if (_count == 0) _baseTimestamp = timestamp;
        _maxTimestamp = _count == 0 ? timestamp : Math.Max(_maxTimestamp, timestamp);
        var timestampDelta = timestamp - _baseTimestamp;
        var offsetDelta = _count;

        var bodySize = 1 + Varint.SizeOfVarLong(timestampDelta) + Varint.SizeOfVarInt(offsetDelta)
            + SizeOfNullableBytes(key.Length, keyIsNull) + SizeOfNullableBytes(value.Length, valueIsNull)
            + Varint.SizeOfVarInt(headers.Length);
        foreach (var h in headers)
        {
            var keyBytes = Encoding.UTF8.GetByteCount(h.Key);
            bodySize += Varint.SizeOfVarInt(keyBytes) + keyBytes + SizeOfNullableBytes(h.Value?.Length ?? 0, h.Value is null);
        }

        var total = Varint.SizeOfVarInt(bodySize) + bodySize;
        var span = _records.GetSpan(total);
        var p = Varint.WriteVarInt(span, bodySize);
        span[p++] = 0; // record attributes: unused in v2
        p += Varint.WriteVarLong(span[p..], timestampDelta);
        p += Varint.WriteVarInt(span[p..], offsetDelta);
        p += WriteNullableBytes(span[p..], key, keyIsNull);
        p += WriteNullableBytes(span[p..], value, valueIsNull);
        p += Varint.WriteVarInt(span[p..], headers.Length);
        foreach (var h in headers)
        {
            var keyBytes = Encoding.UTF8.GetByteCount(h.Key);
            p += Varint.WriteVarInt(span[p..], keyBytes);
            p += Encoding.UTF8.GetBytes(h.Key, span[p..]);
            p += WriteNullableBytes(span[p..], h.Value, h.Value is null);
        }
        _records.Advance(p);
        _count++;
        return this;
    }

    /// <summary>Writes the batch into <paramref name="output"/>; returns its size. The builder keeps its records.</summary>
    public int Build(IBufferWriter<byte> output)
    {
        if (_count == 0) throw new InvalidOperationException("a record batch needs at least one record");
        var section = _records.WrittenSpan;
        if (Compression != CompressionType.None)
        {
            _compressed ??= new PooledBufferWriter(section.Length + 64);
            _compressed.Reset();
            CompressionCodecs.Compress(Compression, section, _compressed);
            section = _compressed.WrittenSpan;
        }

        var size = RecordBatchHeader.Size + section.Length;
        var batch = output.GetSpan(size)[..size];
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchHeader.BaseOffsetPosition..], BaseOffset);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.BatchLengthPosition..], size - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.PartitionLeaderEpochPosition..], PartitionLeaderEpoch);
        batch[RecordBatchHeader.MagicPosition] = (byte)RecordBatchHeader.CurrentMagic;
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatchHeader.AttributesPosition..], Attributes);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.LastOffsetDeltaPosition..], _count - 1);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchHeader.BaseTimestampPosition..], _baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchHeader.MaxTimestampPosition..], _maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchHeader.ProducerIdPosition..], ProducerId);
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatchHeader.ProducerEpochPosition..], ProducerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.BaseSequencePosition..], BaseSequence);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.RecordCountPosition..], _count);
        section.CopyTo(batch[RecordBatchHeader.Size..]);
        RecordBatchHeader.WriteCrc(batch);
        output.Advance(size);
        return size;
    }

    /// <summary>Builds the batch into a new array.</summary>
    public byte[] Build()
    {
        using var buffer = new PooledBufferWriter(RecordBatchHeader.Size + _records.WrittenCount + 64);
        Build(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Forgets the records added so far; batch fields are kept.</summary>
    public void Reset()
    {
        _records.Reset();
        _count = 0;
        _baseTimestamp = 0;
        _maxTimestamp = RecordBatchHeader.NoTimestamp;
    }

    public void Dispose()
    {
        _records.Dispose();
        _compressed?.Dispose();
    }

    private short Attributes
    {
        get
        {
            var a = (int)Compression & RecordBatchHeader.CompressionMask;
            if (IsLogAppendTime) a |= RecordBatchHeader.TimestampTypeBit;
            if (IsTransactional) a |= RecordBatchHeader.TransactionalBit;
            if (IsControl) a |= RecordBatchHeader.ControlBit;
            return (short)a;
        }
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
