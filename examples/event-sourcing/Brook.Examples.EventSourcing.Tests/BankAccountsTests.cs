using System.Net;
using System.Text;
using Brook.Testing;
using Brook.Testing.Xunit;
using Xunit;

namespace Brook.Examples.EventSourcing.Tests;

/// <summary>
/// Event sourcing and CQRS end to end on one in-process broker: commands append to the event log, the projector
/// publishes states to the compacted topic, queries read the read model, and a new instance rebuilds from the state
/// topic. Each test has topics and a group of its own, so they share the broker safely.
/// </summary>
public sealed class BankAccountsTests(BrookBrokerFixture broker) : IClassFixture<BrookBrokerFixture>
{
    [Fact]
    public async Task CommandsChangeTheBalancesThatQueriesReturn()
    {
        var (api, _) = await BankAccountsApi.StartAsync(BankAccountsApi.UniqueOptions(broker));
        await using var _ = api;

        Assert.Equal(1, (await api.OpenAsync("alice")).Version);
        await api.OpenAsync("bob");
        await api.DepositAsync("alice", 100m);
        var last = await api.WithdrawAsync("alice", 30.50m);
        Assert.Equal((AccountEventType.Withdrawn, 3L, 69.50m), (last.EventType, last.Version, last.Balance));
        var bobs = await api.DepositAsync("bob", 50m);

        // Read-your-writes: the receipt's version as minVersion makes the query wait for the projector.
        var alice = await api.GetAsync("alice", minVersion: last.Version);
        Assert.Equal((69.50m, 3L, last.Offset), (alice.Balance, alice.Version, alice.LastEventOffset));
        Assert.Equal(50m, (await api.GetAsync("bob", minVersion: bobs.Version)).Balance);
        Assert.Equal(["alice:69.50", "bob:50"], (await api.ListAsync()).Select(a => $"{a.AccountId}:{a.Balance}"));

        using var unknown = await api.MoveAsync("carol", "deposits", 10m);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var zero = await api.MoveAsync("alice", "deposits", 0m);
        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
        using var again = await api.Http.PostAsync("/accounts/alice", content: null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var missing = await api.Http.GetAsync("/accounts/carol");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task AnOverdraftIsRefusedWith409AndAppendsNothing()
    {
        var options = BankAccountsApi.UniqueOptions(broker);
        var (api, _) = await BankAccountsApi.StartAsync(options);
        await using var _ = api;
        await api.OpenAsync("carol");
        await api.DepositAsync("carol", 50m);

        using (var overdraft = await api.MoveAsync("carol", "withdrawals", 80m))
        {
            Assert.Equal(HttpStatusCode.Conflict, overdraft.StatusCode);
            Assert.Contains("insufficient funds", await overdraft.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var emptied = await api.WithdrawAsync("carol", 50m);
        Assert.Equal((0m, 3L), (emptied.Balance, emptied.Version));
        using (var oneCent = await api.MoveAsync("carol", "withdrawals", 0.01m))
            Assert.Equal(HttpStatusCode.Conflict, oneCent.StatusCode);

        // Three accepted commands, three events: the refusals left no trace in the log.
        var events = await broker.ConsumeAsync(options.EventsTopic, count: 3);
        Assert.Equal(["Opened", "Deposited", "Withdrawn"], events.Select(EventType));
        Assert.Equal(3, AccountTopics.EndOffsets(options, options.EventsTopic).Values.Sum());
        Assert.Equal(0m, (await api.GetAsync("carol", minVersion: 3)).Balance);
    }

    [Fact]
    public async Task ConcurrentWithdrawalsCannotSpendTheSameMoneyTwice()
    {
        var (api, _) = await BankAccountsApi.StartAsync(BankAccountsApi.UniqueOptions(broker));
        await using var _ = api;
        await api.OpenAsync("dave");
        await api.DepositAsync("dave", 100m);

        // Ten withdrawals of 30 at once: commands on one account are decided one at a time, so exactly three fit.
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => api.MoveAsync("dave", "withdrawals", 30m)));
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        foreach (var response in responses) response.Dispose();
        Assert.Equal(10m, (await api.GetAsync("dave", minVersion: 5)).Balance);
    }

    [Fact]
    public async Task TheEventLogHoldsEveryAccountsFullHistoryKeyedByAccount()
    {
        var options = BankAccountsApi.UniqueOptions(broker);
        var (api, _) = await BankAccountsApi.StartAsync(options);
        await using var _ = api;
        string[] accounts = ["erin", "frank", "grace", "heidi"];
        // Accounts in parallel, each account's commands in order.
        await Task.WhenAll(accounts.Select(async (id, i) =>
        {
            await api.OpenAsync(id);
            for (var d = 1; d <= 3 + i; d++) await api.DepositAsync(id, d);
            await api.WithdrawAsync(id, 1m);
        }));

        var total = accounts.Select((_, i) => 5 + i).Sum();
        var events = await broker.ConsumeAsync(options.EventsTopic, count: total);
        Assert.Equal(total, events.Select(r => Header(r, AccountEventLog.EventIdHeader)).Distinct().Count());
        foreach (var (id, i) in accounts.Select((id, i) => (id, i)))
        {
            var history = events.Where(r => r.Message.Key == id).ToList();
            Assert.Single(history.Select(r => r.Partition.Value).Distinct()); // one key, one partition: one order
            Assert.Equal(["Opened", .. Enumerable.Repeat("Deposited", 3 + i), "Withdrawn"], history.Select(EventType));
            Assert.Equal(history.Select(EventType), history.Select(r => AccountJson.Deserialize<AccountEvent>(r.Message.Value).Type.ToString()));

            // The read model is exactly the fold of the history.
            var folded = history.Aggregate((AccountState?)null,
                (state, r) => AccountState.Apply(state, AccountJson.Deserialize<AccountEvent>(r.Message.Value), r.Offset.Value))!;
            Assert.Equal(folded, await api.GetAsync(id, minVersion: history.Count));
        }
    }

    [Fact]
    public async Task ANewInstanceRebuildsItsReadModelFromTheStateTopicWithoutReplayingEvents()
    {
        var options = BankAccountsApi.UniqueOptions(broker);
        IReadOnlyList<AccountState> before;
        var (first, _) = await BankAccountsApi.StartAsync(options);
        await using (first)
        {
            foreach (var id in new[] { "ivan", "judy", "mallory" }) await first.OpenAsync(id);
            await first.DepositAsync("ivan", 10m);
            await first.DepositAsync("judy", 20m);
            var last = await first.WithdrawAsync("judy", 5m);
            // The read model is eventually consistent, and the three accounts may be in different partitions: wait
            // for each one's own version before taking the list.
            await first.GetAsync("judy", minVersion: last.Version);
            await first.GetAsync("ivan", minVersion: 2);
            await first.GetAsync("mallory", minVersion: 1);
            before = await first.ListAsync();
            Assert.Equal(3, before.Count);
        }

        var (second, ready) = await BankAccountsApi.StartAsync(options);
        await using var _ = second;
        // Six events, six state records: the rebuild read the state topic, and the projector's group had committed
        // every event's offset, so not one event was read again.
        Assert.Equal((6L, 0L, 0L), (ready.StateRecordsRestored, ready.EventsProjected, ready.EventsSkipped));
        Assert.Equal(before, await second.ListAsync());

        // The new instance carries on from the rebuilt state.
        var next = await second.WithdrawAsync("judy", 15m);
        Assert.Equal((0m, 4L), (next.Balance, next.Version));
        using var overdraft = await second.MoveAsync("ivan", "withdrawals", 10.01m);
        Assert.Equal(HttpStatusCode.Conflict, overdraft.StatusCode);
        Assert.Equal(0m, (await second.GetAsync("judy", minVersion: 4)).Balance);
    }

    [Fact]
    public async Task TheLatestStateOfAnAccountWinsAfterARebuild()
    {
        var options = BankAccountsApi.UniqueOptions(broker);
        var (first, _) = await BankAccountsApi.StartAsync(options);
        await using (first)
        {
            await first.OpenAsync("oscar");
            for (var i = 1; i <= 40; i++) await first.DepositAsync("oscar", i);
            await first.GetAsync("oscar", minVersion: 41);
        }

        // 41 states for one key on the state topic, oldest first; only the last one matters.
        var states = await broker.ConsumeAsync(options.StateTopic, count: 41);
        Assert.All(states, s => Assert.Equal("oscar", s.Message.Key));
        Assert.Equal(Enumerable.Range(1, 41).Select(v => (long)v), states.Select(s => AccountJson.Deserialize<AccountState>(s.Message.Value).Version));

        var (second, ready) = await BankAccountsApi.StartAsync(options);
        await using var _ = second;
        Assert.Equal(41, ready.StateRecordsRestored);
        var oscar = await second.GetAsync("oscar");
        Assert.Equal((820m, 41L), (oscar.Balance, oscar.Version));
    }

    [Fact]
    public async Task AReplayedEventLogIsRecognisedAndNotAppliedTwice()
    {
        var options = BankAccountsApi.UniqueOptions(broker);
        var (first, _) = await BankAccountsApi.StartAsync(options);
        await using (first)
        {
            await first.OpenAsync("peggy");
            await first.DepositAsync("peggy", 70m);
            await first.WithdrawAsync("peggy", 20m);
            await first.GetAsync("peggy", minVersion: 3);
        }

        // A projector group with no committed offsets reads the whole event log again — what a crash between
        // publishing a state and committing the offset does on a smaller scale. The states carry the offset of their
        // last event, so every replayed event is recognised and the balance is not changed.
        var (second, ready) = await BankAccountsApi.StartAsync(options with { ProjectorGroupId = $"{options.ProjectorGroupId}-new" });
        await using var _ = second;
        Assert.Equal((3L, 0L, 3L), (ready.StateRecordsRestored, ready.EventsProjected, ready.EventsSkipped));
        var peggy = await second.GetAsync("peggy");
        Assert.Equal((50m, 3L), (peggy.Balance, peggy.Version));
    }

    private static string EventType(Confluent.Kafka.ConsumeResult<string?, string> record) => Header(record, AccountEventLog.EventTypeHeader);

    private static string Header(Confluent.Kafka.ConsumeResult<string?, string> record, string name) =>
        Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(name));
}
