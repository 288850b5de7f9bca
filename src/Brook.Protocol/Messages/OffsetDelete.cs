namespace Brook.Protocol.Messages;

// OffsetDelete (key 47), version 0 only, never flexible. Deletes a group's committed offsets for partitions the group
// no longer consumes (KIP-496).

/// <summary>OffsetDelete request: the partitions whose committed offsets to delete for one group.</summary>
public sealed class OffsetDeleteRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.OffsetDelete, 0, 0, ApiDescriptor.NeverFlexible);

    public string GroupId { get; set; } = "";
    public List<OffsetDeleteRequestTopic> Topics { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        GroupId = reader.ReadString();
        Topics = VersionedCodec.Read<OffsetDeleteRequestTopic>(ref reader, version);
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteString(GroupId);
        VersionedCodec.Write(writer, Topics, version);
    }

    /// <summary>The partitions of one topic.</summary>
    public sealed class OffsetDeleteRequestTopic : IMessage
    {
        public string Name { get; set; } = "";
        public List<OffsetDeleteRequestPartition> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.Read<OffsetDeleteRequestPartition>(ref reader, version);
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.Write(writer, Partitions, version);
        }
    }

    /// <summary>One partition whose offset to delete.</summary>
    public sealed class OffsetDeleteRequestPartition : IMessage
    {
        public int PartitionIndex { get; set; }

        public void Read(ref ProtocolReader reader, short version) => PartitionIndex = reader.ReadInt32();

        public void Write(ProtocolWriter writer, short version) => writer.WriteInt32(PartitionIndex);
    }
}

/// <summary>OffsetDelete response: a group-level error and an error per partition.</summary>
public sealed class OffsetDeleteResponse : IMessage
{
    /// <summary>Group-level error; note it precedes the throttle time here, unlike in other responses.</summary>
    public short ErrorCode { get; set; }
    public int ThrottleTimeMs { get; set; }
    public List<OffsetDeleteResponseTopic> Topics { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ErrorCode = reader.ReadInt16();
        ThrottleTimeMs = reader.ReadInt32();
        Topics = VersionedCodec.Read<OffsetDeleteResponseTopic>(ref reader, version);
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt16(ErrorCode);
        writer.WriteInt32(ThrottleTimeMs);
        VersionedCodec.Write(writer, Topics, version);
    }

    /// <summary>Results for one topic.</summary>
    public sealed class OffsetDeleteResponseTopic : IMessage
    {
        public string Name { get; set; } = "";
        public List<OffsetDeleteResponsePartition> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.Read<OffsetDeleteResponsePartition>(ref reader, version);
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.Write(writer, Partitions, version);
        }
    }

    /// <summary>The outcome for one partition.</summary>
    public sealed class OffsetDeleteResponsePartition : IMessage
    {
        public int PartitionIndex { get; set; }
        public short ErrorCode { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            ErrorCode = reader.ReadInt16();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt16(ErrorCode);
        }
    }
}
