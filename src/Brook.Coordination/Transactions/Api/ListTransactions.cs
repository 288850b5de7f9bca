using Brook.Common;

namespace Brook.Coordination.Transactions;

/// <summary>
/// ListTransactions' filters (KIP-664, KIP-994, KIP-1152). Empty or null lists do not filter. <see cref="DurationFilterMs"/>
/// (v1+) keeps transactions whose start lies more than that many ms in the past; negative disables it.
/// <see cref="TransactionalIdPattern"/> (v2+) is a regular expression the whole transactional id must match.
/// </summary>
public sealed record ListTransactionsArgs
{
    public IReadOnlyList<string>? StateFilters { get; init; }
    public IReadOnlyList<long>? ProducerIdFilters { get; init; }
    public long DurationFilterMs { get; init; } = -1;
    public string? TransactionalIdPattern { get; init; }
}

/// <summary>One transactional id as ListTransactions shows it.</summary>
public sealed record ListedTransaction(string TransactionalId, long ProducerId, string State);

/// <summary>
/// The transactional ids of every loaded partition that pass the filters, sorted by id. <see cref="Error"/> is
/// COORDINATOR_LOAD_IN_PROGRESS (and the lists empty) while any partition is loading, INVALID_REGULAR_EXPRESSION for a bad
/// pattern. <see cref="UnknownStateFilters"/> echoes state filters that name no state.
/// </summary>
public sealed record ListTransactionsResult(ErrorCode Error, IReadOnlyList<string> UnknownStateFilters, IReadOnlyList<ListedTransaction> Transactions);
