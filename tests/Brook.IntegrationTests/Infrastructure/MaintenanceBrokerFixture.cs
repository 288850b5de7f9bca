namespace Brook.IntegrationTests.Infrastructure;

/// <summary>Broker whose retention checks and log cleaner run every half second, so lifecycle tests see them act quickly.</summary>
public sealed class MaintenanceBrokerFixture : BrokerFixture
{
    protected override string Name => "maintenance";

    protected override IEnumerable<KeyValuePair<string, string>> Overrides =>
    [
        new("log.retention.check.interval.ms", "500"),
        new("log.cleaner.backoff.ms", "500"),
        new("group.initial.rebalance.delay.ms", "0"),
        new("offsets.topic.num.partitions", "3"),
        new("offsets.topic.segment.bytes", "20000"),
    ];
}
