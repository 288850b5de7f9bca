namespace Brook.Protocol.Messages;

// LeaveGroup (key 13), versions 0-5, flexible from 4 (KIP-482).
// v1 throttle time; v3 turns the single MemberId into a batch of member identities with per-member errors, so static
// members can be removed by instance id (KIP-345); v5 adds a Reason per member (KIP-800).

/// <summary>
/// LeaveGroup request, held in the batched v3+ shape: a v0-2 MemberId reads as a one-element <see cref="Members"/>,
/// and writing v0-2 requires exactly one member.
/// </summary>
public sealed class LeaveGroupRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.LeaveGroup, 0, 5, 4);

    public string GroupId { get; set; } = "";
    public List<MemberIdentity> Members { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        GroupId = reader.ReadString();
        if (version <= 2) Members = [new MemberIdentity { MemberId = reader.ReadString() }];
        else Members = VersionedCodec.Read<MemberIdentity>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteString(GroupId);
        if (version <= 2)
        {
            if (Members.Count != 1)
                throw new InvalidOperationException($"LeaveGroup v{version} carries exactly one member, not {Members.Count}");
            writer.WriteString(Members[0].MemberId);
        }
        else
        {
            VersionedCodec.Write(writer, Members, version);
        }
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One leaving member, by member id and/or static instance id.</summary>
    public sealed class MemberIdentity : IMessage
    {
        public string MemberId { get; set; } = "";
        /// <summary>Static membership id (v3+), or null.</summary>
        public string? GroupInstanceId { get; set; }
        /// <summary>Why the member leaves (v5+, KIP-800), or null.</summary>
        public string? Reason { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            MemberId = reader.ReadString();
            GroupInstanceId = reader.ReadNullableString();
            if (version >= 5) Reason = reader.ReadNullableString();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(MemberId);
            writer.WriteNullableString(GroupInstanceId);
            if (version >= 5) writer.WriteNullableString(Reason);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>
/// LeaveGroup response with per-member results (v3+). v0-2 have only the top-level error, so writing them sends
/// <see cref="ErrorCode"/> or, if that is 0, the first member's error: a v0-2 request names one member, and its
/// failure must not be lost.
/// </summary>
public sealed class LeaveGroupResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }
    public List<MemberResponse> Members { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 1) ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        if (version >= 3) Members = VersionedCodec.Read<MemberResponse>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 1) writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(version >= 3 ? ErrorCode : CombinedErrorCode());
        if (version >= 3) VersionedCodec.Write(writer, Members, version);
        writer.WriteEmptyTaggedFields();
    }

    private short CombinedErrorCode()
    {
        if (ErrorCode != 0) return ErrorCode;
        foreach (var member in Members)
            if (member.ErrorCode != 0) return member.ErrorCode;
        return 0;
    }

    /// <summary>The outcome for one leaving member.</summary>
    public sealed class MemberResponse : IMessage
    {
        public string MemberId { get; set; } = "";
        public string? GroupInstanceId { get; set; }
        public short ErrorCode { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            MemberId = reader.ReadString();
            GroupInstanceId = reader.ReadNullableString();
            ErrorCode = reader.ReadInt16();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(MemberId);
            writer.WriteNullableString(GroupInstanceId);
            writer.WriteInt16(ErrorCode);
            writer.WriteEmptyTaggedFields();
        }
    }
}
