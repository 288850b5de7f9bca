namespace Brook.Protocol.Messages;

// ListOffsets (key 2), versions 0-10, flexible from 6 (KIP-482).
// v0 asks for up to MaxNumOffsets offsets and answers with an array (OldStyleOffsets); v1 replaced that with a single
// timestamp/offset pair; v2 isolation level and throttle time; v4 leader epochs for fencing (KIP-320); v7-v9 only add
// special timestamps (max timestamp KIP-734, earliest local KIP-405, latest tiered KIP-1005); v10 adds TimeoutMs for
// remote-storage lookups (KIP-1075).

/// <summary>A ListOffsets request: the offset for a timestamp (or a special timestamp) per partition.</summary>
public sealed class ListOffsetsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.ListOffsets, 0, 10, 6);

    /// <summary>Special <see cref="ListOffsetsPartition.Timestamp"/> values.</summary>
    public const long LatestTimestamp = -1, EarliestTimestamp = -2, MaxTimestamp = -3, EarliestLocalTimestamp = -4, LatestTieredTimestamp = -5;

    /// <summary>The requesting broker's id, or -1 for a consumer.</summary>
    public int ReplicaId { get; set; }
    /// <summary>0 = READ_UNCOMMITTED, 1 = READ_COMMITTED (v2+).</summary>
    public sbyte IsolationLevel { get; set; }
    public List<ListOffsetsTopic> Topics { get; set; } = [];
    /// <summary>Time allowed for tiered-storage lookups (v10+, KIP-1075).</summary>
    public int TimeoutMs { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        ReplicaId = reader.ReadInt32();
        if (version >= 2) IsolationLevel = reader.ReadInt8();
        Topics = VersionedCodec.Read<ListOffsetsTopic>(ref reader, version);
        if (version >= 10) TimeoutMs = reader.ReadInt32();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ReplicaId);
        if (version >= 2) writer.WriteInt8(IsolationLevel);
        VersionedCodec.Write(writer, Topics, version);
        if (version >= 10) writer.WriteInt32(TimeoutMs);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>The partitions asked about in one topic.</summary>
    public sealed class ListOffsetsTopic : IMessage
    {
        public string Name { get; set; } = "";
        public List<ListOffsetsPartition> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.Read<ListOffsetsPartition>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>One partition and the timestamp to look up.</summary>
    public sealed class ListOffsetsPartition : IMessage
    {
        public int PartitionIndex { get; set; }
        /// <summary>The requester's view of the leader epoch (v4+), or -1.</summary>
        public int CurrentLeaderEpoch { get; set; } = -1;
        /// <summary>A timestamp in ms, or one of the special values (-1 latest, -2 earliest, ...).</summary>
        public long Timestamp { get; set; }
        /// <summary>v0 only: how many offsets to return at most.</summary>
        public int MaxNumOffsets { get; set; } = 1;

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            if (version >= 4) CurrentLeaderEpoch = reader.ReadInt32();
            Timestamp = reader.ReadInt64();
            if (version == 0) MaxNumOffsets = reader.ReadInt32();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            if (version >= 4) writer.WriteInt32(CurrentLeaderEpoch);
            writer.WriteInt64(Timestamp);
            if (version == 0) writer.WriteInt32(MaxNumOffsets);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>The ListOffsets response: the offset found per partition.</summary>
public sealed class ListOffsetsResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public List<ListOffsetsTopicResponse> Topics { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 2) ThrottleTimeMs = reader.ReadInt32();
        Topics = VersionedCodec.Read<ListOffsetsTopicResponse>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 2) writer.WriteInt32(ThrottleTimeMs);
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>Results for one topic.</summary>
    public sealed class ListOffsetsTopicResponse : IMessage
    {
        public string Name { get; set; } = "";
        public List<ListOffsetsPartitionResponse> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.Read<ListOffsetsPartitionResponse>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>The offset found for one partition: an array in v0, a single timestamp/offset pair from v1.</summary>
    public sealed class ListOffsetsPartitionResponse : IMessage
    {
        public int PartitionIndex { get; set; }
        public short ErrorCode { get; set; }
        /// <summary>v0 only: the offsets found, newest first.</summary>
        public List<long> OldStyleOffsets { get; set; } = [];
        /// <summary>Timestamp of the returned offset (v1+), -1 if none.</summary>
        public long Timestamp { get; set; } = -1;
        /// <summary>The returned offset (v1+), -1 if none.</summary>
        public long Offset { get; set; } = -1;
        /// <summary>Leader epoch of the returned offset (v4+), -1 if unknown.</summary>
        public int LeaderEpoch { get; set; } = -1;

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            ErrorCode = reader.ReadInt16();
            if (version == 0) OldStyleOffsets = VersionedCodec.ReadInt64s(ref reader);
            if (version >= 1)
            {
                Timestamp = reader.ReadInt64();
                Offset = reader.ReadInt64();
            }
            if (version >= 4) LeaderEpoch = reader.ReadInt32();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt16(ErrorCode);
            if (version == 0) VersionedCodec.WriteInt64s(writer, OldStyleOffsets);
            if (version >= 1)
            {
                writer.WriteInt64(Timestamp);
                writer.WriteInt64(Offset);
            }
            if (version >= 4) writer.WriteInt32(LeaderEpoch);
            writer.WriteEmptyTaggedFields();
        }
    }
}
