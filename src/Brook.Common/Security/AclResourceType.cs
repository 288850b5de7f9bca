namespace Brook.Common.Security;

/// <summary>Kafka's ACL resource types with their wire codes (ResourceType in the Java client).</summary>
public enum AclResourceType : byte
{
    Unknown = 0,
    Any = 1,
    Topic = 2,
    Group = 3,
    Cluster = 4,
    TransactionalId = 5,
    DelegationToken = 6,
    User = 7,
}
