namespace Brook.IntegrationTests.Infrastructure;

/// <summary>Which rebalance callback fired.</summary>
public enum RebalanceKind
{
    Assigned,
    Revoked,
    Lost,
}

/// <summary>One rebalance callback with the partition numbers it carried (incremental under cooperative rebalancing).</summary>
public sealed record RebalanceEvent(RebalanceKind Kind, int[] Partitions)
{
    public override string ToString() => $"{Kind} [{string.Join(',', Partitions)}]";
}
