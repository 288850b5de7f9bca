namespace Brook.Protocol.Messages;

// ElectLeaders (key 43, KIP-183), versions 0-2, flexible from 2. An admin (kafka-leader-election.sh) asks the
// controller to elect leaders for partitions now: the preferred replica, or any live replica for partitions that have
// no in-sync leader (unclean). v1 adds ElectionType and a top-level error code (KIP-460); v2 is the first flexible
// version. A null partition list (allowed in every version) means every partition.

/// <summary>ElectLeaders request: the partitions to elect leaders for, and how.</summary>
public sealed class ElectLeadersRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.ElectLeaders, 0, 2, 2);

    /// <summary><see cref="ElectionType"/>: make the preferred (first assigned) replica leader if it is in sync.</summary>
    public const sbyte PreferredElection = 0;
    /// <summary><see cref="ElectionType"/>: elect the first live replica of a partition that has no in-sync replica.</summary>
    public const sbyte UncleanElection = 1;

    /// <summary>
    /// v1+ (KIP-460). Not ignorable: v0 only does preferred elections, so writing an unclean election at v0 throws
    /// rather than silently asking for a preferred one.
    /// </summary>
    public sbyte ElectionType { get; set; } = PreferredElection;
    /// <summary>The partitions to elect leaders for; null means all partitions.</summary>
    public List<ElectLeadersTopic>? TopicPartitions { get; set; } = [];
    public int TimeoutMs { get; set; } = 60000;

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 1) ElectionType = reader.ReadInt8();
        TopicPartitions = VersionedCodec.ReadNullable<ElectLeadersTopic>(ref reader, version);
        TimeoutMs = reader.ReadInt32();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 1) writer.WriteInt8(ElectionType);
        else if (ElectionType != PreferredElection)
            throw new InvalidOperationException("ElectLeaders v0 only does preferred elections (ElectionType is v1+, KIP-460)");
        VersionedCodec.Write(writer, TopicPartitions, version);
        writer.WriteInt32(TimeoutMs);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One topic and the partitions of it to elect leaders for.</summary>
    public sealed class ElectLeadersTopic : IMessage
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

/// <summary>ElectLeaders response: the outcome of each election.</summary>
public sealed class ElectLeadersResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    /// <summary>Top-level error (v1+).</summary>
    public short ErrorCode { get; set; }
    /// <summary>Per-partition results; empty if the caller may not elect and asked for all partitions.</summary>
    public List<ReplicaElectionResult> ReplicaElectionResults { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        if (version >= 1) ErrorCode = reader.ReadInt16();
        ReplicaElectionResults = VersionedCodec.Read<ReplicaElectionResult>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        if (version >= 1) writer.WriteInt16(ErrorCode);
        VersionedCodec.Write(writer, ReplicaElectionResults, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>Results for one topic.</summary>
    public sealed class ReplicaElectionResult : IMessage
    {
        public string Topic { get; set; } = "";
        public List<PartitionResult> PartitionResult { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Topic = reader.ReadString();
            PartitionResult = VersionedCodec.Read<PartitionResult>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Topic);
            VersionedCodec.Write(writer, PartitionResult, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>The outcome for one partition (ELECTION_NOT_NEEDED when the leader was already the one chosen).</summary>
    public sealed class PartitionResult : IMessage
    {
        public int PartitionId { get; set; }
        public short ErrorCode { get; set; }
        public string? ErrorMessage { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionId = reader.ReadInt32();
            ErrorCode = reader.ReadInt16();
            ErrorMessage = reader.ReadNullableString();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionId);
            writer.WriteInt16(ErrorCode);
            writer.WriteNullableString(ErrorMessage);
            writer.WriteEmptyTaggedFields();
        }
    }
}
