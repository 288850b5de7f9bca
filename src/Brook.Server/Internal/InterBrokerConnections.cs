using System.Net;
using Brook.Client;
using Brook.Metadata;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Internal;

/// <summary>
/// This broker's connections to the other brokers' inter-broker listeners (endpoints from the metadata image), shared
/// by transaction markers and transaction verification; they leave from this broker's own address.
/// </summary>
public sealed class InterBrokerConnections(MetadataView metadata, int localId, string listenerName, IPAddress? localAddress, TimeSpan requestTimeout,
    ILoggerFactory loggers) : IAsyncDisposable
{
    public NodeConnections Pool { get; } = new(id => BrokerEndpoints.Resolve(metadata.Image, id, listenerName), new NodeConnectionsOptions
    {
        Connection = KafkaConnectionOptions.Default with
        {
            ClientId = $"brook-broker-{localId}",
            LocalAddress = localAddress,
            RequestTimeout = requestTimeout,
        },
    }, loggers.CreateLogger<NodeConnections>());

    public ValueTask DisposeAsync() => Pool.DisposeAsync();
}
