namespace Brook.Protocol.Messages;

// ListPartitionReassignments (key 46, KIP-455), version 0, flexible. An admin asks the controller which partition
// reassignments are in progress: for each, the full replica set and the replicas being added and removed.

/// <summary>ListPartitionReassignments request; null topics list every ongoing reassignment.</summary>
public sealed class ListPartitionReassignmentsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.ListPartitionReassignments, 0, 0, 0);

    public int TimeoutMs { get; set; } = 60000;
    /// <summary>The partitions to report on, or null for every ongoing reassignment.</summary>
    public List<ListPartitionReassignmentsTopics>? Topics { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        TimeoutMs = reader.ReadInt32();
        Topics = VersionedCodec.ReadNullable<ListPartitionReassignmentsTopics>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(TimeoutMs);
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One topic and the partitions of it to report on.</summary>
    public sealed class ListPartitionReassignmentsTopics : IMessage
    {
        public string Name { get; set; } = "";
        public List<int> PartitionIndexes { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            PartitionIndexes = VersionedCodec.ReadInt32s(ref reader);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.WriteInt32s(writer, PartitionIndexes);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>ListPartitionReassignments response: the reassignments in progress.</summary>
public sealed class ListPartitionReassignmentsResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    public List<OngoingTopicReassignment> Topics { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        ErrorMessage = reader.ReadNullableString();
        Topics = VersionedCodec.Read<OngoingTopicReassignment>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        writer.WriteNullableString(ErrorMessage);
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>The ongoing reassignments of one topic.</summary>
    public sealed class OngoingTopicReassignment : IMessage
    {
        public string Name { get; set; } = "";
        public List<OngoingPartitionReassignment> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.Read<OngoingPartitionReassignment>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>One partition being moved: its current replica set (old and new members) and the two differences.</summary>
    public sealed class OngoingPartitionReassignment : IMessage
    {
        public int PartitionIndex { get; set; }
        public List<int> Replicas { get; set; } = [];
        public List<int> AddingReplicas { get; set; } = [];
        public List<int> RemovingReplicas { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            Replicas = VersionedCodec.ReadInt32s(ref reader);
            AddingReplicas = VersionedCodec.ReadInt32s(ref reader);
            RemovingReplicas = VersionedCodec.ReadInt32s(ref reader);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            VersionedCodec.WriteInt32s(writer, Replicas);
            VersionedCodec.WriteInt32s(writer, AddingReplicas);
            VersionedCodec.WriteInt32s(writer, RemovingReplicas);
            writer.WriteEmptyTaggedFields();
        }
    }
}
