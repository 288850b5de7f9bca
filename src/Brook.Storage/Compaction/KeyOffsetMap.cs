using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Brook.Storage.Compaction;

/// <summary>
/// Compaction's "offset map": for each key of the dirty range, the offset of its latest record. Like Kafka's, it stores
/// a digest of the key instead of the key (fixed 16 bytes per entry, no per-key allocation); the digest is SHA-256
/// truncated to 128 bits, so two keys that clients could make collide (and so lose a record) do not exist in practice.
/// </summary>
internal sealed class KeyOffsetMap(int capacity)
{
    private readonly Dictionary<KeyDigest, long> _offsets = [];

    /// <summary>Most keys a pass may map (the dedupe buffer); a pass that reaches it cleans only the range mapped so far.</summary>
    public int Capacity { get; } = capacity;

    public int Count => _offsets.Count;

    /// <summary>Records that <paramref name="key"/>'s latest record so far is at <paramref name="offset"/> (offsets arrive in increasing order).</summary>
    public void Put(ReadOnlySpan<byte> key, long offset) =>
        CollectionsMarshal.GetValueRefOrAddDefault(_offsets, Digest(key), out _) = offset;

    public bool TryGetLatest(ReadOnlySpan<byte> key, out long offset) => _offsets.TryGetValue(Digest(key), out offset);

    private static KeyDigest Digest(ReadOnlySpan<byte> key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(key, hash);
        return new KeyDigest(BinaryPrimitives.ReadUInt64LittleEndian(hash), BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]));
    }

    private readonly record struct KeyDigest(ulong First, ulong Second);
}
