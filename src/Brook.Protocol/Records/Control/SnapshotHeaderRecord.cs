namespace Brook.Protocol.Records.Control;

// SnapshotHeaderRecord, the value of control record type 3 (KIP-630), schema version 0, flexible. The first record of
// every KRaft snapshot; from kraft.version 1 the KRaftVersion and Voters records as of the snapshot's end offset follow
// it in the same control batch.

/// <summary>The KRaft snapshot header control record value.</summary>
public sealed class SnapshotHeaderRecord : IControlRecordValue
{
    public const short CurrentVersion = 0;

    public ControlRecordType Type => ControlRecordType.SnapshotHeader;
    public short MaxVersion => 0;

    public short Version { get; set; } = CurrentVersion;
    /// <summary>Append time of the last log record the snapshot contains.</summary>
    public long LastContainedLogTimestamp { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        Version = reader.ReadInt16();
        LastContainedLogTimestamp = reader.ReadInt64();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt16(Version);
        writer.WriteInt64(LastContainedLogTimestamp);
        writer.WriteEmptyTaggedFields();
    }
}
