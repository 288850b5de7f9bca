namespace Brook.Protocol.Messages;

// SyncGroup (key 14), versions 0-5, flexible from 4 (KIP-482). The second step of the classic group protocol: the
// leader hands in the assignment of every member, every member gets its own share back.
// v1 throttle time; v3 GroupInstanceId (KIP-345); v5 ProtocolType/ProtocolName in both directions so the coordinator
// can reject a member whose protocol disagrees with the group's (KIP-559).

/// <summary>SyncGroup request: from the leader with every member's assignment, from the others with none.</summary>
public sealed class SyncGroupRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.SyncGroup, 0, 5, 4);

    public string GroupId { get; set; } = "";
    public int GenerationId { get; set; }
    public string MemberId { get; set; } = "";
    /// <summary>Static membership id (v3+), or null.</summary>
    public string? GroupInstanceId { get; set; }
    /// <summary>The protocol type the member joined with (v5+), or null.</summary>
    public string? ProtocolType { get; set; }
    /// <summary>The protocol name the member was told in JoinGroup (v5+), or null.</summary>
    public string? ProtocolName { get; set; }
    /// <summary>Each member's assignment; only the leader sends any.</summary>
    public List<SyncGroupRequestAssignment> Assignments { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        GroupId = reader.ReadString();
        GenerationId = reader.ReadInt32();
        MemberId = reader.ReadString();
        if (version >= 3) GroupInstanceId = reader.ReadNullableString();
        if (version >= 5)
        {
            ProtocolType = reader.ReadNullableString();
            ProtocolName = reader.ReadNullableString();
        }
        Assignments = VersionedCodec.Read<SyncGroupRequestAssignment>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteString(GroupId);
        writer.WriteInt32(GenerationId);
        writer.WriteString(MemberId);
        if (version >= 3) writer.WriteNullableString(GroupInstanceId);
        if (version >= 5)
        {
            writer.WriteNullableString(ProtocolType);
            writer.WriteNullableString(ProtocolName);
        }
        VersionedCodec.Write(writer, Assignments, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>The assignment the leader computed for one member.</summary>
    public sealed class SyncGroupRequestAssignment : IMessage
    {
        public string MemberId { get; set; } = "";
        /// <summary>The member's assignment, opaque to the broker. Copied out of the frame on read: the coordinator keeps it.</summary>
        public ReadOnlyMemory<byte> Assignment { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            MemberId = reader.ReadString();
            Assignment = reader.ReadBytes().ToArray();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(MemberId);
            writer.WriteBytes(Assignment.Span);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>SyncGroup response: this member's assignment.</summary>
public sealed class SyncGroupResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }
    /// <summary>The group's protocol type (v5+), or null.</summary>
    public string? ProtocolType { get; set; }
    /// <summary>The group's protocol name (v5+), or null.</summary>
    public string? ProtocolName { get; set; }
    /// <summary>This member's assignment (empty on error). Copied out of the frame on read.</summary>
    public ReadOnlyMemory<byte> Assignment { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 1) ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        if (version >= 5)
        {
            ProtocolType = reader.ReadNullableString();
            ProtocolName = reader.ReadNullableString();
        }
        Assignment = reader.ReadBytes().ToArray();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 1) writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        if (version >= 5)
        {
            writer.WriteNullableString(ProtocolType);
            writer.WriteNullableString(ProtocolName);
        }
        writer.WriteBytes(Assignment.Span);
        writer.WriteEmptyTaggedFields();
    }
}
