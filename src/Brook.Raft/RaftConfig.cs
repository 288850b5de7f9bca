namespace Brook.Raft;

/// <summary>
/// Settings of one quorum member: who it is, who votes, and the protocol's timeouts (Kafka's controller.quorum.*
/// settings; the defaults are Kafka's).
/// </summary>
public sealed record RaftConfig
{
    /// <summary>This node's id (node.id). A node whose id is not in <see cref="Voters"/> is an observer.</summary>
    public required int NodeId { get; init; }

    /// <summary>Every request carries it; a member of another cluster is refused with INCONSISTENT_CLUSTER_ID.</summary>
    public required string ClusterId { get; init; }

    /// <summary>
    /// The bootstrap voter set (controller.quorum.voters ids): the voters until the log holds a voters record
    /// (KIP-853), after which the latest such record rules.
    /// </summary>
    public required IReadOnlyList<int> Voters { get; init; }

    /// <summary>Where the bootstrap voters listen, when known: written into the first voters record a change makes.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<RaftEndpoint>>? VoterEndpoints { get; init; }

    /// <summary>controller.quorum.election.timeout.ms: base of the randomized wait before standing for election.</summary>
    public int ElectionTimeoutMs { get; init; } = 1000;

    /// <summary>controller.quorum.fetch.timeout.ms: a follower without a successful fetch for this long starts a pre-vote.</summary>
    public int FetchTimeoutMs { get; init; } = 2000;

    /// <summary>controller.quorum.election.backoff.max.ms: cap of the exponential backoff after a lost election.</summary>
    public int ElectionBackoffMaxMs { get; init; } = 1000;

    /// <summary>controller.quorum.retry.backoff.ms: pause before retrying a failed request; base of the election backoff.</summary>
    public int RetryBackoffMs { get; init; } = 20;

    /// <summary>controller.quorum.request.timeout.ms: a request unanswered for this long (beyond a fetch's wait) is given up.</summary>
    public int RequestTimeoutMs { get; init; } = 2000;

    /// <summary>How long the leader may hold a fetch that has nothing new (Kafka's raft client uses 500 ms).</summary>
    public int FetchMaxWaitMs { get; init; } = 500;

    /// <summary>Upper bound of the records in one fetch response.</summary>
    public int FetchMaxBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Upper bound of one FetchSnapshot chunk.</summary>
    public int SnapshotChunkBytes { get; init; } = 1024 * 1024;

    /// <summary>Largest number of records the leader accepts in one append (one batch).</summary>
    public int MaxRecordsPerBatch { get; init; } = 10_000;

    /// <summary>True when <see cref="NodeId"/> is one of the bootstrap <see cref="Voters"/>.</summary>
    public bool IsVoter => Voters.Contains(NodeId);

    /// <summary>Check-quorum (KIP-595): a leader without fetches from a majority for this long resigns.</summary>
    public int CheckQuorumTimeoutMs => FetchTimeoutMs * 3 / 2;

    /// <summary>How often a new leader repeats BeginQuorumEpoch to voters that have not fetched from it yet.</summary>
    public int BeginQuorumEpochResendMs => Math.Max(RetryBackoffMs, ElectionTimeoutMs / 2);

    /// <summary>Throws when the settings cannot work.</summary>
    public void Validate()
    {
        if (Voters.Count == 0) throw new ArgumentException("the quorum needs at least one voter", nameof(Voters));
        if (Voters.Distinct().Count() != Voters.Count) throw new ArgumentException("voter ids must be distinct", nameof(Voters));
        if (NodeId < 0) throw new ArgumentException("node id must be non-negative", nameof(NodeId));
        if (ElectionTimeoutMs <= 0 || FetchTimeoutMs <= 0 || RequestTimeoutMs <= 0 || FetchMaxWaitMs < 0 || RetryBackoffMs <= 0)
            throw new ArgumentException("timeouts must be positive");
        if (FetchMaxWaitMs >= FetchTimeoutMs)
            throw new ArgumentException("fetch max wait must be below the fetch timeout, or a held fetch looks like a dead leader");
    }
}
