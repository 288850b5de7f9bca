namespace Brook.Protocol.Messages;

// DescribeLogDirs (key 35), versions 0-4, flexible from 2 (KIP-482). Introduced by KIP-113: lists a broker's log
// directories and the size and lag of each replica in them. v1 only changes throttling behaviour; v3 adds a top-level
// error code; v4 reports each directory's volume size and free space (KIP-827). The request is the same from v0 to v4.

/// <summary>DescribeLogDirs request: the partitions to describe, or null for all of them.</summary>
public sealed class DescribeLogDirsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.DescribeLogDirs, 0, 4, 2);

    /// <summary>The partitions to describe; null asks for every partition on the broker.</summary>
    public List<DescribableLogDirTopic>? Topics { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        Topics = VersionedCodec.ReadNullable<DescribableLogDirTopic>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One topic and the partitions of it to describe.</summary>
    public sealed class DescribableLogDirTopic : IMessage
    {
        public string Topic { get; set; } = "";
        public List<int> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Topic = reader.ReadString();
            Partitions = VersionedCodec.ReadInt32s(ref reader);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Topic);
            VersionedCodec.WriteInt32s(writer, Partitions);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>DescribeLogDirs response: one entry per log directory with the replicas it holds.</summary>
public sealed class DescribeLogDirsResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    /// <summary>Top-level error (v3+), e.g. CLUSTER_AUTHORIZATION_FAILED.</summary>
    public short ErrorCode { get; set; }
    public List<DescribeLogDirsResult> Results { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        if (version >= 3) ErrorCode = reader.ReadInt16();
        Results = VersionedCodec.Read<DescribeLogDirsResult>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        if (version >= 3) writer.WriteInt16(ErrorCode);
        VersionedCodec.Write(writer, Results, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One log directory.</summary>
    public sealed class DescribeLogDirsResult : IMessage
    {
        /// <summary>E.g. KAFKA_STORAGE_ERROR for an offline directory.</summary>
        public short ErrorCode { get; set; }
        /// <summary>The directory's absolute path.</summary>
        public string LogDir { get; set; } = "";
        public List<DescribeLogDirsTopic> Topics { get; set; } = [];
        /// <summary>Size of the directory's volume in bytes (v4+), -1 if unknown.</summary>
        public long TotalBytes { get; set; } = -1;
        /// <summary>Usable space left on the directory's volume in bytes (v4+), -1 if unknown.</summary>
        public long UsableBytes { get; set; } = -1;

        public void Read(ref ProtocolReader reader, short version)
        {
            ErrorCode = reader.ReadInt16();
            LogDir = reader.ReadString();
            Topics = VersionedCodec.Read<DescribeLogDirsTopic>(ref reader, version);
            if (version >= 4)
            {
                TotalBytes = reader.ReadInt64();
                UsableBytes = reader.ReadInt64();
            }
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt16(ErrorCode);
            writer.WriteString(LogDir);
            VersionedCodec.Write(writer, Topics, version);
            if (version >= 4)
            {
                writer.WriteInt64(TotalBytes);
                writer.WriteInt64(UsableBytes);
            }
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>The replicas of one topic in a log directory.</summary>
    public sealed class DescribeLogDirsTopic : IMessage
    {
        public string Name { get; set; } = "";
        public List<DescribeLogDirsPartition> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.Read<DescribeLogDirsPartition>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>One replica's log in a directory.</summary>
    public sealed class DescribeLogDirsPartition : IMessage
    {
        public int PartitionIndex { get; set; }
        /// <summary>Total size of the replica's log segments in bytes.</summary>
        public long PartitionSize { get; set; }
        /// <summary>
        /// How far the log end offset is behind: behind the high watermark for the current log, behind the current
        /// replica's log end for a future log (one being moved here by AlterReplicaLogDirs).
        /// </summary>
        public long OffsetLag { get; set; }
        /// <summary>True for a future log that will replace the current one once caught up.</summary>
        public bool IsFutureKey { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            PartitionSize = reader.ReadInt64();
            OffsetLag = reader.ReadInt64();
            IsFutureKey = reader.ReadBool();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt64(PartitionSize);
            writer.WriteInt64(OffsetLag);
            writer.WriteBool(IsFutureKey);
            writer.WriteEmptyTaggedFields();
        }
    }
}
