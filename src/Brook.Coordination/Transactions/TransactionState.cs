namespace Brook.Coordination.Transactions;

/// <summary>
/// Where a transactional id's current transaction stands. The numeric values are the int8 "transaction status" of the
/// __transaction_state value, so they must stay Kafka's.
/// </summary>
public enum TransactionState : sbyte
{
    /// <summary>Producer id and epoch assigned, no transaction begun (or the previous one finished with a fresh epoch).</summary>
    Empty = 0,

    /// <summary>Partitions have been added; the producer may be writing to them.</summary>
    Ongoing = 1,

    /// <summary>Commit decided and durable; COMMIT markers are being written.</summary>
    PrepareCommit = 2,

    /// <summary>Abort decided and durable; ABORT markers are being written.</summary>
    PrepareAbort = 3,

    /// <summary>Every partition holds the COMMIT marker.</summary>
    CompleteCommit = 4,

    /// <summary>Every partition holds the ABORT marker.</summary>
    CompleteAbort = 5,

    /// <summary>Being expired (its tombstone is being written); never stored as a value.</summary>
    Dead = 6,

    /// <summary>
    /// The epoch was bumped to fence a producer before aborting its transaction. Kafka holds this only in memory, as a
    /// pending state; it is listed here because ListTransactions filters and DescribeTransactions name it.
    /// </summary>
    PrepareEpochFence = 7,
}

/// <summary>The state names the admin APIs (DescribeTransactions, ListTransactions) use.</summary>
public static class TransactionStateNames
{
    /// <summary>Kafka's display name of a state (the enum member's name: "Empty", "Ongoing", "PrepareCommit", ...).</summary>
    public static string Name(this TransactionState state) => state switch
    {
        TransactionState.Empty => "Empty",
        TransactionState.Ongoing => "Ongoing",
        TransactionState.PrepareCommit => "PrepareCommit",
        TransactionState.PrepareAbort => "PrepareAbort",
        TransactionState.CompleteCommit => "CompleteCommit",
        TransactionState.CompleteAbort => "CompleteAbort",
        TransactionState.Dead => "Dead",
        TransactionState.PrepareEpochFence => "PrepareEpochFence",
        _ => state.ToString(),
    };

    /// <summary>Parses a state name as ListTransactions' state filter carries it; matching is exact, as in Kafka.</summary>
    public static bool TryParse(string name, out TransactionState state)
    {
        foreach (var candidate in Enum.GetValues<TransactionState>())
        {
            if (candidate.Name() == name)
            {
                state = candidate;
                return true;
            }
        }
        state = default;
        return false;
    }

    /// <summary>Whether a status byte read from the log names a state.</summary>
    public static bool IsDefined(sbyte status) => status is >= 0 and <= 7;
}
