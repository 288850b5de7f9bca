namespace Brook.Protocol.Messages;

/// <summary>
/// A feature (metadata.version, kraft.version, group.version, ...) and the range of levels a registering broker or
/// controller supports; the quorum refuses to finalize a level outside every registered node's range.
/// </summary>
public sealed record RegistrationFeature : IMessage
{
    public string Name { get; set; } = "";
    public short MinSupportedVersion { get; set; }
    public short MaxSupportedVersion { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        Name = reader.ReadString();
        MinSupportedVersion = reader.ReadInt16();
        MaxSupportedVersion = reader.ReadInt16();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteString(Name);
        writer.WriteInt16(MinSupportedVersion);
        writer.WriteInt16(MaxSupportedVersion);
        writer.WriteEmptyTaggedFields();
    }
}
