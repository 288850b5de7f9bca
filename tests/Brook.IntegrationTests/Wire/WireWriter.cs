using System.Buffers.Binary;
using System.Text;

namespace Brook.IntegrationTests.Wire;

/// <summary>
/// Minimal big-endian Kafka encoder for hand-made requests. Deliberately independent of Brook.Protocol so the raw
/// tests check the broker against our own reading of the spec rather than against the broker's own codec.
/// </summary>
public sealed class WireWriter
{
    private readonly MemoryStream _buffer = new();

    public int Length => (int)_buffer.Length;

    public byte[] ToArray() => _buffer.ToArray();

    public WireWriter Int8(sbyte v) { _buffer.WriteByte((byte)v); return this; }

    public WireWriter Int16(short v) { Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteInt16BigEndian(b, v); _buffer.Write(b); return this; }

    public WireWriter Int32(int v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32BigEndian(b, v); _buffer.Write(b); return this; }

    public WireWriter UInt32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32BigEndian(b, v); _buffer.Write(b); return this; }

    public WireWriter Int64(long v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteInt64BigEndian(b, v); _buffer.Write(b); return this; }

    public WireWriter Raw(ReadOnlySpan<byte> bytes) { _buffer.Write(bytes); return this; }

    /// <summary>Classic STRING / NULLABLE_STRING: int16 length (-1 = null) + UTF-8.</summary>
    public WireWriter String(string? s)
    {
        if (s is null) return Int16(-1);
        var bytes = Encoding.UTF8.GetBytes(s);
        return Int16(checked((short)bytes.Length)).Raw(bytes);
    }

    /// <summary>Classic BYTES / NULLABLE_BYTES: int32 length (-1 = null) + data.</summary>
    public WireWriter Bytes(ReadOnlySpan<byte> bytes) => Int32(bytes.Length).Raw(bytes);

    /// <summary>Flexible-version COMPACT_STRING: unsigned varint (length + 1) + UTF-8.</summary>
    public WireWriter CompactString(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        return UnsignedVarint((uint)bytes.Length + 1).Raw(bytes);
    }

    /// <summary>An empty tagged-field section (a single zero varint).</summary>
    public WireWriter EmptyTaggedFields() => UnsignedVarint(0);

    public WireWriter UnsignedVarint(uint v)
    {
        while (v >= 0x80)
        {
            _buffer.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }
        _buffer.WriteByte((byte)v);
        return this;
    }

    /// <summary>Zig-zag varint as used inside v2 records.</summary>
    public WireWriter Varint(int v) => UnsignedVarint((uint)((v << 1) ^ (v >> 31)));

    /// <summary>Zig-zag varlong as used inside v2 records.</summary>
    public WireWriter Varlong(long v)
    {
        var z = (ulong)((v << 1) ^ (v >> 63));
        while (z >= 0x80)
        {
            _buffer.WriteByte((byte)(z | 0x80));
            z >>= 7;
        }
        _buffer.WriteByte((byte)z);
        return this;
    }
}
