using Brook.Raft.Messages;

namespace Brook.Raft.Tests;

/// <summary>A transport that records what is sent and delivers nothing (a single-voter quorum needs no peers).</summary>
public sealed class NullTransport : IRaftTransport
{
    public List<(int To, RaftMessage Message)> Sent { get; } = [];
    public void Send(int destinationId, RaftMessage message) => Sent.Add((destinationId, message));
}
