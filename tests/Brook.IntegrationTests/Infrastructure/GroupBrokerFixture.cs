using System.Globalization;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// Broker tuned for consumer-group tests: no initial rebalance delay (a lone first member gets its generation at once)
/// and a 1 s minimum session timeout so clients may use short sessions and failure detection stays fast.
/// </summary>
public sealed class GroupBrokerFixture : BrokerFixture
{
    /// <summary>group.min.session.timeout.ms the broker runs with.</summary>
    public const int MinSessionTimeoutMs = 1000;

    /// <summary>The overrides as a list, for tests that start their own broker with the same group settings.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> GroupOverrides { get; } =
    [
        new("auto.create.topics.enable", "true"),
        new("num.partitions", "1"),
        new("group.initial.rebalance.delay.ms", "0"),
        new("group.min.session.timeout.ms", MinSessionTimeoutMs.ToString(CultureInfo.InvariantCulture)),
    ];

    protected override string Name => "groups";

    protected override IEnumerable<KeyValuePair<string, string>> Overrides => GroupOverrides;
}
