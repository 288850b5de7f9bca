namespace Brook.Protocol.Messages;

// DeleteGroups (key 42), versions 0-2, flexible from 2 (KIP-482). Deletes empty groups and their offsets (KIP-229).
// v1 only changes throttling behaviour (the response goes out before the throttle).

/// <summary>DeleteGroups request: the groups to delete.</summary>
public sealed class DeleteGroupsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.DeleteGroups, 0, 2, 2);

    public List<string> GroupsNames { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        GroupsNames = reader.ReadArray(static (ref ProtocolReader r) => r.ReadString());
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteArray(GroupsNames, static (w, g) => w.WriteString(g));
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>DeleteGroups response: an error code per group.</summary>
public sealed class DeleteGroupsResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public List<DeletableGroupResult> Results { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        Results = VersionedCodec.Read<DeletableGroupResult>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        VersionedCodec.Write(writer, Results, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>The outcome for one group.</summary>
    public sealed class DeletableGroupResult : IMessage
    {
        public string GroupId { get; set; } = "";
        public short ErrorCode { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            GroupId = reader.ReadString();
            ErrorCode = reader.ReadInt16();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(GroupId);
            writer.WriteInt16(ErrorCode);
            writer.WriteEmptyTaggedFields();
        }
    }
}
