using Brook.Common;

namespace Brook.Protocol.Messages;

// DescribeQuorum (key 55, KIP-595), versions 0-2, flexible in every version. Admin tooling (kafka-metadata-quorum)
// asks the KRaft leader for the quorum's state: leader, epoch, high watermark and how far each voter and observer has
// replicated. The request never changed; the response did:
// v1 adds each replica's LastFetchTimestamp and LastCaughtUpTimestamp (KIP-836);
// v2 adds the error messages, each replica's directory id and the controllers' listener endpoints (KIP-853).

/// <summary>DescribeQuorum request: the quorum partitions to describe (in practice __cluster_metadata-0).</summary>
public sealed class DescribeQuorumRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.DescribeQuorum, 0, 2, 0);

    public List<TopicData> Topics { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        Topics = VersionedCodec.Read<TopicData>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One topic and the partitions of it to describe.</summary>
    public sealed class TopicData : QuorumTopicData<PartitionData> { }

    /// <summary>A partition to describe: a one-field struct, so each index carries its own tagged-field section.</summary>
    public sealed record PartitionData : IMessage
    {
        public int PartitionIndex { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>DescribeQuorum response: the leader's view of the quorum.</summary>
public sealed class DescribeQuorumResponse : IMessage
{
    public short ErrorCode { get; set; }
    /// <summary>v2+; null if there was no error.</summary>
    public string? ErrorMessage { get; set; }
    public List<TopicData> Topics { get; set; } = [];
    /// <summary>The listeners of every replica named in the partitions (v2+, KIP-853).</summary>
    public List<Node> Nodes { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ErrorCode = reader.ReadInt16();
        if (version >= 2) ErrorMessage = reader.ReadNullableString();
        Topics = VersionedCodec.Read<TopicData>(ref reader, version);
        if (version >= 2) Nodes = VersionedCodec.Read<Node>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt16(ErrorCode);
        if (version >= 2) writer.WriteNullableString(ErrorMessage);
        VersionedCodec.Write(writer, Topics, version);
        if (version >= 2) VersionedCodec.Write(writer, Nodes, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>Results for one topic.</summary>
    public sealed class TopicData : QuorumTopicData<PartitionData> { }

    /// <summary>The quorum state of one partition.</summary>
    public sealed class PartitionData : IMessage
    {
        public int PartitionIndex { get; set; }
        public short ErrorCode { get; set; }
        /// <summary>v2+; null if there was no error.</summary>
        public string? ErrorMessage { get; set; }
        /// <summary>The current leader, or -1 if unknown.</summary>
        public int LeaderId { get; set; }
        public int LeaderEpoch { get; set; }
        public long HighWatermark { get; set; }
        public List<ReplicaState> CurrentVoters { get; set; } = [];
        public List<ReplicaState> Observers { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            ErrorCode = reader.ReadInt16();
            if (version >= 2) ErrorMessage = reader.ReadNullableString();
            LeaderId = reader.ReadInt32();
            LeaderEpoch = reader.ReadInt32();
            HighWatermark = reader.ReadInt64();
            CurrentVoters = VersionedCodec.Read<ReplicaState>(ref reader, version);
            Observers = VersionedCodec.Read<ReplicaState>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt16(ErrorCode);
            if (version >= 2) writer.WriteNullableString(ErrorMessage);
            writer.WriteInt32(LeaderId);
            writer.WriteInt32(LeaderEpoch);
            writer.WriteInt64(HighWatermark);
            VersionedCodec.Write(writer, CurrentVoters, version);
            VersionedCodec.Write(writer, Observers, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>How far one voter or observer has replicated, as the leader saw it.</summary>
    public sealed record ReplicaState : IMessage
    {
        public int ReplicaId { get; set; }
        /// <summary>The replica's log directory id (v2+, KIP-853).</summary>
        public Uuid ReplicaDirectoryId { get; set; }
        /// <summary>The replica's last known log end offset, or -1 if unknown.</summary>
        public long LogEndOffset { get; set; }
        /// <summary>Leader wall-clock time of the replica's last fetch (v1+, KIP-836); -1 for the leader itself or if unknown.</summary>
        public long LastFetchTimestamp { get; set; } = -1;
        /// <summary>Leader wall-clock time at which the replica was last caught up (v1+, KIP-836); -1 if unknown.</summary>
        public long LastCaughtUpTimestamp { get; set; } = -1;

        public void Read(ref ProtocolReader reader, short version)
        {
            ReplicaId = reader.ReadInt32();
            if (version >= 2) ReplicaDirectoryId = reader.ReadUuid();
            LogEndOffset = reader.ReadInt64();
            if (version >= 1)
            {
                LastFetchTimestamp = reader.ReadInt64();
                LastCaughtUpTimestamp = reader.ReadInt64();
            }
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(ReplicaId);
            if (version >= 2) writer.WriteUuid(ReplicaDirectoryId);
            writer.WriteInt64(LogEndOffset);
            if (version >= 1)
            {
                writer.WriteInt64(LastFetchTimestamp);
                writer.WriteInt64(LastCaughtUpTimestamp);
            }
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>A quorum node and its listeners (v2+).</summary>
    public sealed class Node : IMessage
    {
        public int NodeId { get; set; }
        public List<ListenerEndpoint> Listeners { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            NodeId = reader.ReadInt32();
            Listeners = VersionedCodec.Read<ListenerEndpoint>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(NodeId);
            VersionedCodec.Write(writer, Listeners, version);
            writer.WriteEmptyTaggedFields();
        }
    }
}
