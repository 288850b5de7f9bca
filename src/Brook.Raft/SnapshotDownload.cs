using Brook.Raft.Messages;

namespace Brook.Raft;

/// <summary>A snapshot being fetched chunk by chunk from the leader (KIP-630) before it replaces the local log.</summary>
internal sealed class SnapshotDownload(OffsetAndEpoch id)
{
    public OffsetAndEpoch Id { get; } = id;
    public MemoryStream Bytes { get; } = new();
    public long Position => Bytes.Length;
}
