using Brook.Testing;
using Brook.Testing.Xunit;
using Xunit;
using Xunit.Abstractions;

namespace Brook.Examples.EventSourcing.Tests;

/// <summary>A broker whose log cleaner looks for work every 100 ms instead of every 15 s, so compaction shows within a test.</summary>
public sealed class CompactingBrokerFixture : BrookBrokerFixture
{
    /// <inheritdoc />
    protected override BrookTestOptions Options => new() { Config = { ["log.cleaner.backoff.ms"] = "100" } };
}

/// <summary>
/// What compaction buys the pattern: however many states an account went through, the cleaner leaves about one per
/// account on the state topic, and a rebuild reads only those.
/// </summary>
public sealed class CompactionTests(CompactingBrokerFixture broker, ITestOutputHelper output) : IClassFixture<CompactingBrokerFixture>
{
    // Tiny segments (the active one is never cleaned) and any dirty share worth a pass: compaction within seconds.
    private static readonly Dictionary<string, string> EagerCompaction = new()
    {
        ["segment.bytes"] = "1024",
        ["min.cleanable.dirty.ratio"] = "0.01",
    };

    [Fact]
    public async Task TheLogCleanerLeavesAboutOneStateRecordPerAccountAndARebuildReadsOnlyThose()
    {
        var options = BankAccountsApi.UniqueOptions(broker, EagerCompaction) with { Partitions = 1 };
        var (first, _) = await BankAccountsApi.StartAsync(options);
        await using (first)
        {
            foreach (var id in new[] { "trent", "victor" })
            {
                await first.OpenAsync(id);
                for (var i = 1; i <= 30; i++) await first.DepositAsync(id, 1m);
            }
            await first.GetAsync("victor", minVersion: 31);
        }

        // 62 states were published; wait for the cleaner to drop the superseded ones.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        long remaining;
        while ((remaining = StateTopicRestorer.Restore(options, new AccountReadModel(), CancellationToken.None)) > 10 && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        output.WriteLine($"{remaining} of 62 state records left after compaction");
        Assert.InRange(remaining, 2, 10);
        Assert.Equal(62, AccountTopics.EndOffsets(options, options.StateTopic).Values.Sum()); // offsets never change: gaps

        var (second, ready) = await BankAccountsApi.StartAsync(options);
        await using var _ = second;
        Assert.Equal(remaining, ready.StateRecordsRestored);
        Assert.Equal(0, ready.EventsProjected);
        Assert.Equal([("trent", 30m, 31L), ("victor", 30m, 31L)], (await second.ListAsync()).Select(a => (a.AccountId, a.Balance, a.Version)));
    }
}
