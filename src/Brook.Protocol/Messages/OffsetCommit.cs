namespace Brook.Protocol.Messages;

// OffsetCommit (key 8), versions 0-9, flexible from 8 (KIP-482).
// v1 adds the generation and member id (group membership check) and a per-partition commit timestamp; v2 replaces
// that timestamp with a request-wide RetentionTimeMs; v3 throttle time; v5 drops the retention time (a broker setting
// since KIP-211); v6 CommittedLeaderEpoch (KIP-320); v7 GroupInstanceId (KIP-345); v9 has the same layout as v8 but
// marks a client that may use the KIP-848 consumer protocol, where the generation field carries the member epoch.
// Kafka 4.0 dropped v0-1 on its brokers; the layouts are still handled here.

/// <summary>OffsetCommit request: offsets to store for a group.</summary>
public sealed class OffsetCommitRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.OffsetCommit, 0, 9, 8);

    public string GroupId { get; set; } = "";
    /// <summary>
    /// The generation (classic protocol) or member epoch (consumer protocol) of the committer (v1+). -1 marks a commit
    /// from outside the group (a v0 request, or a client using manual assignment).
    /// </summary>
    public int GenerationIdOrMemberEpoch { get; set; } = -1;
    /// <summary>The committing member (v1+), "" for commits from outside the group.</summary>
    public string MemberId { get; set; } = "";
    /// <summary>Static membership id (v7+), or null.</summary>
    public string? GroupInstanceId { get; set; }
    /// <summary>How long to keep the offsets (v2-4 only), -1 for the broker default.</summary>
    public long RetentionTimeMs { get; set; } = -1;
    public List<OffsetCommitRequestTopic> Topics { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        GroupId = reader.ReadString();
        if (version >= 1)
        {
            GenerationIdOrMemberEpoch = reader.ReadInt32();
            MemberId = reader.ReadString();
        }
        if (version >= 7) GroupInstanceId = reader.ReadNullableString();
        if (version is >= 2 and <= 4) RetentionTimeMs = reader.ReadInt64();
        Topics = VersionedCodec.Read<OffsetCommitRequestTopic>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteString(GroupId);
        if (version >= 1)
        {
            writer.WriteInt32(GenerationIdOrMemberEpoch);
            writer.WriteString(MemberId);
        }
        if (version >= 7) writer.WriteNullableString(GroupInstanceId);
        if (version is >= 2 and <= 4) writer.WriteInt64(RetentionTimeMs);
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>The offsets to commit in one topic.</summary>
    public sealed class OffsetCommitRequestTopic : IMessage
    {
        public string Name { get; set; } = "";
        public List<OffsetCommitRequestPartition> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.Read<OffsetCommitRequestPartition>(ref reader, version);
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
    public sealed class OffsetCommitRequestPartition : IMessage
    {
        public int PartitionIndex { get; set; }
        public long CommittedOffset { get; set; }
        /// <summary>Leader epoch of the last consumed record (v6+), or -1.</summary>
        public int CommittedLeaderEpoch { get; set; } = -1;
        /// <summary>The commit time chosen by the client (v1 only), -1 for "now".</summary>
        public long CommitTimestamp { get; set; } = -1;
        /// <summary>Client metadata stored with the offset, or null.</summary>
        public string? CommittedMetadata { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            CommittedOffset = reader.ReadInt64();
            if (version >= 6) CommittedLeaderEpoch = reader.ReadInt32();
            if (version == 1) CommitTimestamp = reader.ReadInt64();
            CommittedMetadata = reader.ReadNullableString();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt64(CommittedOffset);
            if (version >= 6) writer.WriteInt32(CommittedLeaderEpoch);
            if (version == 1) writer.WriteInt64(CommitTimestamp);
            writer.WriteNullableString(CommittedMetadata);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>OffsetCommit response: an error code per partition.</summary>
public sealed class OffsetCommitResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public List<OffsetCommitResponseTopic> Topics { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 3) ThrottleTimeMs = reader.ReadInt32();
        Topics = VersionedCodec.Read<OffsetCommitResponseTopic>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 3) writer.WriteInt32(ThrottleTimeMs);
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>Results for one topic.</summary>
    public sealed class OffsetCommitResponseTopic : IMessage
    {
        public string Name { get; set; } = "";
        public List<OffsetCommitResponsePartition> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.Read<OffsetCommitResponsePartition>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>The outcome of one partition's commit.</summary>
    public sealed class OffsetCommitResponsePartition : IMessage
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
