using Brook.Raft.Messages;

namespace Brook.Raft;

/// <summary>
/// The node does not lead (any more): the append was refused, or leadership was lost before the batch committed. In
/// the second case the batch may still commit under the next leader; the caller learns it from the committed log.
/// </summary>
public sealed class NotLeaderException(LeaderAndEpoch currentLeader, string message) : Exception(message)
{
    /// <summary>The leader this node knew when it gave up (LeaderId -1: none known).</summary>
    public LeaderAndEpoch CurrentLeader { get; } = currentLeader;
}
