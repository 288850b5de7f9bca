namespace Brook.Protocol.Messages;

// CreatePartitions (key 37), versions 0-3, flexible from 2 (KIP-482). Introduced by KIP-195: raises a topic's partition
// count, optionally placing the new partitions' replicas by hand. v1 only changes throttling behaviour; v3 may answer
// THROTTLING_QUOTA_EXCEEDED (KIP-599).

/// <summary>CreatePartitions request: the new total partition count per topic.</summary>
public sealed class CreatePartitionsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.CreatePartitions, 0, 3, 2);

    public List<CreatePartitionsTopic> Topics { get; set; } = [];
    public int TimeoutMs { get; set; }
    /// <summary>Validate the request without adding partitions.</summary>
    public bool ValidateOnly { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        Topics = VersionedCodec.Read<CreatePartitionsTopic>(ref reader, version);
        TimeoutMs = reader.ReadInt32();
        ValidateOnly = reader.ReadBool();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteInt32(TimeoutMs);
        writer.WriteBool(ValidateOnly);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One topic to grow.</summary>
    public sealed class CreatePartitionsTopic : IMessage
    {
        public string Name { get; set; } = "";
        /// <summary>The new total number of partitions (not the number to add).</summary>
        public int Count { get; set; }
        /// <summary>Replica placement for each new partition, in order; null lets the controller choose.</summary>
        public List<CreatePartitionsAssignment>? Assignments { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Count = reader.ReadInt32();
            Assignments = VersionedCodec.ReadNullable<CreatePartitionsAssignment>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteInt32(Count);
            VersionedCodec.Write(writer, Assignments, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>The replicas of one new partition.</summary>
    public sealed class CreatePartitionsAssignment : IMessage
    {
        public List<int> BrokerIds { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            BrokerIds = VersionedCodec.ReadInt32s(ref reader);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            VersionedCodec.WriteInt32s(writer, BrokerIds);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>CreatePartitions response: one result per topic.</summary>
public sealed class CreatePartitionsResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public List<CreatePartitionsTopicResult> Results { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        Results = VersionedCodec.Read<CreatePartitionsTopicResult>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        VersionedCodec.Write(writer, Results, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>The outcome for one topic.</summary>
    public sealed class CreatePartitionsTopicResult : IMessage
    {
        public string Name { get; set; } = "";
        public short ErrorCode { get; set; }
        public string? ErrorMessage { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            ErrorCode = reader.ReadInt16();
            ErrorMessage = reader.ReadNullableString();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteInt16(ErrorCode);
            writer.WriteNullableString(ErrorMessage);
            writer.WriteEmptyTaggedFields();
        }
    }
}
