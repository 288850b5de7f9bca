namespace Brook.Raft.Tests.Simulation;

/// <summary>One batch as a state machine applied it, with the rolling hash of the state after it.</summary>
public readonly record struct AppliedBatch(long BaseOffset, long LastOffset, int Epoch, ulong Hash, ulong RollingAfter);
