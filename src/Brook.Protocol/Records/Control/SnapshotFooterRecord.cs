namespace Brook.Protocol.Records.Control;

// SnapshotFooterRecord, the value of control record type 4 (KIP-630), schema version 0, flexible. The last record of a
// KRaft snapshot: a snapshot without it was not completely written.

/// <summary>The KRaft snapshot footer control record value.</summary>
public sealed class SnapshotFooterRecord : IControlRecordValue
{
    public const short CurrentVersion = 0;

    public ControlRecordType Type => ControlRecordType.SnapshotFooter;
    public short MaxVersion => 0;

    public short Version { get; set; } = CurrentVersion;

    public void Read(ref ProtocolReader reader, short version)
    {
        Version = reader.ReadInt16();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt16(Version);
        writer.WriteEmptyTaggedFields();
    }
}
