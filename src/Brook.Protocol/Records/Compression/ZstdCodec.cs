using System.Buffers;
using ZstdSharp;

namespace Brook.Protocol.Records.Compression;

/// <summary>
/// Codec 4 (KIP-110, produce v7+): zstd frames. The Java client writes through zstd-jni's streaming encoder, which
/// leaves the content size out of the frame header, so decoding streams instead of sizing the output up front.
/// </summary>
public static class ZstdCodec
{
    /// <summary>zstd's default level, also Kafka's default for <c>compression.zstd.level</c>.</summary>
    public const int DefaultLevel = 3;
    private const int OutputChunk = 64 * 1024;

    // zstd contexts hold a few hundred KB of working state; one per thread avoids rebuilding them per batch.
    [ThreadStatic] private static Compressor? t_compressor;
    [ThreadStatic] private static Decompressor? t_decompressor;

    public static int Compress(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        var compressor = t_compressor ??= new Compressor(DefaultLevel);
        var span = output.GetSpan(Compressor.GetCompressBound(input.Length));
        var n = compressor.Wrap(input, span);
        output.Advance(n);
        return n;
    }

    public static int Decompress(ReadOnlySpan<byte> input, IBufferWriter<byte> output, int maxOutputLength = int.MaxValue)
    {
        if (input.IsEmpty) throw new InvalidDataException("empty zstd payload");
        var decompressor = t_decompressor ??= new Decompressor();
        decompressor.ResetStream();
        var pos = 0;
        var total = 0;
        while (true)
        {
            OperationStatus status;
            int consumed, written;
            try
            {
                status = decompressor.UnwrapStream(input[pos..], output.GetSpan(OutputChunk), out consumed, out written);
            }
            catch (Exception e)
            {
                decompressor.ResetStream();
                throw new InvalidDataException("corrupt zstd frame: " + e.Message, e);
            }
            if (written > maxOutputLength - total) throw new DecompressionLimitExceededException(maxOutputLength);
            output.Advance(written);
            total += written;
            pos += consumed;
            switch (status)
            {
                // Done ends one frame; more input means concatenated frames, which zstd decodes as one stream.
                case OperationStatus.Done when pos == input.Length:
                    return total;
                case OperationStatus.Done:
                case OperationStatus.DestinationTooSmall:
                    break;
                case OperationStatus.NeedMoreData when pos == input.Length:
                    throw new InvalidDataException("truncated zstd frame");
                case OperationStatus.NeedMoreData:
                    break;
                default:
                    decompressor.ResetStream();
                    throw new InvalidDataException("corrupt zstd frame");
            }
            if (consumed == 0 && written == 0) throw new InvalidDataException("zstd decoder made no progress");
        }
    }
}
