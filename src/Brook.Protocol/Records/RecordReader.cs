using Brook.Common;
using Brook.Protocol.Records.Compression;

namespace Brook.Protocol.Records;

/// <summary>
/// Enumerates the records of one batch's (decompressed) records section without allocating:
/// <c>foreach (var r in RecordReader.ForBatch(batch, scratch)) ...</c>. Each record is
/// <c>length varint, attributes int8, timestampDelta varlong, offsetDelta varint, key, value, headers</c>, where key
/// and value are a varint length (-1 for null) and bytes, and headers a varint count of (key string, nullable value).
/// Malformed bytes throw <see cref="InvalidDataException"/>; untrusted input goes through
/// <see cref="RecordBatchValidator"/>, which reports the same problems as error codes instead.
/// </summary>
public ref struct RecordReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly long _baseOffset;
    private readonly long _baseTimestamp;
    private readonly int _count;
    private int _position;
    private int _index;
    private RecordView _current;

    /// <summary>Reads <paramref name="recordCount"/> records from a records section (the bytes after the batch header).</summary>
    public RecordReader(ReadOnlySpan<byte> records, int recordCount, long baseOffset = 0, long baseTimestamp = 0)
    {
        _data = records;
        _count = recordCount;
        _baseOffset = baseOffset;
        _baseTimestamp = baseTimestamp;
        _position = 0;
        _index = 0;
        _current = default;
    }

    /// <summary>
    /// Reads the records of a whole batch (header included). A compressed batch is decompressed into
    /// <paramref name="decompressionBuffer"/> (reset first), which must then stay untouched while the reader is used.
    /// </summary>
    public static RecordReader ForBatch(ReadOnlySpan<byte> batch, PooledBufferWriter? decompressionBuffer = null, int maxDecompressedSize = int.MaxValue)
    {
        var header = new RecordBatchHeader(batch);
        var size = header.TotalSize;
        if (header.BatchLength < RecordBatchHeader.MinBatchLength || size > batch.Length)
            throw new InvalidDataException($"batch length {header.BatchLength} does not fit the {batch.Length} bytes given");
        var section = batch[RecordBatchHeader.Size..size];
        if (header.Compression != CompressionType.None)
        {
            if (decompressionBuffer is null) throw new ArgumentNullException(nameof(decompressionBuffer), "a compressed batch needs a decompression buffer");
            decompressionBuffer.Reset();
            CompressionCodecs.Decompress(header.Compression, section, decompressionBuffer, maxDecompressedSize);
            section = decompressionBuffer.WrittenSpan;
        }
        return new RecordReader(section, header.RecordCount, header.BaseOffset, header.BaseTimestamp);
    }

    public readonly int Count => _count;
    /// <summary>Records read so far.</summary>
    public readonly int Index => _index;
    /// <summary>Bytes of the records section not yet read; non-zero after the last record means trailing garbage.</summary>
    public readonly int RemainingBytes => _data.Length - _position;
    public readonly RecordView Current => _current;

    public readonly RecordReader GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_index >= _count) return false;
        var error = TryReadNext(out _current);
        if (error != RecordFormatError.None) throw new InvalidDataException(error.Describe(_index));
        return true;
    }

    /// <summary>Parses the next record, advancing only on success. The caller checks <see cref="Index"/> against the count.</summary>
    internal RecordFormatError TryReadNext(out RecordView record)
    {
        record = default;
        var data = _data;
        var pos = _position;
        if (!Varint.TryReadVarInt(data, ref pos, out var size) || size < 0) return RecordFormatError.BadLengthPrefix;
        if (size > data.Length - pos) return RecordFormatError.RecordTruncated;
        var body = data.Slice(pos, size);
        var end = pos + size;

        var p = 0;
        if (body.IsEmpty) return RecordFormatError.SizeMismatch;
        var attributes = (sbyte)body[p++];
        if (!Varint.TryReadVarLong(body, ref p, out var timestampDelta)) return RecordFormatError.BadTimestampDelta;
        if (!Varint.TryReadVarInt(body, ref p, out var offsetDelta)) return RecordFormatError.BadOffsetDelta;

        if (!Varint.TryReadVarInt(body, ref p, out var keyLength) || keyLength < -1 || keyLength > body.Length - p)
            return RecordFormatError.BadKeyLength;
        var key = keyLength < 0 ? default : body.Slice(p, keyLength);
        p += Math.Max(keyLength, 0);

        if (!Varint.TryReadVarInt(body, ref p, out var valueLength) || valueLength < -1 || valueLength > body.Length - p)
            return RecordFormatError.BadValueLength;
        var value = valueLength < 0 ? default : body.Slice(p, valueLength);
        p += Math.Max(valueLength, 0);

        // Each header takes at least two bytes (two one-byte lengths), which bounds the count before the loop.
        if (!Varint.TryReadVarInt(body, ref p, out var headerCount) || headerCount < 0 || headerCount > (body.Length - p) / 2)
            return RecordFormatError.BadHeaderCount;
        var headersStart = p;
        for (var h = 0; h < headerCount; h++)
        {
            // Kafka rejects a null header key; only header values may be null.
            if (!Varint.TryReadVarInt(body, ref p, out var hk) || hk < 0 || hk > body.Length - p) return RecordFormatError.BadHeaderKeyLength;
            p += hk;
            if (!Varint.TryReadVarInt(body, ref p, out var hv) || hv < -1 || hv > body.Length - p) return RecordFormatError.BadHeaderValueLength;
            p += Math.Max(hv, 0);
        }
        if (p != body.Length) return RecordFormatError.SizeMismatch;

        record = new RecordView(_baseOffset, _baseTimestamp, end - _position, attributes, timestampDelta, offsetDelta,
            key, keyLength < 0, value, valueLength < 0, headerCount, body[headersStart..p]);
        _position = end;
        _index++;
        return RecordFormatError.None;
    }
}
