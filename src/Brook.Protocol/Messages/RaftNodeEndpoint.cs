namespace Brook.Protocol.Messages;

/// <summary>
/// Where a quorum node can be reached, sent next to leader hints in the KRaft responses (Vote, BeginQuorumEpoch,
/// EndQuorumEpoch and FetchSnapshot, KIP-853) so a voter can reach a new leader it has no endpoint for yet. Unlike the
/// client-facing <see cref="NodeEndpoint"/> it has no rack, and its port is a uint16 on the wire.
/// </summary>
public sealed record RaftNodeEndpoint : IMessage
{
    public int NodeId { get; set; }
    public string Host { get; set; } = "";
    public ushort Port { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        NodeId = reader.ReadInt32();
        Host = reader.ReadString();
        Port = reader.ReadUInt16();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(NodeId);
        writer.WriteString(Host);
        writer.WriteUInt16(Port);
        writer.WriteEmptyTaggedFields();
    }
}
