namespace Brook.Protocol.Records;

/// <summary>
/// The zig-zag varints of the record format (signed values, so -1 for "null" costs one byte), read from and written to
/// spans. Readers are non-throwing and bounded the way Kafka bounds them: at most 5 bytes for an int, 10 for a long.
/// </summary>
public static class Varint
{
    public const int MaxVarIntLength = 5;
    public const int MaxVarLongLength = 10;

    /// <summary>Reads a zig-zag varint at <paramref name="position"/>, advancing it; false if truncated or over-long.</summary>
    public static bool TryReadVarInt(ReadOnlySpan<byte> source, ref int position, out int value)
    {
        uint raw = 0;
        var pos = position;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if ((uint)pos >= (uint)source.Length) break;
            var b = source[pos++];
            raw |= (uint)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                position = pos;
                value = (int)(raw >> 1) ^ -(int)(raw & 1);
                return true;
            }
        }
        value = 0;
        return false;
    }

    /// <summary>Reads a zig-zag varlong at <paramref name="position"/>, advancing it; false if truncated or over-long.</summary>
    public static bool TryReadVarLong(ReadOnlySpan<byte> source, ref int position, out long value)
    {
        ulong raw = 0;
        var pos = position;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if ((uint)pos >= (uint)source.Length) break;
            var b = source[pos++];
            raw |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                position = pos;
                value = (long)(raw >> 1) ^ -(long)(raw & 1);
                return true;
            }
        }
        value = 0;
        return false;
    }

    public static int SizeOfVarInt(int value) => SizeOfUnsigned((uint)((value << 1) ^ (value >> 31)));

    public static int SizeOfVarLong(long value)
    {
        var v = (ulong)((value << 1) ^ (value >> 63));
        var n = 1;
        while (v >= 0x80) { v >>= 7; n++; }
        return n;
    }

    /// <summary>Writes a zig-zag varint at the start of <paramref name="destination"/>; returns the bytes written.</summary>
    public static int WriteVarInt(Span<byte> destination, int value)
    {
        var v = (uint)((value << 1) ^ (value >> 31));
        var i = 0;
        while (v >= 0x80) { destination[i++] = (byte)(v | 0x80); v >>= 7; }
        destination[i++] = (byte)v;
        return i;
    }

    /// <summary>Writes a zig-zag varlong at the start of <paramref name="destination"/>; returns the bytes written.</summary>
    public static int WriteVarLong(Span<byte> destination, long value)
    {
        var v = (ulong)((value << 1) ^ (value >> 63));
        var i = 0;
        while (v >= 0x80) { destination[i++] = (byte)(v | 0x80); v >>= 7; }
        destination[i++] = (byte)v;
        return i;
    }

    private static int SizeOfUnsigned(uint v)
    {
        var n = 1;
        while (v >= 0x80) { v >>= 7; n++; }
        return n;
    }
}
