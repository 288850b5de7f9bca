using Brook.Raft.Messages;

namespace Brook.Raft;

/// <summary>
/// Durable snapshots of the replicated state (KIP-630), identified by end offset (everything below it is in the
/// snapshot) and the epoch of the last entry it covers. Snapshots are small (metadata), so they are handled whole.
/// </summary>
public interface ISnapshotStore
{
    /// <summary>The newest snapshot, or null.</summary>
    OffsetAndEpoch? Latest { get; }

    /// <summary>The bytes (record batches) of snapshot <paramref name="id"/>, or null when it is not stored.</summary>
    byte[]? Read(OffsetAndEpoch id);

    /// <summary>Stores a snapshot atomically and durably; it becomes <see cref="Latest"/> if newer, and older ones are deleted.</summary>
    void Write(OffsetAndEpoch id, ReadOnlySpan<byte> content);
}
