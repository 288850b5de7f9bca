namespace Brook.IntegrationTests.Infrastructure;

/// <summary>Broker for transaction tests: small internal topics, quick rebalances, and a fast transaction-timeout sweep.</summary>
public sealed class TransactionBrokerFixture : BrokerFixture
{
    protected override string Name => "transactions";

    protected override IEnumerable<KeyValuePair<string, string>> Overrides =>
    [
        new("group.initial.rebalance.delay.ms", "0"),
        new("offsets.topic.num.partitions", "3"),
        new("transaction.state.log.num.partitions", "3"),
        new("transaction.abort.timed.out.transaction.cleanup.interval.ms", "500"),
    ];
}
