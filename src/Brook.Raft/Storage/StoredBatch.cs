namespace Brook.Raft.Storage;

/// <summary>One batch of a <see cref="MemoryRaftLog"/>.</summary>
public sealed record StoredBatch(long BaseOffset, long LastOffset, int Epoch, byte[] Bytes);
