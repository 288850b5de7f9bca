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

    /// <summary>
    /// The voter set changed (KIP-853): replicas that left it keep their progress as observers, new voters bring their
    /// observer progress along (or start with a fresh fetch time, so check-quorum gives them a full timeout).
    /// </summary>
    public void SetVoters(VoterSet voters, int localId, long nowMs)
    {
        foreach (var id in Voters.Keys.Where(id => !voters.Contains(id)).ToList())
        {
            Observers[id] = Voters[id];
            Voters.Remove(id);
        }
        foreach (var id in voters.Ids)
        {
            if (id == localId || Voters.ContainsKey(id)) continue;
            if (!Observers.Remove(id, out var progress)) progress = new ReplicaProgress(id);
            progress.LastFetchMs = Math.Max(progress.LastFetchMs, nowMs);
            Voters[id] = progress;
        }
    }

    public ReplicaProgress Replica(int id)
    {
        if (Voters.TryGetValue(id, out var voter)) return voter;
        if (!Observers.TryGetValue(id, out var observer)) Observers[id] = observer = new ReplicaProgress(id);
        return observer;
    }
}
