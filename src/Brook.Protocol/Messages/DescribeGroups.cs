namespace Brook.Protocol.Messages;

// DescribeGroups (key 15), versions 0-6, flexible from 5 (KIP-482). Describes classic groups (admin tools, kafka-
// consumer-groups --describe).
// v1 throttle time; v3 authorized operations (KIP-430); v4 members' GroupInstanceId (KIP-345); v6 answers an unknown
// group with GROUP_ID_NOT_FOUND and a per-group ErrorMessage (KIP-1043) instead of a Dead group.

/// <summary>DescribeGroups request: the groups to describe.</summary>
public sealed class DescribeGroupsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.DescribeGroups, 0, 6, 5);

    public List<string> Groups { get; set; } = [];
    /// <summary>Whether to fill in each group's authorized operations (v3+).</summary>
    public bool IncludeAuthorizedOperations { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        Groups = reader.ReadArray(static (ref ProtocolReader r) => r.ReadString());
        if (version >= 3) IncludeAuthorizedOperations = reader.ReadBool();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteArray(Groups, static (w, g) => w.WriteString(g));
        if (version >= 3) writer.WriteBool(IncludeAuthorizedOperations);
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>DescribeGroups response: state, protocol and members of each group.</summary>
public sealed class DescribeGroupsResponse : IMessage
{
    /// <summary>Kafka's "authorized operations not requested" sentinel for <see cref="DescribedGroup.AuthorizedOperations"/>.</summary>
    public const int AuthorizedOperationsOmitted = int.MinValue;

    public int ThrottleTimeMs { get; set; }
    public List<DescribedGroup> Groups { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 1) ThrottleTimeMs = reader.ReadInt32();
        Groups = VersionedCodec.Read<DescribedGroup>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 1) writer.WriteInt32(ThrottleTimeMs);
        VersionedCodec.Write(writer, Groups, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One described group, or its error.</summary>
    public sealed class DescribedGroup : IMessage
    {
        public short ErrorCode { get; set; }
        /// <summary>Describes the error (v6+), or null.</summary>
        public string? ErrorMessage { get; set; }
        public string GroupId { get; set; } = "";
        /// <summary>The state name ("Stable", "Empty", "Dead", ...), or "".</summary>
        public string GroupState { get; set; } = "";
        /// <summary>The protocol type (e.g. "consumer"), or "".</summary>
        public string ProtocolType { get; set; } = "";
        /// <summary>The chosen protocol (assignor) name while the group is stable, else "".</summary>
        public string ProtocolData { get; set; } = "";
        public List<DescribedGroupMember> Members { get; set; } = [];
        /// <summary>Bitfield of allowed operations (v3+), or <see cref="AuthorizedOperationsOmitted"/>.</summary>
        public int AuthorizedOperations { get; set; } = AuthorizedOperationsOmitted;

        public void Read(ref ProtocolReader reader, short version)
        {
            ErrorCode = reader.ReadInt16();
            if (version >= 6) ErrorMessage = reader.ReadNullableString();
            GroupId = reader.ReadString();
            GroupState = reader.ReadString();
            ProtocolType = reader.ReadString();
            ProtocolData = reader.ReadString();
            Members = VersionedCodec.Read<DescribedGroupMember>(ref reader, version);
            if (version >= 3) AuthorizedOperations = reader.ReadInt32();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt16(ErrorCode);
            if (version >= 6) writer.WriteNullableString(ErrorMessage);
            writer.WriteString(GroupId);
            writer.WriteString(GroupState);
            writer.WriteString(ProtocolType);
            writer.WriteString(ProtocolData);
            VersionedCodec.Write(writer, Members, version);
            if (version >= 3) writer.WriteInt32(AuthorizedOperations);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>One member of a described group.</summary>
    public sealed class DescribedGroupMember : IMessage
    {
        public string MemberId { get; set; } = "";
        /// <summary>Static membership id (v4+), or null.</summary>
        public string? GroupInstanceId { get; set; }
        public string ClientId { get; set; } = "";
        public string ClientHost { get; set; } = "";
        /// <summary>The member's metadata for the chosen protocol (stable groups only). Copied out of the frame on read.</summary>
        public ReadOnlyMemory<byte> MemberMetadata { get; set; }
        /// <summary>The member's assignment from the leader (stable groups only). Copied out of the frame on read.</summary>
        public ReadOnlyMemory<byte> MemberAssignment { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            MemberId = reader.ReadString();
            if (version >= 4) GroupInstanceId = reader.ReadNullableString();
            ClientId = reader.ReadString();
            ClientHost = reader.ReadString();
            MemberMetadata = reader.ReadBytes().ToArray();
            MemberAssignment = reader.ReadBytes().ToArray();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(MemberId);
            if (version >= 4) writer.WriteNullableString(GroupInstanceId);
            writer.WriteString(ClientId);
            writer.WriteString(ClientHost);
            writer.WriteBytes(MemberMetadata.Span);
            writer.WriteBytes(MemberAssignment.Span);
            writer.WriteEmptyTaggedFields();
        }
    }
}
