using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Protocol.Messages;

// Produce (key 0), versions 0-13, flexible from 9 (KIP-482).
// v3 adds the transactional id and message format v2; v4-v8 change only error semantics (v8: per-record errors in the
// response, KIP-467); v10 adds the tagged CurrentLeader/NodeEndpoints response hints (KIP-951); v11/v12 only add
// error codes and the transaction protocol v2 (KIP-890); v13 names topics by id instead of by name (KIP-516).

/// <summary>A Produce request: record batches for a set of topic partitions.</summary>
public sealed class ProduceRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.Produce, 0, 13, 9);

    /// <summary>Null unless the producer is transactional (v3+).</summary>
    public string? TransactionalId { get; set; }
    /// <summary>0 = no response, 1 = leader only, -1 = full ISR.</summary>
    public short Acks { get; set; }
    public int TimeoutMs { get; set; }
    public List<TopicProduceData> TopicData { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 3) TransactionalId = reader.ReadNullableString();
        Acks = reader.ReadInt16();
        TimeoutMs = reader.ReadInt32();
        TopicData = VersionedCodec.Read<TopicProduceData>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 3) writer.WriteNullableString(TransactionalId);
        writer.WriteInt16(Acks);
        writer.WriteInt32(TimeoutMs);
        VersionedCodec.Write(writer, TopicData, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One topic's data; named by <see cref="Name"/> up to v12 and by <see cref="TopicId"/> from v13.</summary>
    public sealed class TopicProduceData : IMessage
    {
        public string Name { get; set; } = "";
        public Uuid TopicId { get; set; }
        public List<PartitionProduceData> PartitionData { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            if (version <= 12) Name = reader.ReadString();
            else TopicId = reader.ReadUuid();
            PartitionData = VersionedCodec.Read<PartitionProduceData>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            if (version <= 12) writer.WriteString(Name);
            else writer.WriteUuid(TopicId);
            VersionedCodec.Write(writer, PartitionData, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>One partition's record batches; <see cref="Records"/> is a slice of the request frame after a read.</summary>
    public sealed class PartitionProduceData : IMessage
    {
        public int Index { get; set; }
        public RecordSet? Records { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            Index = reader.ReadInt32();
            Records = reader.ReadRecords();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(Index);
            writer.WriteRecords(Records);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>The Produce response: per-partition append results.</summary>
public sealed class ProduceResponse : IMessage
{
    public List<TopicProduceResponse> Responses { get; set; } = [];
    public int ThrottleTimeMs { get; set; }
    /// <summary>Tagged (tag 0, v10+): endpoints of the leaders named in CurrentLeader of NOT_LEADER_OR_FOLLOWER partitions (KIP-951).</summary>
    public List<NodeEndpoint> NodeEndpoints { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        Responses = VersionedCodec.Read<TopicProduceResponse>(ref reader, version);
        if (version >= 1) ThrottleTimeMs = reader.ReadInt32();
        var tags = VersionedCodec.ReadTagCount(ref reader);
        for (var i = 0u; i < tags; i++)
        {
            var field = VersionedCodec.ReadTaggedField(ref reader, out var tag);
            if (tag == 0 && version >= 10) NodeEndpoints = VersionedCodec.Read<NodeEndpoint>(ref field, version);
        }
    }

    public void Write(ProtocolWriter writer, short version)
    {
        VersionedCodec.Write(writer, Responses, version);
        if (version >= 1) writer.WriteInt32(ThrottleTimeMs);
        if (!writer.Flexible) return;
        var endpoints = version >= 10 && NodeEndpoints.Count > 0;
        writer.WriteUnsignedVarInt(endpoints ? 1u : 0u);
        if (endpoints) writer.WriteTaggedField(0, w => VersionedCodec.Write(w, NodeEndpoints, version));
    }

    /// <summary>Results for one topic; named by <see cref="Name"/> up to v12 and by <see cref="TopicId"/> from v13.</summary>
    public sealed class TopicProduceResponse : IMessage
    {
        public string Name { get; set; } = "";
        public Uuid TopicId { get; set; }
        public List<PartitionProduceResponse> PartitionResponses { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            if (version <= 12) Name = reader.ReadString();
            else TopicId = reader.ReadUuid();
            PartitionResponses = VersionedCodec.Read<PartitionProduceResponse>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            if (version <= 12) writer.WriteString(Name);
            else writer.WriteUuid(TopicId);
            VersionedCodec.Write(writer, PartitionResponses, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>The append result of one partition.</summary>
    public sealed class PartitionProduceResponse : IMessage
    {
        public int Index { get; set; }
        public short ErrorCode { get; set; }
        public long BaseOffset { get; set; }
        /// <summary>Broker append time when the topic uses LogAppendTime, else -1 (v2+).</summary>
        public long LogAppendTimeMs { get; set; } = -1;
        public long LogStartOffset { get; set; } = -1;
        /// <summary>Records that made the whole batch fail (v8+, KIP-467).</summary>
        public List<BatchIndexAndErrorMessage> RecordErrors { get; set; } = [];
        public string? ErrorMessage { get; set; }
        /// <summary>Tagged (tag 0, v10+); null, or a value equal to the default (-1, -1), is not sent.</summary>
        public LeaderIdAndEpoch? CurrentLeader { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            Index = reader.ReadInt32();
            ErrorCode = reader.ReadInt16();
            BaseOffset = reader.ReadInt64();
            if (version >= 2) LogAppendTimeMs = reader.ReadInt64();
            if (version >= 5) LogStartOffset = reader.ReadInt64();
            if (version >= 8)
            {
                RecordErrors = VersionedCodec.Read<BatchIndexAndErrorMessage>(ref reader, version);
                ErrorMessage = reader.ReadNullableString();
            }
            var tags = VersionedCodec.ReadTagCount(ref reader);
            for (var i = 0u; i < tags; i++)
            {
                var field = VersionedCodec.ReadTaggedField(ref reader, out var tag);
                if (tag == 0 && version >= 10)
                {
                    CurrentLeader = new LeaderIdAndEpoch();
                    CurrentLeader.Read(ref field, version);
                }
            }
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(Index);
            writer.WriteInt16(ErrorCode);
            writer.WriteInt64(BaseOffset);
            if (version >= 2) writer.WriteInt64(LogAppendTimeMs);
            if (version >= 5) writer.WriteInt64(LogStartOffset);
            if (version >= 8)
            {
                VersionedCodec.Write(writer, RecordErrors, version);
                writer.WriteNullableString(ErrorMessage);
            }
            if (!writer.Flexible) return;
            var leader = version >= 10 && CurrentLeader is { IsDefault: false } ? CurrentLeader : null;
            writer.WriteUnsignedVarInt(leader is null ? 0u : 1u);
            if (leader is not null) writer.WriteTaggedField(0, w => leader.Write(w, version));
        }
    }

    /// <summary>Index of a record (within its batch) that caused the batch to be rejected, and why.</summary>
    public sealed record BatchIndexAndErrorMessage : IMessage
    {
        public int BatchIndex { get; set; }
        public string? BatchIndexErrorMessage { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            BatchIndex = reader.ReadInt32();
            BatchIndexErrorMessage = reader.ReadNullableString();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(BatchIndex);
            writer.WriteNullableString(BatchIndexErrorMessage);
            writer.WriteEmptyTaggedFields();
        }
    }
}
