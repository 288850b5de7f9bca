using Brook.Common;
using Brook.Raft;
using Brook.Raft.Messages;

namespace Brook.Server.Quorum;

/// <summary>
/// The transport of a node with no peers to reach (a standalone node, whose only voter is itself): nothing is ever
/// sent. If the node did address a peer, the request times out in the node, which is the right outcome.
/// </summary>
public sealed class UnreachablePeersTransport : IRaftTransport
{
    public void Send(int destinationId, RaftMessage message) { }
}
