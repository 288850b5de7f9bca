namespace Brook.Raft;

/// <summary>
/// Control record types Kafka defines for its KRaft log and snapshots, beside the transaction markers (0, 1) in
/// <see cref="Brook.Protocol.Records.ControlRecordType"/>. Kept here until Brook.Protocol grows them.
/// </summary>
public static class KRaftControlRecordType
{
    /// <summary>LeaderChangeMessage: the first entry of every epoch (KIP-595).</summary>
    public const short LeaderChange = 2;
    /// <summary>SnapshotHeaderRecord: the first record of a snapshot (KIP-630).</summary>
    public const short SnapshotHeader = 3;
    /// <summary>SnapshotFooterRecord: the last record of a snapshot (KIP-630).</summary>
    public const short SnapshotFooter = 4;
}
