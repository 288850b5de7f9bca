using Brook.Metadata;
using Brook.Metadata.Records;

namespace Brook.Server.Handlers;

/// <summary>How Metadata and DescribeCluster present the cluster's brokers to a client connected on a given listener.</summary>
internal static class BrokerListing
{
    /// <summary>
    /// The registered brokers in id order with the endpoint of the client's listener (or their first, for a broker
    /// without that listener). Fenced brokers are left out unless asked for (DescribeCluster v2), as Kafka shows
    /// clients only the brokers that are alive; a broker in controlled shutdown is still alive.
    /// </summary>
    public static IEnumerable<(BrokerRegistration Broker, BrokerEndpoint Endpoint)> For(MetadataImage image, string listenerName, bool includeFenced = false)
    {
        foreach (var broker in image.Brokers.Values)
        {
            if (broker.IsFenced && !includeFenced) continue;
            var endpoint = broker.FindEndpoint(listenerName) ?? broker.Endpoints.FirstOrDefault();
            if (endpoint is not null) yield return (broker, endpoint);
        }
    }

    /// <summary>True when clients may be sent to <paramref name="brokerId"/>: registered and not fenced.</summary>
    public static bool IsAlive(MetadataImage image, int brokerId) => image.Brokers.TryGetValue(brokerId, out var b) && !b.IsFenced;

    /// <summary>
    /// The "controller id" clients are given. In KRaft it is just a live broker (the controllers are not reachable by
    /// clients); some clients send requests there (kafkajs its idempotent InitProducerId), so it must be a broker that
    /// serves them: this one when it is registered and unfenced, else the lowest unfenced id, -1 when there is none.
    /// </summary>
    public static int ControllerIdForClients(MetadataImage image, int localNodeId)
    {
        if (IsAlive(image, localNodeId)) return localNodeId;
        foreach (var broker in image.Brokers.Values)
            if (!broker.IsFenced) return broker.Id;
        return -1;
    }
}
