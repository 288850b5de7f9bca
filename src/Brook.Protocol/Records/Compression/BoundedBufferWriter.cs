using System.Buffers;

namespace Brook.Protocol.Records.Compression;

/// <summary>
/// Passes writes through to another buffer writer while counting them, and throws once more than the limit has been
/// committed. Lets a decoder that writes on its own (LZ4 frames) be stopped at the limit instead of after the damage.
/// </summary>
internal sealed class BoundedBufferWriter(IBufferWriter<byte> inner, int limit) : IBufferWriter<byte>
{
    public int Written { get; private set; }

    public void Advance(int count)
    {
        if (count > limit - Written) throw new DecompressionLimitExceededException(limit);
        inner.Advance(count);
        Written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);
    public Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
}
