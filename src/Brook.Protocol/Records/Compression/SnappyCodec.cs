using System.Buffers;
using System.Buffers.Binary;
using Snappier;

namespace Brook.Protocol.Records.Compression;

/// <summary>
/// Codec 2: snappy. The Java client wraps snappy in the xerial snappy-java stream framing — a 16-byte header (magic
/// <c>82 'SNAPPY' 00</c>, version int32, compatible-version int32) followed by blocks, each a big-endian int32 length
/// and a raw snappy block of at most 32 KiB of input. librdkafka produces a single raw snappy block instead. Both reach
/// the broker, so decoding accepts both (the way snappy-java falls back to raw when the magic is absent); encoding
/// writes the xerial framing so every consumer, including old Java ones, can read what the broker writes.
/// </summary>
public static class SnappyCodec
{
    /// <summary>Uncompressed bytes per xerial block; snappy-java's default, which the Java producer uses.</summary>
    public const int XerialBlockSize = 32 * 1024;
    public const int XerialHeaderLength = 16;
    private const int XerialVersion = 1;
    private const int XerialCompatibleVersion = 1;

    private static ReadOnlySpan<byte> XerialMagic => [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0];

    /// <summary>Whether <paramref name="input"/> starts with the xerial stream magic.</summary>
    public static bool IsXerialFramed(ReadOnlySpan<byte> input) => input.StartsWith(XerialMagic);

    /// <summary>Compresses in the xerial framing, as the Java producer does.</summary>
    public static int Compress(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        var header = output.GetSpan(XerialHeaderLength);
        XerialMagic.CopyTo(header);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], XerialVersion);
        BinaryPrimitives.WriteInt32BigEndian(header[12..], XerialCompatibleVersion);
        output.Advance(XerialHeaderLength);
        var total = XerialHeaderLength;
        while (!input.IsEmpty)
        {
            var chunk = input[..Math.Min(XerialBlockSize, input.Length)];
            input = input[chunk.Length..];
            var span = output.GetSpan(4 + Snappy.GetMaxCompressedLength(chunk.Length));
            var n = Snappy.Compress(chunk, span[4..]);
            BinaryPrimitives.WriteInt32BigEndian(span, n);
            output.Advance(4 + n);
            total += 4 + n;
        }
        return total;
    }

    /// <summary>Compresses as one raw snappy block, librdkafka's layout (used to test that both layouts decode).</summary>
    public static int CompressRaw(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(Snappy.GetMaxCompressedLength(input.Length));
        var n = Snappy.Compress(input, span);
        output.Advance(n);
        return n;
    }

    public static int Decompress(ReadOnlySpan<byte> input, IBufferWriter<byte> output, int maxOutputLength = int.MaxValue)
    {
        var total = 0;
        if (!IsXerialFramed(input))
        {
            DecompressBlock(input, output, ref total, maxOutputLength);
            return total;
        }
        if (input.Length < XerialHeaderLength) throw new InvalidDataException("truncated xerial snappy header");
        var pos = XerialHeaderLength;
        while (pos < input.Length)
        {
            var rest = input[pos..];
            // snappy-java reads concatenated streams, so a second header may follow a block; skip it the same way.
            if (IsXerialFramed(rest))
            {
                if (rest.Length < XerialHeaderLength) throw new InvalidDataException("truncated xerial snappy header");
                pos += XerialHeaderLength;
                continue;
            }
            if (rest.Length < 4) throw new InvalidDataException("truncated xerial snappy block length");
            var length = BinaryPrimitives.ReadInt32BigEndian(rest);
            if (length < 0 || length > rest.Length - 4)
                throw new InvalidDataException($"xerial snappy block length {length} runs past the payload");
            DecompressBlock(rest.Slice(4, length), output, ref total, maxOutputLength);
            pos += 4 + length;
        }
        return total;
    }

    private static void DecompressBlock(ReadOnlySpan<byte> block, IBufferWriter<byte> output, ref int total, int maxOutputLength)
    {
        int length;
        try
        {
            length = Snappy.GetUncompressedLength(block);
        }
        catch (Exception e)
        {
            throw new InvalidDataException("corrupt snappy block: " + e.Message, e);
        }
        if (length < 0 || length > maxOutputLength - total) throw new DecompressionLimitExceededException(maxOutputLength);
        var span = output.GetSpan(Math.Max(length, 1))[..length];
        int written;
        try
        {
            written = Snappy.Decompress(block, span);
        }
        catch (Exception e)
        {
            throw new InvalidDataException("corrupt snappy block: " + e.Message, e);
        }
        if (written != length) throw new InvalidDataException($"snappy block decoded to {written} bytes, its preamble says {length}");
        output.Advance(length);
        total += length;
    }
}
