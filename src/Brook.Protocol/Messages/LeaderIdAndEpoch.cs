namespace Brook.Protocol.Messages;

/// <summary>A partition's current leader and epoch: Produce v10+ and Fetch v12+ responses send it so a client can redirect without a metadata refresh (KIP-951).</summary>
public sealed record LeaderIdAndEpoch : IMessage
{
    public int LeaderId { get; set; } = -1;
    public int LeaderEpoch { get; set; } = -1;

    public bool IsDefault => LeaderId == -1 && LeaderEpoch == -1;

    public void Read(ref ProtocolReader reader, short version)
    {
        LeaderId = reader.ReadInt32();
        LeaderEpoch = reader.ReadInt32();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(LeaderId);
        writer.WriteInt32(LeaderEpoch);
        writer.WriteEmptyTaggedFields();
    }
}
