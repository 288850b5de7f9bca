using Brook.Raft.Messages;

namespace Brook.Raft;

/// <summary>
/// Where the node's messages go. <see cref="Send"/> is called on the node's thread and must not block: queue the
/// message and return. Delivery is best effort; a transport that knows a request cannot be delivered may answer it
/// itself with an error response (BROKER_NOT_AVAILABLE) carrying the request's id, else the node's timeout covers it.
/// </summary>
public interface IRaftTransport
{
    void Send(int destinationId, RaftMessage message);
}
