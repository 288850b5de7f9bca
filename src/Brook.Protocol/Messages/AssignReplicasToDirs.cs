using Brook.Common;

namespace Brook.Protocol.Messages;

// AssignReplicasToDirs (key 73, KIP-858 JBOD), version 0, flexible. A broker with several log directories tells the
// active controller which directory (by its directory.id) each of its replicas lives in, so that when the broker
// reports a directory offline in its heartbeat (OfflineLogDirs) the controller knows which replicas to take out of
// their ISRs and whose leadership to move. Topics are named by id.

/// <summary>AssignReplicasToDirs request: where a broker's replicas live, by log directory.</summary>
public sealed class AssignReplicasToDirsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.AssignReplicasToDirs, 0, 0, 0);

    public int BrokerId { get; set; }
    /// <summary>The requesting broker's epoch, or -1.</summary>
    public long BrokerEpoch { get; set; } = -1;
    public List<DirectoryData> Directories { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        BrokerId = reader.ReadInt32();
        BrokerEpoch = reader.ReadInt64();
        Directories = VersionedCodec.Read<DirectoryData>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(BrokerId);
        writer.WriteInt64(BrokerEpoch);
        VersionedCodec.Write(writer, Directories, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One log directory and the replicas assigned to it.</summary>
    public sealed class DirectoryData : IMessage
    {
        public Uuid Id { get; set; }
        public List<TopicData> Topics { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Id = reader.ReadUuid();
            Topics = VersionedCodec.Read<TopicData>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteUuid(Id);
            VersionedCodec.Write(writer, Topics, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>The partitions of one topic (by id) in the directory.</summary>
    public sealed class TopicData : IMessage
    {
        public Uuid TopicId { get; set; }
        public List<int> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            TopicId = reader.ReadUuid();
            Partitions = reader.ReadArray(static (ref ProtocolReader r) =>
            {
                var index = r.ReadInt32();
                r.SkipTaggedFields();
                return index;
            });
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteUuid(TopicId);
            writer.WriteArray(Partitions, static (w, index) =>
            {
                w.WriteInt32(index);
                w.WriteEmptyTaggedFields();
            });
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>AssignReplicasToDirs response: a top-level error and one per partition.</summary>
public sealed class AssignReplicasToDirsResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }
    public List<DirectoryData> Directories { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        Directories = VersionedCodec.Read<DirectoryData>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        VersionedCodec.Write(writer, Directories, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One directory of the request and the outcome for its partitions.</summary>
    public sealed class DirectoryData : IMessage
    {
        public Uuid Id { get; set; }
        public List<TopicData> Topics { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Id = reader.ReadUuid();
            Topics = VersionedCodec.Read<TopicData>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteUuid(Id);
            VersionedCodec.Write(writer, Topics, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    public sealed class TopicData : IMessage
    {
        public Uuid TopicId { get; set; }
        public List<PartitionData> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            TopicId = reader.ReadUuid();
            Partitions = VersionedCodec.Read<PartitionData>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteUuid(TopicId);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    public sealed class PartitionData : IMessage
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
