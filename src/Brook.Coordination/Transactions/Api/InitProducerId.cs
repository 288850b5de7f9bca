using Brook.Common;

namespace Brook.Coordination.Transactions;

/// <summary>
/// An InitProducerId request. A null <see cref="TransactionalId"/> is an idempotent (non-transactional) producer: it
/// gets a fresh producer id with epoch 0 from any broker. <see cref="ExpectedProducerId"/>/<see cref="ExpectedProducerEpoch"/>
/// are v3+'s ProducerId/ProducerEpoch (KIP-360): a producer recovering from an error names the id and epoch it had so
/// that the coordinator bumps that epoch instead of fencing it; -1/-1 means "none".
/// </summary>
public sealed record InitProducerIdArgs(string? TransactionalId, int TransactionTimeoutMs, long ExpectedProducerId = -1, short ExpectedProducerEpoch = -1)
{
    /// <summary>Requests before v4 predate PRODUCER_FENCED (KIP-588) and get INVALID_PRODUCER_EPOCH instead.</summary>
    public bool FencedAsInvalidProducerEpoch { get; init; }
}

/// <summary>The answer to InitProducerId; producer id and epoch are -1 unless <see cref="Error"/> is NONE.</summary>
public sealed record InitProducerIdResult(ErrorCode Error, long ProducerId, short ProducerEpoch)
{
    public static InitProducerIdResult Failed(ErrorCode error) => new(error, -1, -1);
}
