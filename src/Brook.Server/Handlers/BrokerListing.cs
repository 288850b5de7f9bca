using Brook.Metadata;
using Brook.Metadata.Records;

namespace Brook.Server.Handlers;

/// <summary>How Metadata and DescribeCluster present the cluster's brokers to a client connected on a given listener.</summary>
internal static class BrokerListing
{
    /// <summary>
    /// The registered brokers in id order with the endpoint of the client's listener (or their first, for a broker
    /// without that listener).
    /// </summary>
    public static IEnumerable<(BrokerRegistration Broker, BrokerEndpoint Endpoint)> For(MetadataImage image, string listenerName)
    {
        foreach (var broker in image.Brokers.Values)
        {
            var endpoint = broker.FindEndpoint(listenerName) ?? broker.Endpoints.FirstOrDefault();
            if (endpoint is not null) yield return (broker, endpoint);
        }
    }

    /// <summary>
    /// The "controller id" clients are given. In KRaft it is just a live broker (the controllers are not reachable by
    /// clients); some clients send requests there (kafkajs its idempotent InitProducerId), so it must be a broker that
    /// serves them: this one when it is registered, else the lowest registered id, -1 when there is none.
    /// </summary>
    public static int ControllerIdForClients(MetadataImage image, int localNodeId)
    {
        if (image.Brokers.ContainsKey(localNodeId)) return localNodeId;
        foreach (var id in image.Brokers.Keys) return id;
        return -1;
    }
}
