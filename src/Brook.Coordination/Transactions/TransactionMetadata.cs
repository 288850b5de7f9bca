using Brook.Common;
using Brook.Coordination.Transactions.Records;

namespace Brook.Coordination.Transactions;

/// <summary>
/// The coordinator's in-memory view of one transactional id. Every persisted field changes only through
/// <see cref="Apply"/>, which live transitions call once their record is durable and replay calls while loading, so a
/// restarted coordinator rebuilds exactly what was acknowledged. Guarded by the coordinator's lock.
/// </summary>
internal sealed class TransactionMetadata(string transactionalId, int partition)
{
    public string TransactionalId { get; } = transactionalId;

    /// <summary>The __transaction_state partition holding this id.</summary>
    public int Partition { get; } = partition;

    public long ProducerId { get; set; } = -1;
    public long PreviousProducerId { get; set; } = -1;
    public long NextProducerId { get; set; } = -1;
    public short ProducerEpoch { get; set; } = -1;

    /// <summary>
    /// The epoch before the last KIP-360 bump, so that a producer retrying that InitProducerId (it never saw the answer)
    /// gets the current epoch back instead of being fenced. Memory only, as in Kafka: -1 after a load.
    /// </summary>
    public short LastProducerEpoch { get; set; } = -1;

    public int TimeoutMs { get; set; }
    public TransactionState State { get; set; } = TransactionState.Empty;
    public HashSet<TopicPartition> Partitions { get; } = [];
    public long StartTimestampMs { get; set; } = -1;
    public long LastUpdateTimestampMs { get; set; }
    public short ClientTransactionVersion { get; set; }

    /// <summary>
    /// The state a transition in flight (its record being appended) leads to; null when none is. While set, other
    /// requests get CONCURRENT_TRANSACTIONS, so transitions of one id never interleave.
    /// </summary>
    public TransactionState? PendingState { get; set; }

    /// <summary>
    /// An epoch-fencing abort bumped the epoch in memory but its record failed to append. The next fencing attempt then
    /// reuses that epoch instead of bumping again: it was never handed to a producer.
    /// </summary>
    public bool HasFailedEpochFence { get; set; }

    /// <summary>Kafka keeps the last epoch free for fencing, so a producer id is "used up" one epoch early.</summary>
    public static bool IsEpochExhausted(short epoch) => epoch >= short.MaxValue - 1;

    public bool EpochExhausted => IsEpochExhausted(ProducerEpoch);

    /// <summary>The record describing the current state, the starting point of every transition (via <c>with</c>).</summary>
    public TransactionLogValue Snapshot() =>
        new(ProducerId, ProducerEpoch, TimeoutMs, State, Partitions.ToList(), LastUpdateTimestampMs, StartTimestampMs)
        {
            PreviousProducerId = PreviousProducerId,
            NextProducerId = NextProducerId,
            ClientTransactionVersion = ClientTransactionVersion,
        };

    /// <summary>Takes over every persisted field of a durable record.</summary>
    public void Apply(TransactionLogValue value)
    {
        ProducerId = value.ProducerId;
        PreviousProducerId = value.PreviousProducerId;
        NextProducerId = value.NextProducerId;
        ProducerEpoch = value.ProducerEpoch;
        TimeoutMs = value.TransactionTimeoutMs;
        State = value.State;
        Partitions.Clear();
        Partitions.UnionWith(value.Partitions);
        StartTimestampMs = value.StartTimestampMs;
        LastUpdateTimestampMs = value.LastUpdateTimestampMs;
        ClientTransactionVersion = value.ClientTransactionVersion;
    }
}
