namespace Brook.Raft.Tests.Simulation;

/// <summary>An invariant broke during a simulated run.</summary>
public sealed class SimulationViolationException(string message) : Exception(message);
