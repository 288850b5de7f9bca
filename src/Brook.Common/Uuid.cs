using System.Buffers.Binary;

namespace Brook.Common;

/// <summary>
/// Kafka's 128-bit UUID (topic ids, cluster ids), two big-endian longs on the wire and URL-safe base64 without padding as text.
/// Kept apart from <see cref="Guid"/> because Guid's byte order differs from the wire order.
/// </summary>
public readonly record struct Uuid(long MostSignificantBits, long LeastSignificantBits)
{
    public static readonly Uuid Zero = new(0, 0);

    public bool IsZero => MostSignificantBits == 0 && LeastSignificantBits == 0;

    /// <summary>A random version-4 UUID; Kafka reserves the all-zero id and ids whose text starts with '-', so those are avoided.</summary>
    public static Uuid NewRandom()
    {
        Span<byte> b = stackalloc byte[16];
        while (true)
        {
            Random.Shared.NextBytes(b);
            b[6] = (byte)((b[6] & 0x0f) | 0x40);
            b[8] = (byte)((b[8] & 0x3f) | 0x80);
            var id = FromBytes(b);
            if (!id.IsZero && !id.ToString().StartsWith('-')) return id;
        }
    }

    public static Uuid FromBytes(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadInt64BigEndian(bytes), BinaryPrimitives.ReadInt64BigEndian(bytes[8..]));

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, MostSignificantBits);
        BinaryPrimitives.WriteInt64BigEndian(destination[8..], LeastSignificantBits);
    }

    public override string ToString()
    {
        Span<byte> b = stackalloc byte[16];
        WriteTo(b);
        return Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static Uuid Parse(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
        var bytes = Convert.FromBase64String(s);
        if (bytes.Length != 16) throw new FormatException($"'{text}' is not a 16-byte UUID");
        return FromBytes(bytes);
    }
}
