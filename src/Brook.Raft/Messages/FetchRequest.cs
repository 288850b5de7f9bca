namespace Brook.Raft.Messages;

/// <summary>
/// Fetch (API 1) for the metadata partition: the only replication message, sent by followers and observers to the
/// leader. A voter's <see cref="FetchOffset"/> is also its acknowledgement: it flushed everything below it (KIP-595).
/// </summary>
public sealed record FetchRequest : RaftRequest
{
    /// <summary>The fetching node (a voter or an observer).</summary>
    public required int ReplicaId { get; init; }
    /// <summary>The epoch the fetcher believes is current; checked as in KIP-320.</summary>
    public required int CurrentLeaderEpoch { get; init; }
    /// <summary>The fetcher's log end offset.</summary>
    public required long FetchOffset { get; init; }
    /// <summary>Epoch of the entry just before <see cref="FetchOffset"/> (of the snapshot when the log is empty); validated against the leader's epoch history.</summary>
    public required int LastFetchedEpoch { get; init; }
    /// <summary>How long the leader may hold the fetch when it has nothing new (long poll).</summary>
    public required int MaxWaitMs { get; init; }
    public required int MaxBytes { get; init; }
}
