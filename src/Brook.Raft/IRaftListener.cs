using Brook.Raft.Messages;

namespace Brook.Raft;

/// <summary>
/// The state machine fed by the node. Every callback runs on the node's thread (inside <see cref="RaftNode.Poll"/>),
/// so it must be quick; it may call the node back (append, create a snapshot).
/// </summary>
public interface IRaftListener
{
    /// <summary>The next committed batch, exactly once per node lifetime, in offset order, on every node.</summary>
    void OnCommit(CommittedBatch batch);

    /// <summary>
    /// The state is replaced by a snapshot: at start-up from the local one, or when this node had to download the
    /// leader's because its log was too far behind. Commits continue at the snapshot's end offset.
    /// </summary>
    void OnSnapshotLoad(RaftSnapshot snapshot);

    /// <summary>The known leader or epoch changed (LeaderId -1: none known).</summary>
    void OnLeaderChange(LeaderAndEpoch leader);
}
