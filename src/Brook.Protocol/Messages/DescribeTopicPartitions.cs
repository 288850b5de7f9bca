using Brook.Common;

namespace Brook.Protocol.Messages;

// DescribeTopicPartitions (key 75, KIP-966), version 0, flexible. Paginated topic metadata for admin clients (the Java
// Admin's describeTopics uses it from 3.8): at most ResponsePartitionLimit partitions per response, continued from a
// cursor, and for each partition the eligible leader replicas (ELR) and last known ELR that Metadata does not carry.
// A null cursor starts at the first requested topic; a null NextCursor means there is nothing more.

/// <summary>DescribeTopicPartitions request: which topics to describe, and where to resume.</summary>
public sealed class DescribeTopicPartitionsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.DescribeTopicPartitions, 0, 0, 0);

    public List<TopicRequest> Topics { get; set; } = [];
    /// <summary>Most partitions to return in one response.</summary>
    public int ResponsePartitionLimit { get; set; } = 2000;
    /// <summary>The first topic and partition to describe, or null to start at the beginning.</summary>
    public DescribeTopicPartitionsCursor? Cursor { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        Topics = VersionedCodec.Read<TopicRequest>(ref reader, version);
        ResponsePartitionLimit = reader.ReadInt32();
        Cursor = DescribeTopicPartitionsCursor.ReadNullable(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteInt32(ResponsePartitionLimit);
        DescribeTopicPartitionsCursor.WriteNullable(writer, Cursor, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>A topic to describe, by name.</summary>
    public sealed record TopicRequest : IMessage
    {
        public string Name { get; set; } = "";

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>A position in a paginated DescribeTopicPartitions listing: a topic and the partition to continue from.</summary>
public sealed record DescribeTopicPartitionsCursor : IMessage
{
    public string TopicName { get; set; } = "";
    public int PartitionIndex { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        TopicName = reader.ReadString();
        PartitionIndex = reader.ReadInt32();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteString(TopicName);
        writer.WriteInt32(PartitionIndex);
        writer.WriteEmptyTaggedFields();
    }

    // A nullable struct is preceded by a presence byte: -1 for null, 1 for present.
    internal static DescribeTopicPartitionsCursor? ReadNullable(ref ProtocolReader reader, short version)
    {
        if (reader.ReadInt8() < 0) return null;
        var cursor = new DescribeTopicPartitionsCursor();
        cursor.Read(ref reader, version);
        return cursor;
    }

    internal static void WriteNullable(ProtocolWriter writer, DescribeTopicPartitionsCursor? cursor, short version)
    {
        if (cursor is null)
        {
            writer.WriteInt8(-1);
            return;
        }
        writer.WriteInt8(1);
        cursor.Write(writer, version);
    }
}

/// <summary>DescribeTopicPartitions response: one page of topic and partition state.</summary>
public sealed class DescribeTopicPartitionsResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public List<DescribeTopicPartitionsResponseTopic> Topics { get; set; } = [];
    /// <summary>Where the next page starts, or null if this was the last page.</summary>
    public DescribeTopicPartitionsCursor? NextCursor { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        Topics = VersionedCodec.Read<DescribeTopicPartitionsResponseTopic>(ref reader, version);
        NextCursor = DescribeTopicPartitionsCursor.ReadNullable(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        VersionedCodec.Write(writer, Topics, version);
        DescribeTopicPartitionsCursor.WriteNullable(writer, NextCursor, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One topic's state, or its error.</summary>
    public sealed class DescribeTopicPartitionsResponseTopic : IMessage
    {
        public short ErrorCode { get; set; }
        /// <summary>The topic name; nullable on the wire.</summary>
        public string? Name { get; set; } = "";
        public Uuid TopicId { get; set; }
        public bool IsInternal { get; set; }
        public List<DescribeTopicPartitionsResponsePartition> Partitions { get; set; } = [];
        /// <summary>Authorized-operations bitfield, or <see cref="MetadataResponse.AuthorizedOperationsOmitted"/>.</summary>
        public int TopicAuthorizedOperations { get; set; } = MetadataResponse.AuthorizedOperationsOmitted;

        public void Read(ref ProtocolReader reader, short version)
        {
            ErrorCode = reader.ReadInt16();
            Name = reader.ReadNullableString();
            TopicId = reader.ReadUuid();
            IsInternal = reader.ReadBool();
            Partitions = VersionedCodec.Read<DescribeTopicPartitionsResponsePartition>(ref reader, version);
            TopicAuthorizedOperations = reader.ReadInt32();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt16(ErrorCode);
            writer.WriteNullableString(Name);
            writer.WriteUuid(TopicId);
            writer.WriteBool(IsInternal);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteInt32(TopicAuthorizedOperations);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>One partition: leader, replicas, ISR and the KIP-966 eligible leader replicas.</summary>
    public sealed class DescribeTopicPartitionsResponsePartition : IMessage
    {
        public short ErrorCode { get; set; }
        public int PartitionIndex { get; set; }
        public int LeaderId { get; set; }
        public int LeaderEpoch { get; set; } = -1;
        public List<int> ReplicaNodes { get; set; } = [];
        public List<int> IsrNodes { get; set; } = [];
        /// <summary>Replicas outside the ISR that may still be elected without data loss (KIP-966), or null.</summary>
        public List<int>? EligibleLeaderReplicas { get; set; }
        /// <summary>The last known ELR, kept when the ELR empties (KIP-966), or null.</summary>
        public List<int>? LastKnownElr { get; set; }
        public List<int> OfflineReplicas { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            ErrorCode = reader.ReadInt16();
            PartitionIndex = reader.ReadInt32();
            LeaderId = reader.ReadInt32();
            LeaderEpoch = reader.ReadInt32();
            ReplicaNodes = VersionedCodec.ReadInt32s(ref reader);
            IsrNodes = VersionedCodec.ReadInt32s(ref reader);
            EligibleLeaderReplicas = reader.ReadNullableArray(static (ref ProtocolReader r) => r.ReadInt32());
            LastKnownElr = reader.ReadNullableArray(static (ref ProtocolReader r) => r.ReadInt32());
            OfflineReplicas = VersionedCodec.ReadInt32s(ref reader);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt16(ErrorCode);
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt32(LeaderId);
            writer.WriteInt32(LeaderEpoch);
            VersionedCodec.WriteInt32s(writer, ReplicaNodes);
            VersionedCodec.WriteInt32s(writer, IsrNodes);
            writer.WriteArray(EligibleLeaderReplicas, static (w, id) => w.WriteInt32(id));
            writer.WriteArray(LastKnownElr, static (w, id) => w.WriteInt32(id));
            VersionedCodec.WriteInt32s(writer, OfflineReplicas);
            writer.WriteEmptyTaggedFields();
        }
    }
}
