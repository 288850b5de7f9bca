using Brook.Raft.Storage;

namespace Brook.Raft.Tests.Simulation;

/// <summary>
/// One simulated machine: durable storage that outlives crashes (log, quorum-state, snapshots) and, while it is up,
/// a <see cref="RaftNode"/> with its state machine. Each restart is a new incarnation.
/// </summary>
public sealed class SimNode(int id, bool isVoter)
{
    public int Id { get; } = id;
    public bool IsVoter { get; } = isVoter;
    public MemoryRaftLog Log { get; } = new();
    public MemoryQuorumStateStore State { get; } = new();
    public MemorySnapshotStore Snapshots { get; } = new();
    public RaftNode? Raft { get; set; }
    public SimStateMachine? Machine { get; set; }
    public int Incarnation { get; set; }
    public bool IsUp => Raft is not null;

    // Poll scheduling: the earliest pending poll event and its token (a newer, earlier one supersedes it).
    public long ScheduledPollMs { get; set; } = long.MaxValue;
    public long PollToken { get; set; }

    // What the invariants remember about this machine.
    public long LastHighWatermark { get; set; } = -1;
    /// <summary>Never reset: the epoch must not go back across restarts either.</summary>
    public int LastEpoch { get; set; } = -1;
    public long TruthCheckedUpTo { get; set; }

    public IRaftTransport? Transport { get; set; }

    public override string ToString()
    {
        if (Raft is not { } r) return $"node {Id}: down (log {Log.StartOffset}..{Log.EndOffset}, flushed {Log.FlushedEndOffset})";
        return $"node {Id}: {r.Role} epoch {r.Epoch} leader {r.CurrentLeader.LeaderId} voted {r.VotedId} hw {r.HighWatermark} " +
               $"log {Log.StartOffset}..{Log.EndOffset} flushed {Log.FlushedEndOffset} delivered {r.NextDeliveryOffset} snapshot {Snapshots.Latest?.ToString() ?? "-"} voters {r.Voters}{(r.IsVoter ? "" : " (observer)")}";
    }
}
