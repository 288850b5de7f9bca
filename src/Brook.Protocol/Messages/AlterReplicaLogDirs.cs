namespace Brook.Protocol.Messages;

// AlterReplicaLogDirs (key 34, KIP-113), versions 1-2 (Kafka 4 removed v0, KIP-896), flexible from 2. Moves replicas
// hosted by the receiving broker to another of its log directories; the move runs in the background and
// DescribeLogDirs shows its progress (the future replica). v1 only changes throttling behaviour.

/// <summary>AlterReplicaLogDirs request: for each destination directory, the replicas to move there.</summary>
public sealed class AlterReplicaLogDirsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.AlterReplicaLogDirs, 1, 2, 2);

    public List<AlterReplicaLogDir> Dirs { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        Dirs = VersionedCodec.Read<AlterReplicaLogDir>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        VersionedCodec.Write(writer, Dirs, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One destination directory (an absolute path) and the replicas to move there.</summary>
    public sealed class AlterReplicaLogDir : IMessage
    {
        public string Path { get; set; } = "";
        public List<AlterReplicaLogDirTopic> Topics { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Path = reader.ReadString();
            Topics = VersionedCodec.Read<AlterReplicaLogDirTopic>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Path);
            VersionedCodec.Write(writer, Topics, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    public sealed class AlterReplicaLogDirTopic : IMessage
    {
        public string Name { get; set; } = "";
        public List<int> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.ReadInt32s(ref reader);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.WriteInt32s(writer, Partitions);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>AlterReplicaLogDirs response: an error code per replica.</summary>
public sealed class AlterReplicaLogDirsResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public List<AlterReplicaLogDirTopicResult> Results { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        Results = VersionedCodec.Read<AlterReplicaLogDirTopicResult>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        VersionedCodec.Write(writer, Results, version);
        writer.WriteEmptyTaggedFields();
    }

    public sealed class AlterReplicaLogDirTopicResult : IMessage
    {
        public string TopicName { get; set; } = "";
        public List<AlterReplicaLogDirPartitionResult> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            TopicName = reader.ReadString();
            Partitions = VersionedCodec.Read<AlterReplicaLogDirPartitionResult>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(TopicName);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    public sealed class AlterReplicaLogDirPartitionResult : IMessage
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
