namespace Brook.Raft;

/// <summary>
/// What quorum-state persists (KIP-595): the epoch, the leader known in it, and the vote cast in it. Written before
/// the node acts on a change, so a restarted node never goes back in epoch nor votes twice in one epoch.
/// </summary>
public sealed record ElectionState(int Epoch, int LeaderId, int VotedId)
{
    public const int None = -1;

    /// <summary>The state of a node that never took part: epoch 0, no leader, no vote.</summary>
    public static ElectionState Initial { get; } = new(0, None, None);
}
