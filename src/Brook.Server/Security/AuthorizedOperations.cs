using Brook.Common.Security;
using Brook.Server.Api;

namespace Brook.Server.Security;

/// <summary>
/// KIP-430 authorized operations: the bitfield of what the requesting principal may do to a resource, returned by
/// Metadata, DescribeCluster, DescribeGroups and ConsumerGroupDescribe when the request asks for it. With no
/// authorizer configured Kafka allows everything, so the answer is every operation the resource type supports; the
/// security work will filter this set through the ACLs.
/// </summary>
public static class AuthorizedOperations
{
    private static readonly int[] AllByType = BuildAll();

    /// <summary>The bitfield for <paramref name="type"/> named <paramref name="name"/>, as seen by the request's principal.</summary>
    public static int For(RequestContext context, AclResourceType type, string name) => AllByType[(int)type];

    private static int[] BuildAll()
    {
        var all = new int[(int)AclResourceType.User + 1];
        foreach (var type in new[] { AclResourceType.Topic, AclResourceType.Group, AclResourceType.Cluster,
                     AclResourceType.TransactionalId, AclResourceType.DelegationToken, AclResourceType.User })
            all[(int)type] = AclOperations.ToBitField(AclOperations.SupportedBy(type));
        return all;
    }
}
