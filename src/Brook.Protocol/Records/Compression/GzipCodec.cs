using System.Buffers;
using System.IO.Compression;

namespace Brook.Protocol.Records.Compression;

/// <summary>
/// Codec 1: a gzip stream (RFC 1952) of the records. Java clients write it with <c>GZIPOutputStream</c>, librdkafka with
/// zlib in gzip mode; several concatenated gzip members decode as one stream, as they do in Java.
/// </summary>
public static class GzipCodec
{
    public static int Compress(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        var sink = new BufferWriterStream(output);
        // Optimal is zlib level 6, the level Java's Deflater uses by default, so sizes match what clients produce.
        using (var gzip = new GZipStream(sink, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(input);
        return sink.Written;
    }

    public static unsafe int Decompress(ReadOnlySpan<byte> input, IBufferWriter<byte> output, int maxOutputLength = int.MaxValue)
    {
        if (input.IsEmpty) throw new InvalidDataException("empty gzip payload");
        var total = 0;
        fixed (byte* p = input)
        {
            using var source = new UnmanagedMemoryStream(p, input.Length);
            using var gzip = new GZipStream(source, CompressionMode.Decompress);
            while (true)
            {
                int n;
                try
                {
                    n = gzip.Read(output.GetSpan(16 * 1024));
                }
                catch (Exception e) when (e is not InvalidDataException)
                {
                    throw new InvalidDataException("corrupt gzip payload: " + e.Message, e);
                }
                if (n == 0) return total;
                if (n > maxOutputLength - total) throw new DecompressionLimitExceededException(maxOutputLength);
                output.Advance(n);
                total += n;
            }
        }
    }
}
