namespace Brook.Raft.Messages;

/// <summary>
/// EndQuorumEpoch (API 54): a leader resigning gracefully tells the voters to elect a successor now rather than after
/// their fetch timeout. <see cref="PreferredSuccessors"/> lists the other voters, most caught-up first; a voter's
/// position in it sets how long it waits before standing (KIP-595), so the best one usually wins at once.
/// </summary>
public sealed record EndQuorumEpochRequest : RaftRequest
{
    public required int LeaderEpoch { get; init; }
    public required int LeaderId { get; init; }
    public required IReadOnlyList<int> PreferredSuccessors { get; init; }
}
