using System.Net;
using Brook.Metadata;

namespace Brook.Server.Internal;

/// <summary>A broker's endpoint on a listener, from its registration in the metadata image (for broker-to-broker requests).</summary>
internal static class BrokerEndpoints
{
    public static EndPoint? Resolve(MetadataImage image, int brokerId, string listenerName)
    {
        if (!image.Brokers.TryGetValue(brokerId, out var broker)) return null;
        var endpoint = broker.FindEndpoint(listenerName) ?? broker.Endpoints.FirstOrDefault();
        if (endpoint is null) return null;
        return IPAddress.TryParse(endpoint.Host, out var ip) ? new IPEndPoint(ip, endpoint.Port) : new DnsEndPoint(endpoint.Host, endpoint.Port);
    }
}
