namespace Brook.Protocol.Messages;

// JoinGroup (key 11), versions 0-9, flexible from 6 (KIP-482). The first step of the classic group protocol.
// v1 adds RebalanceTimeoutMs (before it the session timeout served both purposes); v2 throttle time; v4 makes a member
// without an id join twice (first to be given an id with MEMBER_ID_REQUIRED, KIP-394); v5 static membership via
// GroupInstanceId (KIP-345); v7 echoes ProtocolType and lets ProtocolName be null (KIP-559); v8 adds Reason (KIP-800);
// v9 adds SkipAssignment for server-side assignors (KIP-814). Kafka 4.0 dropped v0-1 on its brokers.

/// <summary>JoinGroup request: a member asking to (re)join a classic group, with the protocols it supports.</summary>
public sealed class JoinGroupRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.JoinGroup, 0, 9, 6);

    public string GroupId { get; set; } = "";
    public int SessionTimeoutMs { get; set; }
    /// <summary>
    /// How long the coordinator waits for members to rejoin during a rebalance (v1+). A v0 request has no such field,
    /// so reading v0 sets it to <see cref="SessionTimeoutMs"/>, which is what v0 members meant.
    /// </summary>
    public int RebalanceTimeoutMs { get; set; } = -1;
    /// <summary>The member id given by the coordinator, or "" when joining for the first time.</summary>
    public string MemberId { get; set; } = "";
    /// <summary>Static membership id (v5+, KIP-345); null for dynamic members.</summary>
    public string? GroupInstanceId { get; set; }
    /// <summary>The class of protocols, e.g. "consumer" or "connect".</summary>
    public string ProtocolType { get; set; } = "";
    public List<JoinGroupRequestProtocol> Protocols { get; set; } = [];
    /// <summary>Why the member (re)joins (v8+, KIP-800), or null.</summary>
    public string? Reason { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        GroupId = reader.ReadString();
        SessionTimeoutMs = reader.ReadInt32();
        RebalanceTimeoutMs = version >= 1 ? reader.ReadInt32() : SessionTimeoutMs;
        MemberId = reader.ReadString();
        if (version >= 5) GroupInstanceId = reader.ReadNullableString();
        ProtocolType = reader.ReadString();
        Protocols = VersionedCodec.Read<JoinGroupRequestProtocol>(ref reader, version);
        if (version >= 8) Reason = reader.ReadNullableString();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteString(GroupId);
        writer.WriteInt32(SessionTimeoutMs);
        if (version >= 1) writer.WriteInt32(RebalanceTimeoutMs);
        writer.WriteString(MemberId);
        if (version >= 5) writer.WriteNullableString(GroupInstanceId);
        writer.WriteString(ProtocolType);
        VersionedCodec.Write(writer, Protocols, version);
        if (version >= 8) writer.WriteNullableString(Reason);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One protocol (e.g. an assignor name) the member supports, with its subscription metadata.</summary>
    public sealed class JoinGroupRequestProtocol : IMessage
    {
        public string Name { get; set; } = "";
        /// <summary>Protocol metadata, opaque to the broker. Copied out of the frame on read: the coordinator keeps it.</summary>
        public ReadOnlyMemory<byte> Metadata { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Metadata = reader.ReadBytes().ToArray();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteBytes(Metadata.Span);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>JoinGroup response: the generation, the chosen protocol and (to the leader only) every member's metadata.</summary>
public sealed class JoinGroupResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }
    public int GenerationId { get; set; } = -1;
    /// <summary>The group's protocol type (v7+, KIP-559), or null.</summary>
    public string? ProtocolType { get; set; }
    /// <summary>The protocol the coordinator chose. Null is allowed from v7; older versions send null as "".</summary>
    public string? ProtocolName { get; set; } = "";
    /// <summary>The member id of the group leader.</summary>
    public string Leader { get; set; } = "";
    /// <summary>Tells the leader not to run the assignment because the coordinator does it (v9+, KIP-814).</summary>
    public bool SkipAssignment { get; set; }
    /// <summary>The id of the member this response is for.</summary>
    public string MemberId { get; set; } = "";
    /// <summary>All members and their metadata; filled only in the leader's response.</summary>
    public List<JoinGroupResponseMember> Members { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 2) ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        GenerationId = reader.ReadInt32();
        if (version >= 7) ProtocolType = reader.ReadNullableString();
        ProtocolName = version >= 7 ? reader.ReadNullableString() : reader.ReadString();
        Leader = reader.ReadString();
        if (version >= 9) SkipAssignment = reader.ReadBool();
        MemberId = reader.ReadString();
        Members = VersionedCodec.Read<JoinGroupResponseMember>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 2) writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        writer.WriteInt32(GenerationId);
        if (version >= 7) writer.WriteNullableString(ProtocolType);
        // Error responses carry no protocol name; before v7 the field cannot be null, so it goes out empty.
        if (version >= 7) writer.WriteNullableString(ProtocolName);
        else writer.WriteString(ProtocolName ?? "");
        writer.WriteString(Leader);
        if (version >= 9) writer.WriteBool(SkipAssignment);
        writer.WriteString(MemberId);
        VersionedCodec.Write(writer, Members, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One member of the group as the leader sees it.</summary>
    public sealed class JoinGroupResponseMember : IMessage
    {
        public string MemberId { get; set; } = "";
        /// <summary>The member's static id (v5+), or null.</summary>
        public string? GroupInstanceId { get; set; }
        /// <summary>The member's metadata for the chosen protocol. Copied out of the frame on read.</summary>
        public ReadOnlyMemory<byte> Metadata { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            MemberId = reader.ReadString();
            if (version >= 5) GroupInstanceId = reader.ReadNullableString();
            Metadata = reader.ReadBytes().ToArray();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(MemberId);
            if (version >= 5) writer.WriteNullableString(GroupInstanceId);
            writer.WriteBytes(Metadata.Span);
            writer.WriteEmptyTaggedFields();
        }
    }
}
