namespace Brook.Coordination.Transactions;

/// <summary>An EndTxn request: commit (true) or abort (false) the producer's ongoing transaction.</summary>
public sealed record EndTxnArgs(string TransactionalId, long ProducerId, short ProducerEpoch, bool Commit)
{
    /// <summary>Requests before v2 predate PRODUCER_FENCED (KIP-588) and get INVALID_PRODUCER_EPOCH instead.</summary>
    public bool FencedAsInvalidProducerEpoch { get; init; }
}
