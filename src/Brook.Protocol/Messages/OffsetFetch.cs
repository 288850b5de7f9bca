namespace Brook.Protocol.Messages;

// OffsetFetch (key 9), versions 0-9, flexible from 6 (KIP-482).
// v1 reads offsets from the __consumer_offsets topic instead of ZooKeeper (same layout); v2 allows a null topic list
// ("all topics") and adds a top-level error; v3 throttle time; v5 the committed leader epoch; v7 RequireStable
// (KIP-447); v8 batches several groups per request (KIP-709), moving GroupId/Topics and the top-level error into
// Groups; v9 adds MemberId/MemberEpoch for the KIP-848 consumer protocol. Kafka 4.0 dropped v0 on its brokers.

/// <summary>
/// OffsetFetch request, held in the batched v8+ shape: a v0-7 request reads as a single entry of <see cref="Groups"/>,
/// and writing v0-7 requires exactly one group.
/// </summary>
public sealed class OffsetFetchRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.OffsetFetch, 0, 9, 6);

    public List<OffsetFetchRequestGroup> Groups { get; set; } = [];
    /// <summary>Answer UNSTABLE_OFFSET_COMMIT instead of offsets still pending in a transaction (v7+, KIP-447).</summary>
    public bool RequireStable { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version <= 7)
        {
            var group = new OffsetFetchRequestGroup { GroupId = reader.ReadString() };
            group.Topics = version >= 2
                ? VersionedCodec.ReadNullable<OffsetFetchRequestTopics>(ref reader, version)
                : VersionedCodec.Read<OffsetFetchRequestTopics>(ref reader, version);
            Groups = [group];
        }
        else
        {
            Groups = VersionedCodec.Read<OffsetFetchRequestGroup>(ref reader, version);
        }
        if (version >= 7) RequireStable = reader.ReadBool();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version <= 7)
        {
            if (Groups.Count != 1)
                throw new InvalidOperationException($"OffsetFetch v{version} carries exactly one group, not {Groups.Count}");
            var group = Groups[0];
            if (group.Topics is null && version < 2)
                throw new InvalidOperationException($"OffsetFetch v{version} cannot ask for all topics (null Topics needs v2+)");
            writer.WriteString(group.GroupId);
            VersionedCodec.Write(writer, group.Topics, version);
        }
        else
        {
            VersionedCodec.Write(writer, Groups, version);
        }
        if (version >= 7) writer.WriteBool(RequireStable);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One group whose offsets are wanted.</summary>
    public sealed class OffsetFetchRequestGroup : IMessage
    {
        public string GroupId { get; set; } = "";
        /// <summary>The asking member under the consumer protocol (v9+, KIP-848), or null.</summary>
        public string? MemberId { get; set; }
        /// <summary>The asking member's epoch under the consumer protocol (v9+), or -1.</summary>
        public int MemberEpoch { get; set; } = -1;
        /// <summary>The topics to fetch offsets for; null asks for every topic the group has offsets for (v2+).</summary>
        public List<OffsetFetchRequestTopics>? Topics { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            GroupId = reader.ReadString();
            if (version >= 9)
            {
                MemberId = reader.ReadNullableString();
                MemberEpoch = reader.ReadInt32();
            }
            Topics = VersionedCodec.ReadNullable<OffsetFetchRequestTopics>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(GroupId);
            if (version >= 9)
            {
                writer.WriteNullableString(MemberId);
                writer.WriteInt32(MemberEpoch);
            }
            VersionedCodec.Write(writer, Topics, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>The partitions of one topic whose offsets are wanted.</summary>
    public sealed class OffsetFetchRequestTopics : IMessage
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

/// <summary>
/// OffsetFetch response, held in the batched v8+ shape: a v0-7 response reads as one entry of <see cref="Groups"/>
/// (with an empty GroupId, which v0-7 do not echo), and writing v0-7 requires exactly one group. v0-1 have no group
/// error, so writing them copies the group's error onto every partition that has none.
/// </summary>
public sealed class OffsetFetchResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public List<OffsetFetchResponseGroup> Groups { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 3) ThrottleTimeMs = reader.ReadInt32();
        if (version <= 7)
        {
            var group = new OffsetFetchResponseGroup { Topics = VersionedCodec.Read<OffsetFetchResponseTopics>(ref reader, version) };
            if (version >= 2) group.ErrorCode = reader.ReadInt16();
            Groups = [group];
        }
        else
        {
            Groups = VersionedCodec.Read<OffsetFetchResponseGroup>(ref reader, version);
        }
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 3) writer.WriteInt32(ThrottleTimeMs);
        if (version <= 7)
        {
            if (Groups.Count != 1)
                throw new InvalidOperationException($"OffsetFetch v{version} answers exactly one group, not {Groups.Count}");
            var group = Groups[0];
            if (version <= 1) WriteTopicsWithGroupError(writer, group, version);
            else VersionedCodec.Write(writer, group.Topics, version);
            if (version >= 2) writer.WriteInt16(group.ErrorCode);
        }
        else
        {
            VersionedCodec.Write(writer, Groups, version);
        }
        writer.WriteEmptyTaggedFields();
    }

    private static void WriteTopicsWithGroupError(ProtocolWriter writer, OffsetFetchResponseGroup group, short version)
    {
        writer.WriteArrayLength(group.Topics.Count);
        foreach (var topic in group.Topics)
        {
            writer.WriteString(topic.Name);
            writer.WriteArrayLength(topic.Partitions.Count);
            foreach (var p in topic.Partitions)
            {
                writer.WriteInt32(p.PartitionIndex);
                writer.WriteInt64(p.CommittedOffset);
                writer.WriteNullableString(p.Metadata);
                writer.WriteInt16(p.ErrorCode != 0 ? p.ErrorCode : group.ErrorCode);
            }
        }
    }

    /// <summary>The committed offsets of one group, or the group-level error.</summary>
    public sealed class OffsetFetchResponseGroup : IMessage
    {
        public string GroupId { get; set; } = "";
        public List<OffsetFetchResponseTopics> Topics { get; set; } = [];
        /// <summary>Group-level error (v2+; see the class summary for v0-1).</summary>
        public short ErrorCode { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            GroupId = reader.ReadString();
            Topics = VersionedCodec.Read<OffsetFetchResponseTopics>(ref reader, version);
            ErrorCode = reader.ReadInt16();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(GroupId);
            VersionedCodec.Write(writer, Topics, version);
            writer.WriteInt16(ErrorCode);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>The committed offsets in one topic.</summary>
    public sealed class OffsetFetchResponseTopics : IMessage
    {
        public string Name { get; set; } = "";
        public List<OffsetFetchResponsePartitions> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.Read<OffsetFetchResponsePartitions>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>The committed offset of one partition (-1 if none), or its error.</summary>
    public sealed class OffsetFetchResponsePartitions : IMessage
    {
        public int PartitionIndex { get; set; }
        public long CommittedOffset { get; set; }
        /// <summary>Leader epoch stored with the offset (v5+), or -1.</summary>
        public int CommittedLeaderEpoch { get; set; } = -1;
        /// <summary>Client metadata stored with the offset, or null.</summary>
        public string? Metadata { get; set; }
        public short ErrorCode { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            CommittedOffset = reader.ReadInt64();
            if (version >= 5) CommittedLeaderEpoch = reader.ReadInt32();
            Metadata = reader.ReadNullableString();
            ErrorCode = reader.ReadInt16();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt64(CommittedOffset);
            if (version >= 5) writer.WriteInt32(CommittedLeaderEpoch);
            writer.WriteNullableString(Metadata);
            writer.WriteInt16(ErrorCode);
            writer.WriteEmptyTaggedFields();
        }
    }
}
