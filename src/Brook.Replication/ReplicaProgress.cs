namespace Brook.Replication;

/// <summary>
/// A follower's progress as its leader sees it: the log end offset its last fetch reported (it has everything below),
/// when it last fetched, and when it was last caught up with the leader's log end (Kafka's lastCaughtUpTimeMs, which
/// decides whether it stays in the ISR).
/// </summary>
internal sealed class ReplicaProgress
{
    public long LogEndOffset { get; set; }
    /// <summary>The log start offset its last fetch reported (-1 until it has): what DeleteRecords waits for.</summary>
    public long LogStartOffset { get; set; } = -1;
    public long LastFetchMs { get; set; } = -1;
    public long LastCaughtUpMs { get; set; } = -1;
    /// <summary>The leader's log end when this follower last fetched (Kafka's lastFetchLeaderLogEndOffset).</summary>
    public long LeaderEndAtLastFetch { get; set; }
}
