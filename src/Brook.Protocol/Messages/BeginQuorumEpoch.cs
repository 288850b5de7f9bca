using Brook.Common;

namespace Brook.Protocol.Messages;

// BeginQuorumEpoch (key 53, KIP-595), versions 0-1, flexible from 1. A newly elected KRaft leader tells each voter
// that it leads the new epoch, so voters stop their own elections and start fetching from it.
// v1 (KIP-853) adds the receiving VoterId and VoterDirectoryId (a voter whose directory changed rejects the request),
// the leader's listener endpoints, and the tagged NodeEndpoints in the response.

/// <summary>BeginQuorumEpoch request: the new leader announcing its epoch to one voter.</summary>
public sealed class BeginQuorumEpochRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.BeginQuorumEpoch, 0, 1, 1);

    /// <summary>The cluster id if the leader knows it; null is allowed.</summary>
    public string? ClusterId { get; set; }
    /// <summary>The replica id of the voter receiving the request (v1+), or -1.</summary>
    public int VoterId { get; set; } = -1;
    public List<TopicData> Topics { get; set; } = [];
    /// <summary>The leader's listeners (v1+), so the voter can connect to it without knowing it from the voter set.</summary>
    public List<ListenerEndpoint> LeaderEndpoints { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ClusterId = reader.ReadNullableString();
        if (version >= 1) VoterId = reader.ReadInt32();
        Topics = VersionedCodec.Read<TopicData>(ref reader, version);
        if (version >= 1) LeaderEndpoints = VersionedCodec.Read<ListenerEndpoint>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteNullableString(ClusterId);
        if (version >= 1) writer.WriteInt32(VoterId);
        VersionedCodec.Write(writer, Topics, version);
        if (version >= 1) VersionedCodec.Write(writer, LeaderEndpoints, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>The quorum's topic and its partition.</summary>
    public sealed class TopicData : QuorumTopicData<PartitionData> { }

    /// <summary>The new leader and epoch of one partition.</summary>
    public sealed class PartitionData : IMessage
    {
        public int PartitionIndex { get; set; }
        /// <summary>The receiving voter's directory id as the leader knows it (v1+, KIP-853).</summary>
        public Uuid VoterDirectoryId { get; set; }
        public int LeaderId { get; set; }
        public int LeaderEpoch { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            if (version >= 1) VoterDirectoryId = reader.ReadUuid();
            LeaderId = reader.ReadInt32();
            LeaderEpoch = reader.ReadInt32();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            if (version >= 1) writer.WriteUuid(VoterDirectoryId);
            writer.WriteInt32(LeaderId);
            writer.WriteInt32(LeaderEpoch);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>BeginQuorumEpoch response: the voter's acknowledgement and its view of the leader.</summary>
public sealed class BeginQuorumEpochResponse : IMessage
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
