using Brook.Common;

namespace Brook.Protocol.Messages;

// Vote (key 52, KIP-595), versions 0-2, flexible in every version. A KRaft candidate asks the other voters for their
// vote in a new epoch; a voter grants it only if the sender's log (LastOffsetEpoch, LastOffset) is at least as long as
// its own, and votes at most once per epoch.
// v1 adds the receiving VoterId and the directory ids of both sides, so a voter whose disk was replaced is not counted
// twice; the response gains the tagged NodeEndpoints of the leaders it names (KIP-853).
// v2 adds PreVote (KIP-996): the sender asks whether the voter would grant a vote, without either side bumping or
// persisting an epoch, so a node that was cut off cannot force an election when it comes back. Kafka 4.1 renamed the
// Candidate* partition fields to Replica* for that reason (a pre-vote sender is not a candidate yet); the wire is the
// same. Versions are Kafka 4.1.0's; the apache/kafka snapshot read for this codec (trunk, 2024-10) stops at v1.

/// <summary>Vote request: a candidate's (or prospective candidate's) bid for one voter's vote in an epoch.</summary>
public sealed class VoteRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.Vote, 0, 2, 0);

    /// <summary>The cluster id if the sender knows it; a voter of another cluster rejects the request. Null is allowed.</summary>
    public string? ClusterId { get; set; }
    /// <summary>The replica id of the voter receiving the request (v1+), or -1.</summary>
    public int VoterId { get; set; } = -1;
    public List<TopicData> Topics { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ClusterId = reader.ReadNullableString();
        if (version >= 1) VoterId = reader.ReadInt32();
        Topics = VersionedCodec.Read<TopicData>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteNullableString(ClusterId);
        if (version >= 1) writer.WriteInt32(VoterId);
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>The quorum's topic (the metadata log, __cluster_metadata) and its partition.</summary>
    public sealed class TopicData : QuorumTopicData<PartitionData> { }

    /// <summary>The sender's epoch and the end of its log, which the voter compares with its own before granting.</summary>
    public sealed class PartitionData : IMessage
    {
        public int PartitionIndex { get; set; }
        /// <summary>The sender's epoch (a candidate's bumped epoch in a real vote); was CandidateEpoch before Kafka 4.1.</summary>
        public int ReplicaEpoch { get; set; }
        /// <summary>The sender's replica id; was CandidateId before Kafka 4.1.</summary>
        public int ReplicaId { get; set; }
        /// <summary>The sender's log directory id (v1+, KIP-853); was CandidateDirectoryId before Kafka 4.1.</summary>
        public Uuid ReplicaDirectoryId { get; set; }
        /// <summary>The receiving voter's directory id as the sender knows it (v1+, KIP-853).</summary>
        public Uuid VoterDirectoryId { get; set; }
        /// <summary>Epoch of the last record in the sender's log.</summary>
        public int LastOffsetEpoch { get; set; }
        /// <summary>The sender's log end offset.</summary>
        public long LastOffset { get; set; }
        /// <summary>
        /// v2+ (KIP-996): only ask whether the vote would be granted. Not ignorable: a pre-vote cannot be expressed in
        /// v0-1, where it would be taken as a real vote, so writing one at those versions throws.
        /// </summary>
        public bool PreVote { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            ReplicaEpoch = reader.ReadInt32();
            ReplicaId = reader.ReadInt32();
            if (version >= 1)
            {
                ReplicaDirectoryId = reader.ReadUuid();
                VoterDirectoryId = reader.ReadUuid();
            }
            LastOffsetEpoch = reader.ReadInt32();
            LastOffset = reader.ReadInt64();
            if (version >= 2) PreVote = reader.ReadBool();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            if (PreVote && version < 2) throw new InvalidOperationException($"Vote v{version} cannot carry a pre-vote (v2+, KIP-996)");
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt32(ReplicaEpoch);
            writer.WriteInt32(ReplicaId);
            if (version >= 1)
            {
                writer.WriteUuid(ReplicaDirectoryId);
                writer.WriteUuid(VoterDirectoryId);
            }
            writer.WriteInt32(LastOffsetEpoch);
            writer.WriteInt64(LastOffset);
            if (version >= 2) writer.WriteBool(PreVote);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>Vote response: whether the vote was granted, and the leader the voter knows of.</summary>
public sealed class VoteResponse : IMessage
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

    /// <summary>The voter's answer for one partition and its view of the leader.</summary>
    public sealed class PartitionData : IMessage
    {
        public int PartitionIndex { get; set; }
        public short ErrorCode { get; set; }
        /// <summary>The leader the voter knows of, or -1 if none.</summary>
        public int LeaderId { get; set; }
        /// <summary>The latest epoch the voter knows of.</summary>
        public int LeaderEpoch { get; set; }
        public bool VoteGranted { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            ErrorCode = reader.ReadInt16();
            LeaderId = reader.ReadInt32();
            LeaderEpoch = reader.ReadInt32();
            VoteGranted = reader.ReadBool();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt16(ErrorCode);
            writer.WriteInt32(LeaderId);
            writer.WriteInt32(LeaderEpoch);
            writer.WriteBool(VoteGranted);
            writer.WriteEmptyTaggedFields();
        }
    }
}
