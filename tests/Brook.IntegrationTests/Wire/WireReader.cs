using System.Buffers.Binary;
using System.Text;

namespace Brook.IntegrationTests.Wire;

/// <summary>Minimal big-endian Kafka decoder for hand-parsed responses; throws on truncated input.</summary>
public sealed class WireReader
{
    private readonly byte[] _data;

    public WireReader(byte[] data) => _data = data;

    public int Position { get; private set; }

    public int Remaining => _data.Length - Position;

    public short Int16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public int Int32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long Int64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public bool Bool() => Take(1)[0] != 0;

    /// <summary>Classic NULLABLE_STRING.</summary>
    public string? String()
    {
        var length = Int16();
        return length < 0 ? null : Encoding.UTF8.GetString(Take(length));
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining) throw new InvalidDataException($"response truncated: need {count} bytes at {Position}, have {Remaining}");
        var span = _data.AsSpan(Position, count);
        Position += count;
        return span;
    }
}
