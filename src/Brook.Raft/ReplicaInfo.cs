namespace Brook.Raft;

/// <summary>
/// One replica's progress as the leader sees it: the log end offset it acknowledged and when it last fetched and was
/// last caught up (times in TimeProvider milliseconds, -1 when unknown), and for a voter its directory id.
/// </summary>
public sealed record ReplicaInfo(int ReplicaId, long LogEndOffset, long LastFetchTimestampMs, long LastCaughtUpTimestampMs,
    Brook.Common.Uuid DirectoryId = default);
