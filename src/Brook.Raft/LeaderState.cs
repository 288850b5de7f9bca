using Brook.Raft.Messages;

namespace Brook.Raft;

/// <summary>
/// What a leader tracks for one epoch (KIP-595's LeaderState): each replica's acknowledged log end and fetch times,
/// which voters have not yet fetched (and so still get BeginQuorumEpoch), and the fetches it is holding (long poll).
/// </summary>
internal sealed class LeaderState
{
    public LeaderState(int localId, IReadOnlyList<int> voters, IReadOnlyCollection<int> grantingVoters, long epochStartOffset, long nowMs)
    {
        EpochStartOffset = epochStartOffset;
        BecameLeaderMs = nowMs;
        GrantingVoters = [.. grantingVoters];
        foreach (var v in voters)
        {
            if (v == localId) continue;
            // Fetch times start at the election so check-quorum gives every voter a full timeout to show up.
            Voters[v] = new ReplicaProgress(v) { LastFetchMs = nowMs };
        }
    }

    /// <summary>Offset of this epoch's LeaderChange record: the high watermark must pass it before it may advance (Raft's current-term rule).</summary>
    public long EpochStartOffset { get; }
    public long BecameLeaderMs { get; }
    public IReadOnlyList<int> GrantingVoters { get; }
    /// <summary>The other voters' progress.</summary>
    public Dictionary<int, ReplicaProgress> Voters { get; } = [];
    public Dictionary<int, ReplicaProgress> Observers { get; } = [];
    /// <summary>Fetches with nothing new to answer, held until the log or high watermark moves or their wait ends; one per replica.</summary>
    public Dictionary<int, ParkedFetch> Parked { get; } = [];

    public ReplicaProgress Replica(int id)
    {
        if (Voters.TryGetValue(id, out var voter)) return voter;
        if (!Observers.TryGetValue(id, out var observer)) Observers[id] = observer = new ReplicaProgress(id);
        return observer;
    }
}

/// <summary>One replica as its leader sees it.</summary>
internal sealed class ReplicaProgress(int id)
{
    public int Id { get; } = id;
    /// <summary>The last validated fetch offset (for a voter: flushed, so it counts toward the high watermark); -1 before any.</summary>
    public long EndOffset { get; set; } = -1;
    public long LastFetchMs { get; set; } = -1;
    public long LastCaughtUpMs { get; set; } = -1;
    /// <summary>The high watermark in the last response sent: a fetch is not held while the replica has an older one.</summary>
    public long LastSentHighWatermark { get; set; } = -1;
    /// <summary>Fetched in this epoch, so it knows the leader and needs no BeginQuorumEpoch while it keeps fetching.</summary>
    public bool HasFetchedThisEpoch { get; set; }
    public long BeginQuorumEpochSentMs { get; set; } = long.MinValue / 2;
}

/// <summary>A fetch the leader holds: answered when there is something new or at <see cref="DeadlineMs"/>.</summary>
internal sealed record ParkedFetch(int From, FetchRequest Request, long DeadlineMs);
