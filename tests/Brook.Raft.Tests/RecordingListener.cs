using Brook.Raft.Messages;

namespace Brook.Raft.Tests;

/// <summary>A listener that records what it is told.</summary>
public sealed class RecordingListener : IRaftListener
{
    public List<CommittedBatch> Commits { get; } = [];
    public List<RaftSnapshot> Snapshots { get; } = [];
    public List<LeaderAndEpoch> Leaders { get; } = [];

    public IEnumerable<CommittedBatch> DataCommits => Commits.Where(c => !c.IsControl);

    public void OnCommit(CommittedBatch batch) => Commits.Add(batch);
    public void OnSnapshotLoad(RaftSnapshot snapshot) => Snapshots.Add(snapshot);
    public void OnLeaderChange(LeaderAndEpoch leader) => Leaders.Add(leader);
}
