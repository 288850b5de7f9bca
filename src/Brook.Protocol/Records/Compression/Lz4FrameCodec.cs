using System.Buffers;
using K4os.Compression.LZ4;
using K4os.Compression.LZ4.Streams;

namespace Brook.Protocol.Records.Compression;

/// <summary>
/// Codec 3: the LZ4 frame format (magic 0x184D2204). Clients before Kafka 0.10 computed the frame header checksum over
/// the wrong bytes; that only ever applied to magic v0/v1 message sets, and v2 batches always carry the correct one.
/// </summary>
public static class Lz4FrameCodec
{
    // Independent 64 KiB blocks, no checksums beyond the frame's own: what the Java producer and librdkafka write, and
    // the subset that the Java consumer's own LZ4 reader is known to accept.
    private static readonly LZ4EncoderSettings EncoderSettings = new()
    {
        ChainBlocks = false,
        BlockSize = 64 * 1024,
        BlockChecksum = false,
        ContentChecksum = false,
        CompressionLevel = LZ4Level.L00_FAST,
    };

    public static int Compress(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        var counter = new BoundedBufferWriter(output, int.MaxValue);
        LZ4Frame.Encode<IBufferWriter<byte>>(input, counter, EncoderSettings);
        return counter.Written;
    }

    public static int Decompress(ReadOnlySpan<byte> input, IBufferWriter<byte> output, int maxOutputLength = int.MaxValue)
    {
        if (input.IsEmpty) throw new InvalidDataException("empty lz4 payload");
        var bounded = new BoundedBufferWriter(output, maxOutputLength);
        try
        {
            LZ4Frame.Decode<IBufferWriter<byte>>(input, bounded, 0);
        }
        catch (Exception e) when (e is not InvalidDataException and not DecompressionLimitExceededException)
        {
            throw new InvalidDataException("corrupt lz4 frame: " + e.Message, e);
        }
        return bounded.Written;
    }
}
