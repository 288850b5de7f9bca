using System.Buffers.Binary;
using System.Text;

namespace Brook.IntegrationTests.Wire;

/// <summary>
/// Big-endian decoder for the group responses, like <see cref="WireReader"/> plus classic BYTES fields (member metadata
/// and assignments), which the group tests need to read back byte-exact.
/// </summary>
public sealed class ResponseReader
{
    private readonly byte[] _data;
    private int _position;

    public ResponseReader(byte[] data, int position = 0)
    {
        _data = data;
        _position = position;
    }

    public int Remaining => _data.Length - _position;

    public short Int16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public int Int32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long Int64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    /// <summary>Classic NULLABLE_STRING: int16 length (-1 = null) + UTF-8.</summary>
    public string? String()
    {
        var length = Int16();
        return length < 0 ? null : Encoding.UTF8.GetString(Take(length));
    }

    /// <summary>Classic BYTES: int32 length + data; a null (-1) comes back as an empty array.</summary>
    public byte[] Bytes()
    {
        var length = Int32();
        return length < 0 ? [] : Take(length).ToArray();
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining) throw new InvalidDataException($"response truncated: need {count} bytes at {_position}, have {Remaining}");
        var span = _data.AsSpan(_position, count);
        _position += count;
        return span;
    }
}

/// <summary>Request/response round trip on a <see cref="RawKafkaConnection"/> that hands back a <see cref="ResponseReader"/>.</summary>
public static class ResponseReaderRoundTrip
{
    /// <summary>Sends one non-flexible request and returns the response body (after the checked correlation id).</summary>
    public static async Task<ResponseReader> CallAsync(this RawKafkaConnection connection, short apiKey, short apiVersion,
        int correlationId, byte[] body, TimeSpan timeout)
    {
        await connection.SendRequestAsync(apiKey, apiVersion, correlationId, body).ConfigureAwait(false);
        var payload = await connection.ReadResponseAsync(timeout).ConfigureAwait(false);
        var reader = new ResponseReader(payload);
        var echoed = reader.Int32();
        if (echoed != correlationId) throw new InvalidDataException($"correlation id {echoed}, expected {correlationId}");
        return reader;
    }
}
