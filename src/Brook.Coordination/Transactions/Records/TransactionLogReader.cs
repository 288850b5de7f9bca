using System.Buffers.Binary;
using System.Text;
using Brook.Common;

namespace Brook.Coordination.Transactions.Records;

/// <summary>
/// Reads the big-endian Kafka-schema encoding of __transaction_state keys and values straight from the log's span.
/// <see cref="Flexible"/> selects the compact (unsigned varint, length+1) forms of flexible versions. Malformed input
/// throws <see cref="KafkaException"/> with CORRUPT_MESSAGE, never an index exception.
/// </summary>
internal ref struct TransactionLogReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public bool Flexible { get; set; }
    public readonly int Remaining => _data.Length - _position;

    public ReadOnlySpan<byte> ReadRaw(int count)
    {
        if (count < 0 || count > _data.Length - _position)
            throw new KafkaException(ErrorCode.CorruptMessage,
                $"__transaction_state record truncated: needed {count} bytes at {_position}, {Remaining} left");
        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }

    public sbyte ReadInt8() => (sbyte)ReadRaw(1)[0];
    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(ReadRaw(2));
    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(ReadRaw(4));
    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(ReadRaw(8));

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

    /// <summary>-1 means null; compact forms store length+1 so that 0 can mean null.</summary>
    private int ReadLength(bool int16Length)
    {
        if (Flexible) return (int)ReadUnsignedVarInt() - 1;
        return int16Length ? ReadInt16() : ReadInt32();
    }

    public string ReadString()
    {
        var length = ReadLength(int16Length: true);
        if (length < 0) throw new KafkaException(ErrorCode.CorruptMessage, $"invalid string length {length}");
        return Encoding.UTF8.GetString(ReadRaw(length));
    }

    /// <summary>An array's element count, -1 for a null array. Bounded by the bytes left so garbage cannot allocate much.</summary>
    public int ReadNullableArrayLength()
    {
        var length = ReadLength(int16Length: false);
        if (length < -1 || length > Remaining)
            throw new KafkaException(ErrorCode.CorruptMessage, $"invalid array length {length}");
        return length;
    }

    public int ReadArrayLength()
    {
        var length = ReadNullableArrayLength();
        if (length < 0) throw new KafkaException(ErrorCode.CorruptMessage, "non-nullable array was null");
        return length;
    }

    /// <summary>Skips a struct's tagged-field section (nothing in non-flexible versions).</summary>
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
