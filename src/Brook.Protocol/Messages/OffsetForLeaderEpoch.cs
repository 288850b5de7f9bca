namespace Brook.Protocol.Messages;

// OffsetForLeaderEpoch (key 23), versions 0-4, flexible from 4 (KIP-482).
// Used by followers and by consumers (KIP-320) to find where a leader epoch ended, so a log that diverged after an
// unclean election or a truncation can be cut back. v1 adds the epoch to the answer; v2 adds CurrentLeaderEpoch for
// fencing and the throttle time; v3 adds ReplicaId so the leader can tell consumers (bounded by the high watermark)
// from followers. Kafka 4.0 dropped v0-1 on its brokers; the layouts are still handled here.

/// <summary>OffsetForLeaderEpoch request: for each partition, the leader epoch whose end offset is wanted.</summary>
public sealed class OffsetForLeaderEpochRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.OffsetForLeaderEpoch, 0, 4, 4);

    /// <summary><see cref="ReplicaId"/> of an ordinary consumer.</summary>
    public const int ConsumerReplicaId = -1;
    /// <summary><see cref="ReplicaId"/> of a debugging consumer, and what senders older than v3 are taken to be.</summary>
    public const int DebugReplicaId = -2;

    /// <summary>The requesting follower's broker id, or a negative id for consumers (v3+; -2 when absent).</summary>
    public int ReplicaId { get; set; } = DebugReplicaId;
    public List<OffsetForLeaderTopic> Topics { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 3) ReplicaId = reader.ReadInt32();
        Topics = VersionedCodec.Read<OffsetForLeaderTopic>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 3) writer.WriteInt32(ReplicaId);
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>The partitions asked about in one topic.</summary>
    public sealed class OffsetForLeaderTopic : IMessage
    {
        public string Topic { get; set; } = "";
        public List<OffsetForLeaderPartition> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Topic = reader.ReadString();
            Partitions = VersionedCodec.Read<OffsetForLeaderPartition>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Topic);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>One partition and the epoch to look up.</summary>
    public sealed class OffsetForLeaderPartition : IMessage
    {
        public int Partition { get; set; }
        /// <summary>The sender's view of the current leader epoch, for fencing stale metadata (v2+), or -1.</summary>
        public int CurrentLeaderEpoch { get; set; } = -1;
        /// <summary>The epoch whose end offset is wanted.</summary>
        public int LeaderEpoch { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            Partition = reader.ReadInt32();
            if (version >= 2) CurrentLeaderEpoch = reader.ReadInt32();
            LeaderEpoch = reader.ReadInt32();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(Partition);
            if (version >= 2) writer.WriteInt32(CurrentLeaderEpoch);
            writer.WriteInt32(LeaderEpoch);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>OffsetForLeaderEpoch response: the end offset of the requested epoch (or of the largest epoch below it).</summary>
public sealed class OffsetForLeaderEpochResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public List<OffsetForLeaderTopicResult> Topics { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 2) ThrottleTimeMs = reader.ReadInt32();
        Topics = VersionedCodec.Read<OffsetForLeaderTopicResult>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 2) writer.WriteInt32(ThrottleTimeMs);
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>Results for one topic.</summary>
    public sealed class OffsetForLeaderTopicResult : IMessage
    {
        public string Topic { get; set; } = "";
        public List<OffsetForLeaderPartitionResult> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Topic = reader.ReadString();
            Partitions = VersionedCodec.Read<OffsetForLeaderPartitionResult>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Topic);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>The epoch found for one partition and where it ends, or the error.</summary>
    public sealed class OffsetForLeaderPartitionResult : IMessage
    {
        public short ErrorCode { get; set; }
        public int Partition { get; set; }
        /// <summary>The largest epoch not above the requested one (v1+), or -1 if unknown.</summary>
        public int LeaderEpoch { get; set; } = -1;
        /// <summary>The end offset of <see cref="LeaderEpoch"/> (-1 with an error).</summary>
        public long EndOffset { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            ErrorCode = reader.ReadInt16();
            Partition = reader.ReadInt32();
            if (version >= 1) LeaderEpoch = reader.ReadInt32();
            EndOffset = reader.ReadInt64();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt16(ErrorCode);
            writer.WriteInt32(Partition);
            if (version >= 1) writer.WriteInt32(LeaderEpoch);
            writer.WriteInt64(EndOffset);
            writer.WriteEmptyTaggedFields();
        }
    }
}
