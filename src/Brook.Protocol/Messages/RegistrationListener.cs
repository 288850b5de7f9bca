namespace Brook.Protocol.Messages;

/// <summary>
/// One listener a broker or controller registers with the controller quorum (BrokerRegistration, ControllerRegistration):
/// its name, where it is reached (uint16 port on the wire) and its security protocol id (0 PLAINTEXT, 1 SSL,
/// 2 SASL_PLAINTEXT, 3 SASL_SSL).
/// </summary>
public sealed record RegistrationListener : IMessage
{
    public string Name { get; set; } = "";
    public string Host { get; set; } = "";
    public ushort Port { get; set; }
    public short SecurityProtocol { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        Name = reader.ReadString();
        Host = reader.ReadString();
        Port = reader.ReadUInt16();
        SecurityProtocol = reader.ReadInt16();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteString(Name);
        writer.WriteString(Host);
        writer.WriteUInt16(Port);
        writer.WriteInt16(SecurityProtocol);
        writer.WriteEmptyTaggedFields();
    }
}
