namespace Brook.Protocol.Records;

/// <summary>
/// The type field of a control record's key. 0 and 1 end transactions in any partition; 2-6 appear only in the KRaft
/// metadata log and its snapshots, and their values are the versioned structs in <see cref="Control"/>.
/// </summary>
public enum ControlRecordType : short
{
    /// <summary>End of an aborted transaction.</summary>
    Abort = 0,
    /// <summary>End of a committed transaction.</summary>
    Commit = 1,
    /// <summary>KRaft: written by a new leader at the start of its epoch (value: <see cref="Control.LeaderChangeMessage"/>).</summary>
    LeaderChange = 2,
    /// <summary>KRaft: the first record of a snapshot (value: <see cref="Control.SnapshotHeaderRecord"/>).</summary>
    SnapshotHeader = 3,
    /// <summary>KRaft: the last record of a snapshot (value: <see cref="Control.SnapshotFooterRecord"/>).</summary>
    SnapshotFooter = 4,
    /// <summary>KRaft (KIP-853): the finalized kraft.version (value: <see cref="Control.KRaftVersionRecord"/>).</summary>
    KRaftVersion = 5,
    /// <summary>KRaft (KIP-853): the voter set, Kafka's KRAFT_VOTERS (value: <see cref="Control.VotersRecord"/>).</summary>
    KRaftVoters = 6,
}
