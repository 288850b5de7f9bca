using Brook.Common;

namespace Brook.Protocol.Messages;

// EndQuorumEpoch (key 54, KIP-595), versions 0-1, flexible from 1. A KRaft leader that resigns (graceful shutdown)
// tells the voters to start an election at once rather than wait for their fetch timeout, and ranks the voters it
// would like to succeed it, so the most caught-up ones campaign first.
// v1 (KIP-853) replaces PreferredSuccessors (replica ids) with PreferredCandidates (id and directory id) and adds the
// leader's listener endpoints; the response gains the tagged NodeEndpoints. A v0 request is read into
// PreferredCandidates with zero directory ids, and PreferredCandidates are written as their ids at v0.

/// <summary>EndQuorumEpoch request: the leader resigning its epoch.</summary>
public sealed class EndQuorumEpochRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.EndQuorumEpoch, 0, 1, 1);

    /// <summary>The cluster id if the leader knows it; null is allowed.</summary>
    public string? ClusterId { get; set; }
    public List<TopicData> Topics { get; set; } = [];
    /// <summary>The resigning leader's listeners (v1+).</summary>
    public List<ListenerEndpoint> LeaderEndpoints { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ClusterId = reader.ReadNullableString();
        Topics = VersionedCodec.Read<TopicData>(ref reader, version);
        if (version >= 1) LeaderEndpoints = VersionedCodec.Read<ListenerEndpoint>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteNullableString(ClusterId);
        VersionedCodec.Write(writer, Topics, version);
        if (version >= 1) VersionedCodec.Write(writer, LeaderEndpoints, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>The quorum's topic and its partition.</summary>
    public sealed class TopicData : QuorumTopicData<PartitionData> { }

    /// <summary>The epoch being resigned and the preferred successors, best first.</summary>
    public sealed class PartitionData : IMessage
    {
        public int PartitionIndex { get; set; }
        /// <summary>The resigning leader.</summary>
        public int LeaderId { get; set; }
        /// <summary>The epoch it resigns.</summary>
        public int LeaderEpoch { get; set; }
        /// <summary>Voters to start the election, best first (v1 wire form; v0 carries only their ids).</summary>
        public List<ReplicaInfo> PreferredCandidates { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            LeaderId = reader.ReadInt32();
            LeaderEpoch = reader.ReadInt32();
            if (version == 0)
            {
                var ids = VersionedCodec.ReadInt32s(ref reader);
                PreferredCandidates = new List<ReplicaInfo>(ids.Count);
                foreach (var id in ids) PreferredCandidates.Add(new ReplicaInfo { CandidateId = id });
            }
            else
            {
                PreferredCandidates = VersionedCodec.Read<ReplicaInfo>(ref reader, version);
            }
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt32(LeaderId);
            writer.WriteInt32(LeaderEpoch);
            if (version == 0)
            {
                writer.WriteArrayLength(PreferredCandidates.Count);
                foreach (var candidate in PreferredCandidates) writer.WriteInt32(candidate.CandidateId);
            }
            else
            {
                VersionedCodec.Write(writer, PreferredCandidates, version);
            }
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>A preferred successor: its replica id and log directory id (KIP-853).</summary>
    public sealed record ReplicaInfo : IMessage
    {
        public int CandidateId { get; set; }
        public Uuid CandidateDirectoryId { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            CandidateId = reader.ReadInt32();
            CandidateDirectoryId = reader.ReadUuid();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(CandidateId);
            writer.WriteUuid(CandidateDirectoryId);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>EndQuorumEpoch response: the voter's acknowledgement and its view of the leader.</summary>
public sealed class EndQuorumEpochResponse : IMessage
{
    public short ErrorCode { get; set; }
    public List<TopicData> Topics { get; set; } = [];
    /// <summary>Tagged (tag 0, v1+): endpoints of the leaders named in the partitions (KIP-853); empty is not sent.</summary>
    public List<RaftNodeEndpoint> NodeEndpoints { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ErrorCode = reader.ReadInt16();
        Topics = VersionedCodec.Read<TopicData>(ref reader, version);
        var tags = VersionedCodec.ReadTagCount(ref reader);
        for (var i = 0u; i < tags; i++)
        {
            var field = VersionedCodec.ReadTaggedField(ref reader, out var tag);
            if (tag == 0 && version >= 1) NodeEndpoints = VersionedCodec.Read<RaftNodeEndpoint>(ref field, version);
        }
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt16(ErrorCode);
        VersionedCodec.Write(writer, Topics, version);
        if (!writer.Flexible) return;
        var endpoints = version >= 1 && NodeEndpoints.Count > 0;
        writer.WriteUnsignedVarInt(endpoints ? 1u : 0u);
        if (endpoints) writer.WriteTaggedField(0, w => VersionedCodec.Write(w, NodeEndpoints, version));
    }

    /// <summary>Results for the quorum's topic.</summary>
    public sealed class TopicData : QuorumTopicData<PartitionData> { }

    /// <summary>One partition's outcome and the leader the voter knows of.</summary>
    public sealed class PartitionData : IMessage
    {
        public int PartitionIndex { get; set; }
        public short ErrorCode { get; set; }
        /// <summary>The leader the voter knows of, or -1 if none.</summary>
        public int LeaderId { get; set; }
        /// <summary>The latest epoch the voter knows of.</summary>
        public int LeaderEpoch { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            ErrorCode = reader.ReadInt16();
            LeaderId = reader.ReadInt32();
            LeaderEpoch = reader.ReadInt32();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt16(ErrorCode);
            writer.WriteInt32(LeaderId);
            writer.WriteInt32(LeaderEpoch);
            writer.WriteEmptyTaggedFields();
        }
    }
}
