using Brook.Common;
using Brook.Coordination.Transactions;

namespace Brook.Coordination.Tests.Transactions;

public class ListTransactionsTests
{
    private static async Task<TransactionHarness> ThreeTransactions()
    {
        var h = new TransactionHarness();
        var a = await h.Init("alpha");                         // producer 1000, Ongoing since t0
        await h.Add("alpha", a, ("t", 0));
        await h.Advance(TimeSpan.FromSeconds(5));
        var b = await h.Init("beta");                          // producer 1001, Ongoing since t0+5s
        await h.Add("beta", b, ("t", 0));
        await h.Init("gamma");                                 // producer 1002, Empty
        await h.Advance(TimeSpan.FromSeconds(2));
        return h;
    }

    private static IEnumerable<string> Ids(ListTransactionsResult r) => r.Transactions.Select(t => t.TransactionalId);

    [Fact]
    public async Task Without_filters_every_id_is_listed()
    {
        using var h = await ThreeTransactions();
        var all = h.Coordinator.ListTransactions(new ListTransactionsArgs());
        Assert.Equal(ErrorCode.None, all.Error);
        Assert.Equal(
            [new ListedTransaction("alpha", 1000, "Ongoing"), new ListedTransaction("beta", 1001, "Ongoing"), new ListedTransaction("gamma", 1002, "Empty")],
            all.Transactions);
    }

    [Fact]
    public async Task State_producer_id_and_pattern_filters()
    {
        using var h = await ThreeTransactions();
        var ongoing = h.Coordinator.ListTransactions(new ListTransactionsArgs { StateFilters = ["Ongoing", "Bogus"] });
        Assert.Equal(["alpha", "beta"], Ids(ongoing));
        Assert.Equal(["Bogus"], ongoing.UnknownStateFilters);
        Assert.Empty(h.Coordinator.ListTransactions(new ListTransactionsArgs { StateFilters = ["Bogus"] }).Transactions);

        Assert.Equal(["beta", "gamma"], Ids(h.Coordinator.ListTransactions(new ListTransactionsArgs { ProducerIdFilters = [1001, 1002, 9] })));
        Assert.Equal(["beta"], Ids(h.Coordinator.ListTransactions(new ListTransactionsArgs { ProducerIdFilters = [1001], StateFilters = ["Ongoing"] })));
        Assert.Equal(["alpha", "gamma"], Ids(h.Coordinator.ListTransactions(new ListTransactionsArgs { TransactionalIdPattern = "[ag].*" })));
        Assert.Equal(ErrorCode.InvalidRegularExpression, h.Coordinator.ListTransactions(new ListTransactionsArgs { TransactionalIdPattern = "(" }).Error);
    }

    [Fact]
    public async Task Duration_filter_keeps_transactions_running_longer_than_it()
    {
        using var h = await ThreeTransactions();
        // alpha started 7 s ago, beta 2 s ago.
        var longRunning = h.Coordinator.ListTransactions(new ListTransactionsArgs { StateFilters = ["Ongoing"], DurationFilterMs = 5_000 });
        Assert.Equal(["alpha"], Ids(longRunning));
        Assert.Equal(["alpha", "beta"], Ids(h.Coordinator.ListTransactions(new ListTransactionsArgs { StateFilters = ["Ongoing"], DurationFilterMs = 1_000 })));
        Assert.Empty(h.Coordinator.ListTransactions(new ListTransactionsArgs { StateFilters = ["Ongoing"], DurationFilterMs = 7_000 }).Transactions);
    }

    [Fact]
    public async Task Listing_while_a_partition_loads_reports_it()
    {
        using var h = await ThreeTransactions();
        h.Coordinator.BeginLoading(0);
        var result = h.Coordinator.ListTransactions(new ListTransactionsArgs());
        Assert.Equal(ErrorCode.CoordinatorLoadInProgress, result.Error);
        Assert.Empty(result.Transactions);
        h.Dispose();
    }
}
