using System.Net;
using Brook.Protocol;

namespace Brook.Server.Api;

/// <summary>What a handler knows about the request beyond its body: header, version, connection and listener.</summary>
public sealed class RequestContext
{
    public required RequestHeader Header { get; init; }
    public required string ListenerName { get; init; }
    public required string ConnectionId { get; init; }
    public EndPoint? RemoteEndPoint { get; init; }
    public short ApiVersion => Header.ApiVersion;
    public string? ClientId => Header.ClientId;

    /// <summary>The peer's address as Kafka shows it in group descriptions ("/127.0.0.1").</summary>
    public string ClientHost => RemoteEndPoint is IPEndPoint ip ? "/" + ip.Address : "/" + RemoteEndPoint;
}
