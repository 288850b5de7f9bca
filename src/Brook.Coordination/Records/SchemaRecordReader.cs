using System.Buffers.Binary;
using System.Text;
using Brook.Common;

namespace Brook.Coordination.Records;

/// <summary>
/// Reads the big-endian, Kafka-schema encoding of the internal topics' keys and values (__consumer_offsets,
/// __transaction_state) straight from a span, so loading a partition does not copy each record into a buffer first.
/// <see cref="Flexible"/> selects the compact (varint length+1) forms used by flexible record versions. Malformed input
/// throws <see cref="KafkaException"/> with CORRUPT_MESSAGE, never an index exception; <paramref name="what"/> names
/// the record in those messages.
/// </summary>
internal ref struct SchemaRecordReader(ReadOnlySpan<byte> data, bool flexible = false, string what = "__consumer_offsets record")
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public bool Flexible { get; set; } = flexible;
    public readonly int Remaining => _data.Length - _position;

    public ReadOnlySpan<byte> ReadRaw(int count)
    {
        if (count < 0 || count > _data.Length - _position)
            throw new KafkaException(ErrorCode.CorruptMessage,
                $"{what} truncated: needed {count} bytes at {_position}, {Remaining} left");
        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }

    public sbyte ReadInt8() => (sbyte)ReadRaw(1)[0];
    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(ReadRaw(2));
    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(ReadRaw(4));
    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(ReadRaw(8));
    public Uuid ReadUuid() => Uuid.FromBytes(ReadRaw(16));

    public uint ReadUnsignedVarInt()
    {
        uint result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = ReadRaw(1)[0];
            result |= (uint)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new KafkaException(ErrorCode.CorruptMessage, "unsigned varint longer than 5 bytes");
    }

    /// <summary>-1 means null. Compact forms store length+1 so that zero can mean null.</summary>
    private int ReadLength(bool int16Length)
    {
        if (Flexible) return (int)ReadUnsignedVarInt() - 1;
        return int16Length ? ReadInt16() : ReadInt32();
    }

    public string ReadString() =>
        ReadNullableString() ?? throw new KafkaException(ErrorCode.CorruptMessage, "non-nullable string was null");

    public string? ReadNullableString()
    {
        var length = ReadLength(int16Length: true);
        if (length < -1) throw new KafkaException(ErrorCode.CorruptMessage, $"invalid string length {length}");
        return length == -1 ? null : Encoding.UTF8.GetString(ReadRaw(length));
    }

    /// <summary>Bytes copied out of the record: the coordinator keeps them after the log buffer is gone.</summary>
    public byte[] ReadBytes()
    {
        var length = ReadLength(int16Length: false);
        if (length < -1) throw new KafkaException(ErrorCode.CorruptMessage, $"invalid bytes length {length}");
        return length <= 0 ? [] : ReadRaw(length).ToArray();
    }

    /// <summary>An array's element count, -1 for a null array. Bounded by the bytes left so garbage cannot allocate much.</summary>
    public int ReadNullableArrayLength()
    {
        var length = ReadLength(int16Length: false);
        if (length < -1 || length > Remaining)
            throw new KafkaException(ErrorCode.CorruptMessage, $"invalid array length {length}");
        return length;
    }

    /// <summary>An array's element count where a null array reads as empty.</summary>
    public int ReadArrayLength() => Math.Max(ReadNullableArrayLength(), 0);

    /// <summary>An array's element count where a null array is corrupt input.</summary>
    public int ReadNonNullArrayLength()
    {
        var length = ReadNullableArrayLength();
        if (length < 0) throw new KafkaException(ErrorCode.CorruptMessage, "non-nullable array was null");
        return length;
    }

    /// <summary>An array of int32 (partition indexes); four bytes per element are checked against what is left.</summary>
    public int[] ReadInt32Array()
    {
        var count = ReadArrayLength();
        if (count * 4L > Remaining) throw new KafkaException(ErrorCode.CorruptMessage, $"int32 array of {count} overruns the record");
        var values = new int[count];
        for (var i = 0; i < count; i++) values[i] = ReadInt32();
        return values;
    }

    /// <summary>
    /// Reads a tagged-field section, returning the int64 carried by <paramref name="tag"/> (or <paramref name="defaultValue"/>
    /// when absent) and skipping every other tag.
    /// </summary>
    public long ReadTaggedInt64(uint tag, long defaultValue)
    {
        var value = defaultValue;
        var count = ReadUnsignedVarInt();
        for (var i = 0; i < count; i++)
        {
            var t = ReadUnsignedVarInt();
            var body = ReadRaw((int)ReadUnsignedVarInt());
            if (t == tag && body.Length == 8) value = BinaryPrimitives.ReadInt64BigEndian(body);
        }
        return value;
    }

    /// <summary>Skips a tagged-field section (nothing in non-flexible versions); its tags are unknown to the caller.</summary>
    public void SkipTaggedFields()
    {
        if (!Flexible) return;
        var count = ReadUnsignedVarInt();
        for (var i = 0; i < count; i++)
        {
            ReadUnsignedVarInt();
            ReadRaw((int)ReadUnsignedVarInt());
        }
    }
}
