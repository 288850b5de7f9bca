using System.Collections.Concurrent;
using Brook.Raft.Messages;

namespace Brook.Raft.Tests;

/// <summary>An in-process network for <see cref="RaftServer"/>s: Send on one server is Receive on another; a node can be cut off.</summary>
public sealed class LoopbackNetwork
{
    private readonly ConcurrentDictionary<int, RaftServer> _servers = new();
    private readonly ConcurrentDictionary<int, bool> _cutOff = new();

    public IRaftTransport TransportFor(int nodeId) => new Transport(this, nodeId);

    public void Attach(RaftServer server) => _servers[server.NodeId] = server;

    public void Detach(int nodeId) => _servers.TryRemove(nodeId, out _);

    public void CutOff(int nodeId, bool cut) => _cutOff[nodeId] = cut;

    private void Deliver(int from, int to, RaftMessage message)
    {
        if (_cutOff.GetValueOrDefault(from) || _cutOff.GetValueOrDefault(to)) return;
        if (_servers.TryGetValue(to, out var server)) server.Receive(from, message);
    }

    private sealed class Transport(LoopbackNetwork network, int from) : IRaftTransport
    {
        public void Send(int destinationId, RaftMessage message) => network.Deliver(from, destinationId, message);
    }
}
