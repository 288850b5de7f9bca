using Brook.Common;

namespace Brook.Coordination.Transactions;

/// <summary>One topic of a described transaction and its partition ids (ascending).</summary>
public sealed record TransactionTopic(string Topic, IReadOnlyList<int> Partitions);

/// <summary>
/// One transactional id as DescribeTransactions shows it. <see cref="Error"/> is NOT_COORDINATOR,
/// COORDINATOR_LOAD_IN_PROGRESS or TRANSACTIONAL_ID_NOT_FOUND when there is nothing to show; the other fields are then
/// defaults. <see cref="State"/> is Kafka's state name ("Ongoing", "CompleteCommit", ...).
/// </summary>
public sealed record DescribedTransaction(
    ErrorCode Error,
    string TransactionalId,
    string State,
    int TransactionTimeoutMs,
    long TransactionStartTimeMs,
    long ProducerId,
    short ProducerEpoch,
    IReadOnlyList<TransactionTopic> Topics)
{
    public static DescribedTransaction Failed(string transactionalId, ErrorCode error) => new(error, transactionalId, "", 0, -1, -1, -1, []);
}
