namespace Brook.Protocol.Messages;

// Heartbeat (key 12), versions 0-4, flexible from 4 (KIP-482). Keeps a classic group member alive; the error code
// (REBALANCE_IN_PROGRESS) is how members learn that they must rejoin.
// v1 throttle time; v3 GroupInstanceId (KIP-345).

/// <summary>Heartbeat request from a member of a classic group.</summary>
public sealed class HeartbeatRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.Heartbeat, 0, 4, 4);

    public string GroupId { get; set; } = "";
    public int GenerationId { get; set; }
    public string MemberId { get; set; } = "";
    /// <summary>Static membership id (v3+), or null.</summary>
    public string? GroupInstanceId { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        GroupId = reader.ReadString();
        GenerationId = reader.ReadInt32();
        MemberId = reader.ReadString();
        if (version >= 3) GroupInstanceId = reader.ReadNullableString();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteString(GroupId);
        writer.WriteInt32(GenerationId);
        writer.WriteString(MemberId);
        if (version >= 3) writer.WriteNullableString(GroupInstanceId);
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>Heartbeat response: only an error code (and throttle time).</summary>
public sealed class HeartbeatResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 1) ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 1) writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        writer.WriteEmptyTaggedFields();
    }
}
