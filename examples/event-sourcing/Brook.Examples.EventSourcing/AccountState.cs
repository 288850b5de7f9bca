namespace Brook.Examples.EventSourcing;

/// <summary>
/// An account as its events left it: the value of the compacted state topic and of the read model. It is a pure fold
/// of the event log, so the command side (deciding) and the projector (publishing) compute the same state.
/// </summary>
/// <param name="AccountId">The account (and the state record's key).</param>
/// <param name="Balance">The sum of deposits minus withdrawals.</param>
/// <param name="Version">How many of the account's events are applied: the token for read-your-writes queries.</param>
/// <param name="LastEventOffset">Offset in the event log of the last applied event; a replayed event at or below it is ignored.</param>
/// <param name="UpdatedAt">When the last applied event occurred.</param>
public sealed record AccountState(string AccountId, decimal Balance, long Version, long LastEventOffset, DateTimeOffset UpdatedAt)
{
    /// <summary>The state after <paramref name="e"/>, appended at <paramref name="offset"/>, is applied to <paramref name="current"/> (null: no account yet).</summary>
    /// <exception cref="InvalidOperationException">The event cannot follow the state (an unopened account, a second Opened).</exception>
    public static AccountState Apply(AccountState? current, AccountEvent e, long offset) => (current, e.Type) switch
    {
        (null, AccountEventType.Opened) => new AccountState(e.AccountId, 0m, 1, offset, e.OccurredAt),
        (not null, AccountEventType.Deposited) => current.Next(current.Balance + e.Amount, offset, e.OccurredAt),
        (not null, AccountEventType.Withdrawn) => current.Next(current.Balance - e.Amount, offset, e.OccurredAt),
        _ => throw new InvalidOperationException($"{e.Type} cannot apply to {(current is null ? "an unopened" : "an open")} account {e.AccountId}"),
    };

    private AccountState Next(decimal balance, long offset, DateTimeOffset at) =>
        this with { Balance = balance, Version = Version + 1, LastEventOffset = offset, UpdatedAt = at };
}
