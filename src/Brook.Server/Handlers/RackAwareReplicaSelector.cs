using Brook.Metadata;
using Brook.Replication;

namespace Brook.Server.Handlers;

/// <summary>
/// Kafka's RackAwareReplicaSelector (KIP-392, replica.selector.class): for a consumer that names its rack
/// (client.rack), the leader stays the read replica when it is in that rack; otherwise an in-sync replica in the rack
/// on an active broker is preferred (the first in replica order). No such replica, or no rack, keeps the leader.
/// </summary>
public static class RackAwareReplicaSelector
{
    /// <summary>The preferred read replica for a consumer in <paramref name="clientRack"/>, or -1 for the leader itself.</summary>
    public static int Select(MetadataImage image, PartitionState state, string clientRack)
    {
        if (string.IsNullOrEmpty(clientRack)) return -1;
        string? RackOf(int id) => image.Brokers.TryGetValue(id, out var b) && b.IsActive ? b.Rack : null;
        if (RackOf(state.LeaderId) == clientRack) return -1;
        foreach (var replica in state.Replicas)
        {
            if (replica != state.LeaderId && state.Isr.Contains(replica) && RackOf(replica) == clientRack) return replica;
        }
        return -1;
    }
}
