namespace Brook.Coordination;

/// <summary>
/// The group coordinator's event counts behind Kafka's group-coordinator-metrics meters (rebalances, offset
/// commits, expirations, deletions): plain counters the coordinator bumps under its lock and a scrape reads.
/// </summary>
public sealed class GroupCoordinatorCounters
{
    private long _classicRebalances;
    private long _consumerRebalances;
    private long _offsetCommits;
    private long _offsetExpirations;
    private long _offsetDeletions;

    /// <summary>Classic groups that completed a join phase with members (Kafka's group-completed-rebalance-count).</summary>
    public long CompletedClassicRebalances => Interlocked.Read(ref _classicRebalances);

    /// <summary>KIP-848 group epoch bumps, each one a new target assignment (consumer-group-rebalance-count).</summary>
    public long ConsumerGroupRebalances => Interlocked.Read(ref _consumerRebalances);

    /// <summary>Partition offsets committed, plain or transactional once their transaction commits (offset-commit-count).</summary>
    public long OffsetCommits => Interlocked.Read(ref _offsetCommits);

    /// <summary>Offsets removed by offsets.retention.minutes (offset-expiration-count).</summary>
    public long OffsetExpirations => Interlocked.Read(ref _offsetExpirations);

    /// <summary>Offsets removed by OffsetDelete (offset-deletion-count).</summary>
    public long OffsetDeletions => Interlocked.Read(ref _offsetDeletions);

    internal void ClassicRebalanceCompleted() => Interlocked.Increment(ref _classicRebalances);
    internal void ConsumerGroupRebalanced() => Interlocked.Increment(ref _consumerRebalances);
    internal void Committed(int offsets) => Interlocked.Add(ref _offsetCommits, offsets);
    internal void Expired(int offsets) => Interlocked.Add(ref _offsetExpirations, offsets);
    internal void Deleted(int offsets) => Interlocked.Add(ref _offsetDeletions, offsets);
}
