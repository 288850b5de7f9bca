namespace Brook.Coordination;

/// <summary>
/// A TxnOffsetCommit request (KIP-98): offsets committed inside the producer's transaction, visible to OffsetFetch only
/// once that transaction commits. Versions 0-2 carry no group metadata, so <see cref="GenerationId"/> -1, an empty
/// <see cref="MemberId"/> and a null <see cref="GroupInstanceId"/> (the request's defaults) skip the member checks;
/// v3+ (KIP-447) send the consumer's group metadata and are fenced like an OffsetCommit.
/// </summary>
public sealed record TxnOffsetCommitArgs
{
    /// <summary>Only for logging: the transaction coordinator, not this one, checks the id against the producer.</summary>
    public required string TransactionalId { get; init; }
    public required string GroupId { get; init; }
    public required long ProducerId { get; init; }
    public required short ProducerEpoch { get; init; }

    /// <summary>The consumer's generation (classic group) or member epoch (consumer group); -1 when unknown.</summary>
    public int GenerationId { get; init; } = -1;
    public string MemberId { get; init; } = "";
    public string? GroupInstanceId { get; init; }
    public required IReadOnlyList<OffsetCommitEntry> Offsets { get; init; }
}
