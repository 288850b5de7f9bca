namespace Brook.Common.Security;

/// <summary>Which operations apply to each resource type, and the KIP-430 bitfield encoding of a set of them.</summary>
public static class AclOperations
{
    /// <summary>
    /// The operations an ACL can grant on <paramref name="type"/>, as Kafka defines them (a group has configs since
    /// KIP-848, so DESCRIBE_CONFIGS and ALTER_CONFIGS apply to groups too).
    /// </summary>
    public static IReadOnlyList<AclOperation> SupportedBy(AclResourceType type) => type switch
    {
        AclResourceType.Topic =>
        [
            AclOperation.Read, AclOperation.Write, AclOperation.Create, AclOperation.Describe, AclOperation.Delete,
            AclOperation.Alter, AclOperation.DescribeConfigs, AclOperation.AlterConfigs,
        ],
        AclResourceType.Group =>
            [AclOperation.Read, AclOperation.Describe, AclOperation.Delete, AclOperation.DescribeConfigs, AclOperation.AlterConfigs],
        AclResourceType.Cluster =>
        [
            AclOperation.Create, AclOperation.ClusterAction, AclOperation.DescribeConfigs, AclOperation.AlterConfigs,
            AclOperation.IdempotentWrite, AclOperation.Alter, AclOperation.Describe,
        ],
        AclResourceType.TransactionalId => [AclOperation.Describe, AclOperation.Write],
        AclResourceType.DelegationToken => [AclOperation.Describe],
        AclResourceType.User => [AclOperation.CreateTokens, AclOperation.DescribeTokens],
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a concrete resource type"),
    };

    /// <summary>The 32-bit field with bit <c>code</c> set for each operation (Kafka's Utils.to32BitField).</summary>
    public static int ToBitField(IEnumerable<AclOperation> operations)
    {
        var field = 0;
        foreach (var op in operations) field |= 1 << (int)op;
        return field;
    }
}
