namespace Brook.Protocol.Records.Control;

// KRaftVersionRecord, the value of control record type 5 (KIP-853), schema version 0, flexible. Records the finalized
// kraft.version feature level in the metadata log (and in snapshots): 0 is the static voter set of
// controller.quorum.voters, 1 the dynamic voter set kept in VotersRecord.

/// <summary>The KRaft version control record value.</summary>
public sealed class KRaftVersionRecord : IControlRecordValue
{
    public const short CurrentVersion = 0;

    public ControlRecordType Type => ControlRecordType.KRaftVersion;
    public short MaxVersion => 0;

    public short Version { get; set; } = CurrentVersion;
    /// <summary>The finalized kraft.version level.</summary>
    public short KRaftVersion { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        Version = reader.ReadInt16();
        KRaftVersion = reader.ReadInt16();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt16(Version);
        writer.WriteInt16(KRaftVersion);
        writer.WriteEmptyTaggedFields();
    }
}
