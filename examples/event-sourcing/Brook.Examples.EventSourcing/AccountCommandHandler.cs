using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Brook.Examples.EventSourcing;

/// <summary>
/// The command side: decides each command against the account's current state and, if accepted, appends its event.
/// Commands for one account run one at a time (a lock per account), so two withdrawals cannot both spend the same
/// money. The current state is the write model: the states this instance's own appends produced, and for accounts
/// it has not written since start-up the read model, which at readiness holds every earlier event.
/// </summary>
/// <remarks>
/// This holds while the instance is the only writer of the event log. Kafka has no "append if the log is still at
/// offset N", so several writers must split the accounts between them (route commands by key to the instance owning
/// the partition) and fence stale owners, e.g. with a transactional producer per partition.
/// </remarks>
public sealed class AccountCommandHandler(AccountEventLog log, AccountReadModel readModel, AccountProjector projector, ProjectionStatus status)
{
    private static readonly CommandResult NotPositive = new(CommandOutcome.Invalid, Reason: "the amount must be positive");

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AccountState> _written = new(StringComparer.Ordinal);
    // Accounts whose last append failed without an answer: it may be in the log, or not.
    private readonly ConcurrentDictionary<string, bool> _uncertain = new(StringComparer.Ordinal);

    /// <summary>Opens <paramref name="accountId"/> with a zero balance; a conflict if it is open already.</summary>
    public Task<CommandResult> OpenAsync(string accountId, CancellationToken cancellationToken) =>
        HandleAsync(accountId, 0m, cancellationToken, state => state is null
            ? Decision.Append(AccountEventType.Opened)
            : Decision.Reject(CommandOutcome.Conflict, $"account {accountId} is already open"));

    /// <summary>Adds <paramref name="amount"/> to an open account.</summary>
    public Task<CommandResult> DepositAsync(string accountId, decimal amount, CancellationToken cancellationToken) =>
        amount <= 0 ? Task.FromResult(NotPositive) : HandleAsync(accountId, amount, cancellationToken, state => state is null
            ? Decision.Reject(CommandOutcome.NotFound, $"no account {accountId}")
            : Decision.Append(AccountEventType.Deposited));

    /// <summary>Takes <paramref name="amount"/> from an open account; a conflict (nothing appended) when the balance does not cover it.</summary>
    public Task<CommandResult> WithdrawAsync(string accountId, decimal amount, CancellationToken cancellationToken) =>
        amount <= 0 ? Task.FromResult(NotPositive) : HandleAsync(accountId, amount, cancellationToken, state => state switch
        {
            null => Decision.Reject(CommandOutcome.NotFound, $"no account {accountId}"),
            _ when state.Balance < amount => Decision.Reject(CommandOutcome.Conflict,
                $"insufficient funds: balance {state.Balance}, withdrawal {amount}"),
            _ => Decision.Append(AccountEventType.Withdrawn),
        });

    private async Task<CommandResult> HandleAsync(string accountId, decimal amount, CancellationToken cancellationToken,
        Func<AccountState?, Decision> decide)
    {
        if (!status.IsReady) return new(CommandOutcome.Unavailable, Reason: $"not ready: {status.Phase}");

        var gate = _locks.GetOrAdd(accountId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var (loaded, state) = await TryLoadAsync(accountId, cancellationToken);
            if (!loaded) return new(CommandOutcome.Unavailable, Reason: "the account's last append is not resolved yet");
            var decision = decide(state);
            if (decision.Type is not { } type) return new(decision.Outcome, Reason: decision.Reason);

            var e = new AccountEvent(Guid.NewGuid(), type, accountId, amount, DateTimeOffset.UtcNow);
            TopicPartitionOffset appended;
            try
            {
                // Not cancelled with the request: once sent, the event may be appended whether or not anyone waits.
                appended = await log.AppendAsync(e);
            }
            catch (KafkaException failure)
            {
                _written.TryRemove(accountId, out _);
                _uncertain[accountId] = true;
                return new(CommandOutcome.Unavailable, Reason: $"the append was not acknowledged: {failure.Error.Reason}");
            }
            var next = AccountState.Apply(state, e, appended.Offset.Value);
            _written[accountId] = next;
            return new(CommandOutcome.Accepted, new CommandReceipt(e.EventId, accountId, type, appended.Partition.Value, appended.Offset.Value,
                next.Version, next.Balance));
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<(bool Loaded, AccountState? State)> TryLoadAsync(string accountId, CancellationToken cancellationToken)
    {
        if (_written.TryGetValue(accountId, out var written)) return (true, written);
        if (_uncertain.ContainsKey(accountId))
        {
            // Whatever became of the failed append, it is in the read model once the projector reaches the log's end.
            if (!await projector.WaitUntilCaughtUpAsync(TimeSpan.FromSeconds(10), cancellationToken)) return (false, null);
            _uncertain.TryRemove(accountId, out _);
        }
        return (true, readModel.Find(accountId));
    }

    /// <summary>A command's verdict: the event type to append, or the outcome and reason of a refusal.</summary>
    private readonly record struct Decision(AccountEventType? Type, CommandOutcome Outcome, string? Reason)
    {
        public static Decision Append(AccountEventType type) => new(type, CommandOutcome.Accepted, null);

        public static Decision Reject(CommandOutcome outcome, string reason) => new(null, outcome, reason);
    }
}
