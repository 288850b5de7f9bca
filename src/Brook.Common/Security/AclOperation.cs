namespace Brook.Common.Security;

/// <summary>
/// Kafka's ACL operations with their wire codes (AclOperation in the Java client). The codes are the bit positions of
/// the authorized-operations bitfields of Metadata, DescribeCluster and the group descriptions (KIP-430).
/// </summary>
public enum AclOperation : byte
{
    Unknown = 0,
    Any = 1,
    All = 2,
    Read = 3,
    Write = 4,
    Create = 5,
    Delete = 6,
    Alter = 7,
    Describe = 8,
    ClusterAction = 9,
    DescribeConfigs = 10,
    AlterConfigs = 11,
    IdempotentWrite = 12,
    CreateTokens = 13,
    DescribeTokens = 14,
}
