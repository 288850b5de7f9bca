using Brook.Raft.Messages;

namespace Brook.Raft;

/// <summary>A listener that ignores everything.</summary>
public sealed class NullRaftListener : IRaftListener
{
    public static NullRaftListener Instance { get; } = new();

    public void OnCommit(CommittedBatch batch) { }
    public void OnSnapshotLoad(RaftSnapshot snapshot) { }
    public void OnLeaderChange(LeaderAndEpoch leader) { }
}
