using Brook.Raft.Messages;

namespace Brook.Raft.Storage;

/// <summary>An <see cref="ISnapshotStore"/> in memory keeping the latest snapshot; durable across simulated crashes.</summary>
public sealed class MemorySnapshotStore : ISnapshotStore
{
    private byte[]? _bytes;

    public OffsetAndEpoch? Latest { get; private set; }

    public byte[]? Read(OffsetAndEpoch id) => Latest == id ? _bytes : null;

    public void Write(OffsetAndEpoch id, ReadOnlySpan<byte> content)
    {
        if (Latest is { } latest && latest.Offset >= id.Offset) return;
        Latest = id;
        _bytes = content.ToArray();
    }
}
