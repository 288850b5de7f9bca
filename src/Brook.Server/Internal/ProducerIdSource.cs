using Brook.Coordination.Transactions;
using Brook.Replication;

namespace Brook.Server.Internal;

/// <summary>Gives the transaction coordinator producer ids from the same persisted blocks as idempotent producers.</summary>
public sealed class ProducerIdSource(ProducerIdManager producerIds) : IProducerIdSource
{
    public ValueTask<long> NextProducerIdAsync(CancellationToken ct) => producerIds.NextAsync(ct);
}
