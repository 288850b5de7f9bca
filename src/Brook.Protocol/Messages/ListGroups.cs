namespace Brook.Protocol.Messages;

// ListGroups (key 16), versions 0-5, flexible from 3 (KIP-482). Lists the groups this broker coordinates.
// v1 throttle time; v4 StatesFilter and each group's state (KIP-518); v5 TypesFilter and each group's type
// ("classic" or "consumer", KIP-848).

/// <summary>ListGroups request, optionally filtered by state (v4+) and type (v5+); empty filters match everything.</summary>
public sealed class ListGroupsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.ListGroups, 0, 5, 3);

    /// <summary>Only groups in one of these states (v4+); empty for all.</summary>
    public List<string> StatesFilter { get; set; } = [];
    /// <summary>Only groups of one of these types (v5+); empty for all.</summary>
    public List<string> TypesFilter { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 4) StatesFilter = reader.ReadArray(static (ref ProtocolReader r) => r.ReadString());
        if (version >= 5) TypesFilter = reader.ReadArray(static (ref ProtocolReader r) => r.ReadString());
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 4) writer.WriteArray(StatesFilter, static (w, s) => w.WriteString(s));
        if (version >= 5) writer.WriteArray(TypesFilter, static (w, t) => w.WriteString(t));
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>ListGroups response: every matching group with its protocol type, state and type.</summary>
public sealed class ListGroupsResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }
    public List<ListedGroup> Groups { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 1) ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        Groups = VersionedCodec.Read<ListedGroup>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 1) writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        VersionedCodec.Write(writer, Groups, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One group known to the coordinator.</summary>
    public sealed class ListedGroup : IMessage
    {
        public string GroupId { get; set; } = "";
        /// <summary>The protocol type ("consumer", "connect", ...); "" for groups that only hold offsets.</summary>
        public string ProtocolType { get; set; } = "";
        /// <summary>The state name (v4+).</summary>
        public string GroupState { get; set; } = "";
        /// <summary>"classic" or "consumer" (v5+).</summary>
        public string GroupType { get; set; } = "";

        public void Read(ref ProtocolReader reader, short version)
        {
            GroupId = reader.ReadString();
            ProtocolType = reader.ReadString();
            if (version >= 4) GroupState = reader.ReadString();
            if (version >= 5) GroupType = reader.ReadString();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(GroupId);
            writer.WriteString(ProtocolType);
            if (version >= 4) writer.WriteString(GroupState);
            if (version >= 5) writer.WriteString(GroupType);
            writer.WriteEmptyTaggedFields();
        }
    }
}
