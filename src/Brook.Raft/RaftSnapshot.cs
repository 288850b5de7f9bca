using Brook.Raft.Messages;

namespace Brook.Raft;

/// <summary>
/// A snapshot's content as the listener loads it: the state machine's records (the values it wrote when it took
/// the snapshot) covering every offset below <see cref="Id"/>.Offset, and the voter set in force there when the quorum's
/// voters live in the log (KIP-853; null for a static quorum).
/// </summary>
public sealed record RaftSnapshot(OffsetAndEpoch Id, long LastContainedLogTimestampMs, IReadOnlyList<byte[]> Records, VoterSet? Voters = null);
