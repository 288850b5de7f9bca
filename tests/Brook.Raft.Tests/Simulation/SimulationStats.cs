namespace Brook.Raft.Tests.Simulation;

/// <summary>What one simulated run did.</summary>
public sealed class SimulationStats
{
    public long Events { get; set; }
    public long Messages { get; set; }
    public long Dropped { get; set; }
    public long Appends { get; set; }
    public long Crashes { get; set; }
    public long CommittedBatches { get; set; }
    public int Epochs { get; set; }
    public long SnapshotsTaken { get; set; }
    /// <summary>Voter changes the leader appended, and how many of them committed.</summary>
    public long VoterChangesAppended { get; set; }
    public long VoterChangesCommitted { get; set; }
    public long SnapshotLoads { get; set; }
    public long VirtualMs { get; set; }
    public long ConvergenceMs { get; set; }
    public int Seed { get; set; }
    public string FinalState { get; set; } = "";
}
