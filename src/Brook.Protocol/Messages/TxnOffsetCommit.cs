namespace Brook.Protocol.Messages;

// TxnOffsetCommit (key 28), versions 0-4, flexible from 3 (KIP-482). Commits consumer offsets as part of a producer's
// transaction: they become visible only when the transaction commits (KIP-98). v1 only changes throttling behaviour;
// v2 adds the committed leader epoch (KIP-320); v3 adds the member's generation, id and static instance id so the
// coordinator can fence zombie members (KIP-447); v4 may answer TRANSACTION_ABORTABLE (KIP-890).
// The Kafka message definitions read for this codec stop at v4; newer brokers also list a v5 (KIP-890 part 2).

/// <summary>TxnOffsetCommit request: offsets to commit for a group inside a transaction.</summary>
public sealed class TxnOffsetCommitRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.TxnOffsetCommit, 0, 4, 3);

    public string TransactionalId { get; set; } = "";
    public string GroupId { get; set; } = "";
    public long ProducerId { get; set; }
    public short ProducerEpoch { get; set; }
    /// <summary>The consumer's group generation (v3+), or -1 when not sent.</summary>
    public int GenerationId { get; set; } = -1;
    /// <summary>The consumer's member id (v3+), or "" when not sent.</summary>
    public string MemberId { get; set; } = "";
    /// <summary>The consumer's static instance id (v3+), or null.</summary>
    public string? GroupInstanceId { get; set; }
    public List<TxnOffsetCommitRequestTopic> Topics { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        TransactionalId = reader.ReadString();
        GroupId = reader.ReadString();
        ProducerId = reader.ReadInt64();
        ProducerEpoch = reader.ReadInt16();
        if (version >= 3)
        {
            GenerationId = reader.ReadInt32();
            MemberId = reader.ReadString();
            GroupInstanceId = reader.ReadNullableString();
        }
        Topics = VersionedCodec.Read<TxnOffsetCommitRequestTopic>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteString(TransactionalId);
        writer.WriteString(GroupId);
        writer.WriteInt64(ProducerId);
        writer.WriteInt16(ProducerEpoch);
        if (version >= 3)
        {
            writer.WriteInt32(GenerationId);
            writer.WriteString(MemberId);
            writer.WriteNullableString(GroupInstanceId);
        }
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>The offsets to commit for one topic.</summary>
    public sealed class TxnOffsetCommitRequestTopic : IMessage
    {
        public string Name { get; set; } = "";
        public List<TxnOffsetCommitRequestPartition> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.Read<TxnOffsetCommitRequestPartition>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>The offset to commit for one partition.</summary>
    public sealed class TxnOffsetCommitRequestPartition : IMessage
    {
        public int PartitionIndex { get; set; }
        public long CommittedOffset { get; set; }
        /// <summary>Leader epoch of the last consumed record (v2+), or -1.</summary>
        public int CommittedLeaderEpoch { get; set; } = -1;
        public string? CommittedMetadata { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            CommittedOffset = reader.ReadInt64();
            if (version >= 2) CommittedLeaderEpoch = reader.ReadInt32();
            CommittedMetadata = reader.ReadNullableString();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt64(CommittedOffset);
            if (version >= 2) writer.WriteInt32(CommittedLeaderEpoch);
            writer.WriteNullableString(CommittedMetadata);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>TxnOffsetCommit response: an error code per partition.</summary>
public sealed class TxnOffsetCommitResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public List<TxnOffsetCommitResponseTopic> Topics { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        Topics = VersionedCodec.Read<TxnOffsetCommitResponseTopic>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>Results for one topic.</summary>
    public sealed class TxnOffsetCommitResponseTopic : IMessage
    {
        public string Name { get; set; } = "";
        public List<TxnOffsetCommitResponsePartition> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.Read<TxnOffsetCommitResponsePartition>(ref reader, version);
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
    public sealed class TxnOffsetCommitResponsePartition : IMessage
    {
        public int PartitionIndex { get; set; }
        public short ErrorCode { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            ErrorCode = reader.ReadInt16();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt16(ErrorCode);
            writer.WriteEmptyTaggedFields();
        }
    }
}
