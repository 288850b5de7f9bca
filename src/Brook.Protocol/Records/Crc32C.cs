using System.Buffers.Binary;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Brook.Protocol.Records;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of RecordBatch v2. Uses the SSE4.2 / ARM CRC32C instructions when present
/// (several GB/s, so validating every produced batch is cheap) and a table otherwise.
/// </summary>
public static class Crc32C
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a CRC over more data: <c>Append(Compute(a), b) == Compute(a ++ b)</c>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var c = ~crc;
        if (Sse42.X64.IsSupported)
        {
            ulong c64 = c;
            while (data.Length >= 8)
            {
                c64 = Sse42.X64.Crc32(c64, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
            c = (uint)c64;
            foreach (var b in data) c = Sse42.Crc32(c, b);
            return ~c;
        }
        if (Crc32.Arm64.IsSupported)
        {
            while (data.Length >= 8)
            {
                c = Crc32.Arm64.ComputeCrc32C(c, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
            foreach (var b in data) c = Crc32.ComputeCrc32C(c, b);
            return ~c;
        }
        foreach (var b in data) c = Table[(c ^ b) & 0xff] ^ (c >> 8);
        return ~c;
    }

    private static uint[] BuildTable()
    {
        const uint poly = 0x82F63B78; // reflected Castagnoli polynomial
        var t = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ poly : c >> 1;
            t[i] = c;
        }
        return t;
    }
}
