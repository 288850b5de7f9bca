using System.Buffers.Binary;
using System.Text;
using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Protocol;

/// <summary>
/// Reads Kafka wire primitives from one frame. <see cref="Flexible"/> switches strings, arrays and bytes to their compact
/// (unsigned-varint, length+1) forms, so a message codec reads the same way in every version. Byte fields and record sets
/// are returned as slices of the frame, not copies: the frame must outlive what is read from it.
/// Any read past the end throws <see cref="ProtocolException"/>, never an index exception.
/// </summary>
public ref struct ProtocolReader
{
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public ProtocolReader(ReadOnlyMemory<byte> memory, bool flexible = false)
    {
        _memory = memory;
        _span = memory.Span;
        _position = 0;
        Flexible = flexible;
    }

    public bool Flexible { get; set; }
    public int Position => _position;
    public int Remaining => _span.Length - _position;
    public bool End => _position >= _span.Length;

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _span.Length - _position)
            throw new ProtocolException($"message truncated: needed {count} bytes at position {_position}, {Remaining} left");
        var s = _span.Slice(_position, count);
        _position += count;
        return s;
    }

    private ReadOnlyMemory<byte> TakeMemory(int count)
    {
        Take(count);
        return _memory.Slice(_position - count, count);
    }

    public sbyte ReadInt8() => (sbyte)Take(1)[0];
    public bool ReadBool() => Take(1)[0] != 0;
    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));
    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));
    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));
    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));
    public double ReadFloat64() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));
    public Uuid ReadUuid() => Uuid.FromBytes(Take(16));

    public uint ReadUnsignedVarInt()
    {
        uint result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = Take(1)[0];
            result |= (uint)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new ProtocolException("unsigned varint longer than 5 bytes");
    }

    public ulong ReadUnsignedVarLong()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = Take(1)[0];
            result |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new ProtocolException("unsigned varlong longer than 10 bytes");
    }

    /// <summary>Zig-zag signed varint (record fields).</summary>
    public int ReadVarInt()
    {
        var v = ReadUnsignedVarInt();
        return (int)(v >> 1) ^ -(int)(v & 1);
    }

    public long ReadVarLong()
    {
        var v = ReadUnsignedVarLong();
        return (long)(v >> 1) ^ -(long)(v & 1);
    }

    /// <summary>Length of a string/bytes/array: -1 for null. Compact forms store length+1, zero meaning null.</summary>
    private int ReadLength(bool int16Length)
    {
        if (Flexible) return checked((int)ReadUnsignedVarInt() - 1);
        return int16Length ? ReadInt16() : ReadInt32();
    }

    public string ReadString() =>
        ReadNullableString() ?? throw new ProtocolException("non-nullable string was null", ErrorCode.InvalidRequest);

    public string? ReadNullableString()
    {
        var len = ReadLength(int16Length: true);
        if (len < -1) throw new ProtocolException($"invalid string length {len}");
        return len == -1 ? null : Encoding.UTF8.GetString(Take(len));
    }

    /// <summary>A classic int16-length string regardless of <see cref="Flexible"/> (the client id in request header v2).</summary>
    public string? ReadClassicNullableString()
    {
        var len = ReadInt16();
        if (len < -1) throw new ProtocolException($"invalid string length {len}");
        return len == -1 ? null : Encoding.UTF8.GetString(Take(len));
    }

    public ReadOnlyMemory<byte> ReadBytes() =>
        ReadNullableBytes() ?? throw new ProtocolException("non-nullable bytes were null", ErrorCode.InvalidRequest);

    public ReadOnlyMemory<byte>? ReadNullableBytes()
    {
        var len = ReadLength(int16Length: false);
        if (len < -1) throw new ProtocolException($"invalid bytes length {len}");
        // The cast matters: without it the conditional is typed ReadOnlyMemory<byte> and null becomes empty memory.
        return len == -1 ? null : (ReadOnlyMemory<byte>?)TakeMemory(len);
    }

    /// <summary>A record set (Produce/Fetch "records" field): nullable bytes, kept as a slice of the frame.</summary>
    public MemoryRecordSet? ReadRecords()
    {
        var bytes = ReadNullableBytes();
        return bytes is { } b ? new MemoryRecordSet(b) : null;
    }

    /// <summary>Array element count, -1 for a null array. Rejects counts that cannot fit in the remaining bytes.</summary>
    public int ReadArrayLength()
    {
        var len = ReadLength(int16Length: false);
        if (len < -1 || len > Remaining) throw new ProtocolException($"invalid array length {len}");
        return len;
    }

    /// <summary>Reads a non-null array of elements; a null array reads as empty.</summary>
    public List<T> ReadArray<T>(ReadElement<T> read)
    {
        var n = ReadArrayLength();
        var list = new List<T>(Math.Max(n, 0));
        for (var i = 0; i < n; i++) list.Add(read(ref this));
        return list;
    }

    public List<T>? ReadNullableArray<T>(ReadElement<T> read)
    {
        var n = ReadArrayLength();
        if (n < 0) return null;
        var list = new List<T>(n);
        for (var i = 0; i < n; i++) list.Add(read(ref this));
        return list;
    }

    public delegate T ReadElement<T>(ref ProtocolReader reader);

    /// <summary>Skips the tagged-field section of a flexible structure (no-op when not flexible).</summary>
    public void SkipTaggedFields()
    {
        if (!Flexible) return;
        var count = ReadUnsignedVarInt();
        for (var i = 0; i < count; i++)
        {
            ReadUnsignedVarInt();
            var size = checked((int)ReadUnsignedVarInt());
            Take(size);
        }
    }

    /// <summary>
    /// Reads a tagged-field section, handing each known tag to <paramref name="onTag"/> (which must consume exactly the
    /// field's bytes, given as a sub-reader); unknown tags are skipped as the protocol requires.
    /// </summary>
    public void ReadTaggedFields(TaggedFieldHandler onTag)
    {
        if (!Flexible) return;
        var count = ReadUnsignedVarInt();
        for (var i = 0; i < count; i++)
        {
            var tag = ReadUnsignedVarInt();
            var size = checked((int)ReadUnsignedVarInt());
            var field = new ProtocolReader(TakeMemory(size), flexible: true);
            onTag(tag, ref field);
        }
    }

    public delegate void TaggedFieldHandler(uint tag, ref ProtocolReader field);

    public ReadOnlySpan<byte> ReadRaw(int count) => Take(count);
    public ReadOnlyMemory<byte> ReadRawMemory(int count) => TakeMemory(count);
}
