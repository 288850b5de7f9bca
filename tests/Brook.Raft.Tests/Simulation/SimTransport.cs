using Brook.Raft.Messages;

namespace Brook.Raft.Tests.Simulation;

/// <summary>A node's transport in the simulation: hands every message to the simulated network.</summary>
internal sealed class SimTransport(Simulation simulation, int from) : IRaftTransport
{
    public void Send(int destinationId, RaftMessage message) => simulation.OnSend(from, destinationId, message);
}
