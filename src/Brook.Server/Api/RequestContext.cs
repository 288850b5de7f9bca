using System.Net;
using Brook.Protocol;

namespace Brook.Server.Api;

/// <summary>What a handler knows about the request beyond its body: header, version and the connection's session.</summary>
public sealed class RequestContext
{
    public required RequestHeader Header { get; init; }
    public required ConnectionSession Session { get; init; }
    public string ListenerName => Session.ListenerName;
    public string ConnectionId => Session.ConnectionId;
    public EndPoint? RemoteEndPoint => Session.RemoteEndPoint;
    public short ApiVersion => Header.ApiVersion;
    public string? ClientId => Header.ClientId;

    /// <summary>Cancelled when the connection closes: waiting on behalf of this request can stop.</summary>
    public CancellationToken ConnectionClosed => Session.Closed;

    /// <summary>The peer's address as Kafka shows it in group descriptions ("/127.0.0.1").</summary>
    public string ClientHost => RemoteEndPoint is IPEndPoint ip ? "/" + ip.Address : "/" + RemoteEndPoint;
}
