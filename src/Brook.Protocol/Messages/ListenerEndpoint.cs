namespace Brook.Protocol.Messages;

/// <summary>
/// One named listener of a controller and where it is reached (KIP-853): the leader's endpoints in BeginQuorumEpoch and
/// EndQuorumEpoch v1+, the controllers' listeners in DescribeQuorum v2+, and each voter's endpoints in the voters
/// control record. The name (e.g. "CONTROLLER") is what peers match against their own controller.listener.names.
/// </summary>
public sealed record ListenerEndpoint : IMessage
{
    public string Name { get; set; } = "";
    public string Host { get; set; } = "";
    public ushort Port { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        Name = reader.ReadString();
        Host = reader.ReadString();
        Port = reader.ReadUInt16();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteString(Name);
        writer.WriteString(Host);
        writer.WriteUInt16(Port);
        writer.WriteEmptyTaggedFields();
    }
}
