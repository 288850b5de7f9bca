using System.Buffers;

namespace Brook.Client;

/// <summary>
/// One response as read off the wire (without its size prefix). Large frames live in a buffer rented from
/// <see cref="ArrayPool{T}.Shared"/>, so a stream of replica-fetch responses does not allocate a large-object-heap
/// array each (which cost a gen-2 collection every few seconds under load); small ones are plain arrays.
/// </summary>
internal readonly record struct ResponseFrame(byte[] Buffer, int Length, bool Pooled)
{
    /// <summary>Frames from this size up are rented: below it a gen-0 allocation is cheaper than the pool's bookkeeping.</summary>
    public const int PoolThreshold = 16 * 1024;

    public static readonly ResponseFrame Empty = new([], 0, false);

    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);

    public static ResponseFrame Allocate(int size) => size >= PoolThreshold
        ? new ResponseFrame(ArrayPool<byte>.Shared.Rent(size), size, true)
        : new ResponseFrame(GC.AllocateUninitializedArray<byte>(size), size, false);

    /// <summary>Hands a rented buffer back; nothing may read the frame, or a message decoded from it, afterwards.</summary>
    public void Release()
    {
        if (Pooled) ArrayPool<byte>.Shared.Return(Buffer);
    }
}
