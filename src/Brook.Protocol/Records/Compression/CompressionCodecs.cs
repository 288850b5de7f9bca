using System.Buffers;

namespace Brook.Protocol.Records.Compression;

/// <summary>
/// Compresses and decompresses the records section of a batch by the codec in its attributes. Decompression throws
/// <see cref="InvalidDataException"/> for corrupt input and <see cref="DecompressionLimitExceededException"/> when the
/// output would pass <c>maxOutputLength</c>; an unknown codec throws <see cref="NotSupportedException"/>.
/// </summary>
public static class CompressionCodecs
{
    /// <summary>Whether the id (attribute bits 0-2) names a codec Kafka defines; 5-7 are unassigned.</summary>
    public static bool IsKnown(CompressionType codec) => codec <= CompressionType.Zstd;

    /// <summary>Writes <paramref name="input"/> compressed with <paramref name="codec"/>; returns the bytes written.</summary>
    public static int Compress(CompressionType codec, ReadOnlySpan<byte> input, IBufferWriter<byte> output) => codec switch
    {
        CompressionType.None => Copy(input, output),
        CompressionType.Gzip => GzipCodec.Compress(input, output),
        CompressionType.Snappy => SnappyCodec.Compress(input, output),
        CompressionType.Lz4 => Lz4FrameCodec.Compress(input, output),
        CompressionType.Zstd => ZstdCodec.Compress(input, output),
        _ => throw new NotSupportedException($"unknown compression codec {(int)codec}"),
    };

    /// <summary>Writes <paramref name="input"/> decompressed; returns the bytes written.</summary>
    public static int Decompress(CompressionType codec, ReadOnlySpan<byte> input, IBufferWriter<byte> output, int maxOutputLength = int.MaxValue) => codec switch
    {
        CompressionType.None => input.Length <= maxOutputLength ? Copy(input, output) : throw new DecompressionLimitExceededException(maxOutputLength),
        CompressionType.Gzip => GzipCodec.Decompress(input, output, maxOutputLength),
        CompressionType.Snappy => SnappyCodec.Decompress(input, output, maxOutputLength),
        CompressionType.Lz4 => Lz4FrameCodec.Decompress(input, output, maxOutputLength),
        CompressionType.Zstd => ZstdCodec.Decompress(input, output, maxOutputLength),
        _ => throw new NotSupportedException($"unknown compression codec {(int)codec}"),
    };

    private static int Copy(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        if (input.IsEmpty) return 0;
        input.CopyTo(output.GetSpan(input.Length));
        output.Advance(input.Length);
        return input.Length;
    }
}
