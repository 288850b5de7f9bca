namespace Brook.Raft;

/// <summary>
/// Outcome of <see cref="RaftNode.Append"/>: the batch's offsets and epoch, or NotLeader. Appended is not committed:
/// that is learned when the batch comes back through <see cref="IRaftListener.OnCommit"/>.
/// </summary>
public readonly record struct RaftAppendResult(bool IsAppended, long BaseOffset, long LastOffset, int Epoch)
{
    public static RaftAppendResult NotLeader(int epoch) => new(false, -1, -1, epoch);
}
