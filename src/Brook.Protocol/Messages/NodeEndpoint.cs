namespace Brook.Protocol.Messages;

/// <summary>Where a broker can be reached, sent with <see cref="LeaderIdAndEpoch"/> hints in Produce and Fetch responses (KIP-951).</summary>
public sealed record NodeEndpoint : IMessage
{
    public int NodeId { get; set; }
    public string Host { get; set; } = "";
    public int Port { get; set; }
    public string? Rack { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        NodeId = reader.ReadInt32();
        Host = reader.ReadString();
        Port = reader.ReadInt32();
        Rack = reader.ReadNullableString();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(NodeId);
        writer.WriteString(Host);
        writer.WriteInt32(Port);
        writer.WriteNullableString(Rack);
        writer.WriteEmptyTaggedFields();
    }
}
