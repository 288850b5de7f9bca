using System.Collections.Concurrent;

namespace Brook.Examples.EventSourcing;

/// <summary>
/// The query side: each account's latest state in memory. Nothing here is durable — it is rebuilt from the compacted
/// state topic at start-up and then kept current by the projector, which puts a state only after the state topic
/// acknowledged it (a query never shows what a rebuild could not find again).
/// </summary>
public sealed class AccountReadModel
{
    private readonly ConcurrentDictionary<string, AccountState> _accounts = new(StringComparer.Ordinal);
    private readonly AsyncSignal _changed = new();

    /// <summary>Number of accounts.</summary>
    public int Count => _accounts.Count;

    /// <summary>The account's state, or null when there is no such account (yet).</summary>
    public AccountState? Find(string accountId) => _accounts.GetValueOrDefault(accountId);

    /// <summary>Every account, by id.</summary>
    public IReadOnlyList<AccountState> All() => [.. _accounts.Values.OrderBy(a => a.AccountId, StringComparer.Ordinal)];

    /// <summary>
    /// The account once the read model has applied at least <paramref name="minVersion"/> of its events, waiting up to
    /// <paramref name="timeout"/>; the state as it is (possibly older, or null) when that does not happen in time.
    /// </summary>
    public async Task<AccountState?> WaitForVersionAsync(string accountId, long minVersion, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _changed.WaitUntilAsync(() => Find(accountId)?.Version >= minVersion, timeout, cancellationToken).ConfigureAwait(false);
        return Find(accountId);
    }

    /// <summary>Sets an account's state (the projector and the rebuild only).</summary>
    internal void Put(AccountState state)
    {
        _accounts[state.AccountId] = state;
        _changed.Pulse();
    }

    /// <summary>Forgets an account: a tombstone (null value) on the state topic.</summary>
    internal void Remove(string accountId)
    {
        _accounts.TryRemove(accountId, out _);
        _changed.Pulse();
    }
}
