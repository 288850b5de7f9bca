using System.Net;

namespace Brook.Server.Api;

/// <summary>
/// What a connection carries across its requests: where it came from, on which listener, who it is (the principal;
/// "User:ANONYMOUS" until authentication exists) and a token that is cancelled when the connection closes, so
/// long-running work for it (long polls, waits for acks) can stop.
/// </summary>
public sealed class ConnectionSession
{
    public const string AnonymousPrincipal = "User:ANONYMOUS";

    public required string ConnectionId { get; init; }
    public required string ListenerName { get; init; }

    /// <summary>Whether the listener is a controller listener (controller.listener.names) or a client listener.</summary>
    public ListenerScope Scope { get; init; } = ListenerScope.Broker;
    public EndPoint? RemoteEndPoint { get; init; }
    public CancellationToken Closed { get; init; }

    /// <summary>
    /// The last log append one of this connection's requests has yet to make (completed when none is pending). A
    /// request that must wait before appending (a remote transaction check) chains onto it, and later requests chain
    /// behind it, so a connection's appends keep the order the client sent them in. Touched only by the dispatch loop
    /// and the handlers it calls, one request at a time.
    /// </summary>
    public Task AppendTail { get; set; } = Task.CompletedTask;

    /// <summary>The authenticated principal in Kafka's "Type:Name" form.</summary>
    public string Principal { get; set; } = AnonymousPrincipal;
}
