namespace Brook.Raft;

/// <summary>One replica as its leader sees it.</summary>
internal sealed class ReplicaProgress(int id)
{
    public int Id { get; } = id;
    /// <summary>The last validated fetch offset (for a voter: flushed, so it counts toward the high watermark); -1 before any.</summary>
    public long EndOffset { get; set; } = -1;
    public long LastFetchMs { get; set; } = -1;
    public long LastCaughtUpMs { get; set; } = -1;
    /// <summary>The leader's log end when this replica's last valid fetch arrived, and when that was.</summary>
    public long LeaderEndAtLastFetch { get; set; } = long.MaxValue;
    public long PreviousFetchMs { get; set; } = -1;
    /// <summary>The high watermark in the last response sent: a fetch is not held while the replica has an older one.</summary>
    public long LastSentHighWatermark { get; set; } = -1;
    /// <summary>Fetched in this epoch, so it knows the leader and needs no BeginQuorumEpoch while it keeps fetching.</summary>
    public bool HasFetchedThisEpoch { get; set; }
    public long BeginQuorumEpochSentMs { get; set; } = long.MinValue / 2;
}
