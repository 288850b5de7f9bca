using System.Buffers.Binary;
using Brook.Protocol.Records;

namespace Brook.Storage;

/// <summary>
/// Leader epoch → first offset written in it (Kafka's leader-epoch-checkpoint). Answers OffsetForLeaderEpoch for
/// clients validating their position after a leader change (KIP-320) and for follower truncation (KIP-101/279).
/// Changes only on leader changes and truncation, so it is persisted whole each time it changes.
/// Guarded by its own lock: readers come from request threads, writers hold the log's append lock.
/// </summary>
internal sealed class LeaderEpochCache
{
    public const int UndefinedEpoch = -1;
    public const long UndefinedEpochOffset = -1;

    private readonly Lock _sync = new();
    private readonly List<(int Epoch, long StartOffset)> _entries = [];

    public (int Epoch, long StartOffset)? Latest
    {
        get
        {
            lock (_sync) return _entries.Count == 0 ? null : _entries[^1];
        }
    }

    public IReadOnlyList<(int Epoch, long StartOffset)> Entries
    {
        get
        {
            lock (_sync) return [.. _entries];
        }
    }

    /// <summary>
    /// Records that <paramref name="epoch"/> starts at <paramref name="startOffset"/>, if it is newer than the latest epoch.
    /// An older epoch that would start at or after it never got data and is dropped. Returns whether anything changed.
    /// </summary>
    public bool Assign(int epoch, long startOffset)
    {
        if (epoch < 0) return false;
        lock (_sync)
        {
            if (_entries.Count > 0 && epoch <= _entries[^1].Epoch) return false;
            _entries.RemoveAll(e => e.StartOffset >= startOffset);
            _entries.Add((epoch, startOffset));
            return true;
        }
    }

    /// <summary>Forgets epochs that start at or after <paramref name="endOffset"/> (the log was truncated there).</summary>
    public bool TruncateFromEnd(long endOffset)
    {
        lock (_sync) return _entries.RemoveAll(e => e.StartOffset >= endOffset) > 0;
    }

    /// <summary>
    /// The log start moved to <paramref name="startOffset"/>: epochs that began before it are forgotten except the one in
    /// force there, which now starts at <paramref name="startOffset"/>. Returns whether anything changed.
    /// </summary>
    public bool TruncateFromStart(long startOffset)
    {
        lock (_sync)
        {
            var inForce = _entries.FindLastIndex(e => e.StartOffset <= startOffset);
            if (inForce < 0 || (inForce == 0 && _entries[0].StartOffset == startOffset)) return false;
            var epoch = _entries[inForce].Epoch;
            _entries.RemoveRange(0, inForce + 1);
            _entries.Insert(0, (epoch, startOffset));
            return true;
        }
    }

    public void Clear()
    {
        lock (_sync) _entries.Clear();
    }

    /// <summary>
    /// OffsetForLeaderEpoch: the largest epoch &lt;= <paramref name="requestedEpoch"/> known here and the offset where the
    /// next epoch starts (the log end offset for the latest epoch). (-1, -1) when the requested epoch is newer than any
    /// known, or undefined.
    /// </summary>
    public (int Epoch, long EndOffset) EndOffsetFor(int requestedEpoch, long logEndOffset)
    {
        lock (_sync)
        {
            if (requestedEpoch == UndefinedEpoch || _entries.Count == 0) return (UndefinedEpoch, UndefinedEpochOffset);
            if (requestedEpoch == _entries[^1].Epoch) return (requestedEpoch, logEndOffset);
            var higher = _entries.FindIndex(e => e.Epoch > requestedEpoch);
            if (higher < 0) return (UndefinedEpoch, UndefinedEpochOffset);
            // Asked for an epoch older than all we know: everything before the first known epoch belongs to it.
            if (higher == 0) return (requestedEpoch, _entries[0].StartOffset);
            return (_entries[higher - 1].Epoch, _entries[higher].StartOffset);
        }
    }

    // File: count int32, then per entry epoch int32 and start offset int64, then CRC-32C of all before it; big-endian.
    public byte[] Serialize()
    {
        lock (_sync)
        {
            var bytes = new byte[4 + _entries.Count * 12 + 4];
            BinaryPrimitives.WriteInt32BigEndian(bytes, _entries.Count);
            for (var i = 0; i < _entries.Count; i++)
            {
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + i * 12), _entries[i].Epoch);
                BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(8 + i * 12), _entries[i].StartOffset);
            }
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(bytes.Length - 4), Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)));
            return bytes;
        }
    }

    public bool TryLoad(ReadOnlySpan<byte> bytes)
    {
        lock (_sync)
        {
            _entries.Clear();
            if (bytes.Length < 8 || BinaryPrimitives.ReadUInt32BigEndian(bytes[^4..]) != Crc32C.Compute(bytes[..^4])) return false;
            var count = BinaryPrimitives.ReadInt32BigEndian(bytes);
            if (count < 0 || bytes.Length != 4 + count * 12 + 4) return false;
            for (var i = 0; i < count; i++)
                _entries.Add((BinaryPrimitives.ReadInt32BigEndian(bytes[(4 + i * 12)..]), BinaryPrimitives.ReadInt64BigEndian(bytes[(8 + i * 12)..])));
            return true;
        }
    }
}
