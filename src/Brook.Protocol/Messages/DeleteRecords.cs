namespace Brook.Protocol.Messages;

// DeleteRecords (key 21), versions 0-2, flexible from 2 (KIP-482). Introduced by KIP-107: moves a partition's log start
// offset forward so that records before it become unreadable and their segments can be removed. v1 only changes
// throttling behaviour.

/// <summary>DeleteRecords request: per partition, the offset before which records are deleted.</summary>
public sealed class DeleteRecordsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.DeleteRecords, 0, 2, 2);

    /// <summary><see cref="DeleteRecordsPartition.Offset"/> value meaning "up to the high watermark".</summary>
    public const long HighWatermarkOffset = -1;

    public List<DeleteRecordsTopic> Topics { get; set; } = [];
    public int TimeoutMs { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        Topics = VersionedCodec.Read<DeleteRecordsTopic>(ref reader, version);
        TimeoutMs = reader.ReadInt32();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteInt32(TimeoutMs);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>The partitions to truncate in one topic.</summary>
    public sealed class DeleteRecordsTopic : IMessage
    {
        public string Name { get; set; } = "";
        public List<DeleteRecordsPartition> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.Read<DeleteRecordsPartition>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>One partition and the first offset to keep.</summary>
    public sealed class DeleteRecordsPartition : IMessage
    {
        public int PartitionIndex { get; set; }
        /// <summary>Records before this offset are deleted; -1 means the high watermark.</summary>
        public long Offset { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            Offset = reader.ReadInt64();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt64(Offset);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>DeleteRecords response: the new low watermark (log start offset) per partition.</summary>
public sealed class DeleteRecordsResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public List<DeleteRecordsTopicResult> Topics { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        Topics = VersionedCodec.Read<DeleteRecordsTopicResult>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>Results for one topic.</summary>
    public sealed class DeleteRecordsTopicResult : IMessage
    {
        public string Name { get; set; } = "";
        public List<DeleteRecordsPartitionResult> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.Read<DeleteRecordsPartitionResult>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>The outcome for one partition.</summary>
    public sealed class DeleteRecordsPartitionResult : IMessage
    {
        public int PartitionIndex { get; set; }
        /// <summary>The partition's log start offset after the deletion, or -1 on error.</summary>
        public long LowWatermark { get; set; } = -1;
        public short ErrorCode { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            LowWatermark = reader.ReadInt64();
            ErrorCode = reader.ReadInt16();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt64(LowWatermark);
            writer.WriteInt16(ErrorCode);
            writer.WriteEmptyTaggedFields();
        }
    }
}
