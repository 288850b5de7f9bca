using System.Text.RegularExpressions;
using Brook.Common;

namespace Brook.Coordination.Transactions;

/// <summary>DescribeTransactions and ListTransactions (KIP-664).</summary>
public sealed partial class TransactionCoordinator
{
    /// <summary>One entry per requested id, in request order.</summary>
    public IReadOnlyList<DescribedTransaction> DescribeTransactions(IReadOnlyList<string> transactionalIds)
    {
        var results = new DescribedTransaction[transactionalIds.Count];
        lock (_lock)
        {
            for (var i = 0; i < transactionalIds.Count; i++)
            {
                var id = transactionalIds[i];
                var error = CoordinatorError(id, out _);
                if (error != ErrorCode.None)
                {
                    results[i] = DescribedTransaction.Failed(id, error);
                    continue;
                }
                if (!_transactions.TryGetValue(id, out var meta) || meta.State == TransactionState.Dead)
                {
                    results[i] = DescribedTransaction.Failed(id, ErrorCode.TransactionalIdNotFound);
                    continue;
                }
                var topics = meta.Partitions
                    .GroupBy(p => p.Topic)
                    .OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => new TransactionTopic(g.Key, g.Select(p => p.Partition).Order().ToList()))
                    .ToList();
                results[i] = new DescribedTransaction(ErrorCode.None, id, meta.State.Name(), meta.TimeoutMs, meta.StartTimestampMs,
                    meta.ProducerId, meta.ProducerEpoch, topics);
            }
        }
        return results;
    }

    /// <summary>
    /// The transactional ids of every loaded partition that pass all given filters, sorted by id. Ids being expired
    /// (Dead) are never listed. The duration filter compares against the transaction's start timestamp whatever the
    /// state, as Kafka does.
    /// </summary>
    public ListTransactionsResult ListTransactions(ListTransactionsArgs args)
    {
        var unknownStates = new List<string>();
        HashSet<TransactionState>? states = null;
        if (args.StateFilters is { Count: > 0 })
        {
            // A filter naming only unknown states matches nothing: the set is non-null and empty.
            states = [];
            foreach (var name in args.StateFilters)
            {
                if (TransactionStateNames.TryParse(name, out var state)) states.Add(state);
                else unknownStates.Add(name);
            }
        }
        HashSet<long>? producerIds = args.ProducerIdFilters is { Count: > 0 } ids ? [.. ids] : null;
        Regex? pattern = null;
        if (!string.IsNullOrEmpty(args.TransactionalIdPattern))
        {
            try
            {
                pattern = new Regex($"^(?:{args.TransactionalIdPattern})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException)
            {
                return new ListTransactionsResult(ErrorCode.InvalidRegularExpression, [], []);
            }
        }

        var listed = new List<ListedTransaction>();
        lock (_lock)
        {
            if (_partitions.Values.Any(p => !p.Loaded)) return new ListTransactionsResult(ErrorCode.CoordinatorLoadInProgress, [], []);
            var now = NowMs;
            foreach (var meta in _transactions.Values)
            {
                if (meta.State == TransactionState.Dead) continue;
                if (producerIds is not null && !producerIds.Contains(meta.ProducerId)) continue;
                if (states is not null && !states.Contains(meta.State)) continue;
                if (args.DurationFilterMs >= 0 && now - meta.StartTimestampMs <= args.DurationFilterMs) continue;
                if (pattern is not null && !Matches(pattern, meta.TransactionalId)) continue;
                listed.Add(new ListedTransaction(meta.TransactionalId, meta.ProducerId, meta.State.Name()));
            }
        }
        listed.Sort(static (a, b) => string.CompareOrdinal(a.TransactionalId, b.TransactionalId));
        return new ListTransactionsResult(ErrorCode.None, unknownStates, listed);
    }

    /// <summary>A pattern that backtracks past its time limit matches nothing rather than failing the whole listing.</summary>
    private static bool Matches(Regex pattern, string transactionalId)
    {
        try
        {
            return pattern.IsMatch(transactionalId);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
