using Brook.Common;

namespace Brook.Protocol.Messages;

// AlterPartition (key 56, KIP-497; was AlterIsr), codec versions 2-3, flexible in every version. A partition leader
// asks the controller to change the partition's ISR (shrink a lagging follower out, expand a caught-up one in); the
// change takes effect only when the controller commits it, and the response carries the partition as committed.
// Stale requests are fenced by the leader epoch and PartitionEpoch.
// v1 added LeaderRecoveryState (KIP-704); v2 names topics by id instead of name and may return INELIGIBLE_REPLICA,
// NEW_LEADER_ELECTED, UNKNOWN_TOPIC_ID (KIP-841); v3 replaces NewIsr with NewIsrWithEpochs, each proposed member with
// its broker epoch, so the controller can refuse a broker that restarted since it caught up (KIP-903). The response is
// unchanged in v3. Kafka 4.x serves only v2-3 (v0-1 named topics and were removed by KIP-896), so the codec starts at
// v2. A v2 request is read into NewIsrWithEpochs with epochs of -1, and written as the broker ids alone.
// The ELR fields of KIP-966 are not part of this API (the controller keeps them in PartitionRecord).

/// <summary>AlterPartition request: a leader's proposed ISR changes, sent to the active controller.</summary>
public sealed class AlterPartitionRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.AlterPartition, 2, 3, 0);

    /// <summary>The requesting leader's broker id.</summary>
    public int BrokerId { get; set; }
    /// <summary>The requesting leader's broker epoch, or -1.</summary>
    public long BrokerEpoch { get; set; } = -1;
    public List<TopicData> Topics { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        BrokerId = reader.ReadInt32();
        BrokerEpoch = reader.ReadInt64();
        Topics = VersionedCodec.Read<TopicData>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(BrokerId);
        writer.WriteInt64(BrokerEpoch);
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>The partitions of one topic, named by id.</summary>
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

    /// <summary>The ISR the leader proposes for one partition.</summary>
    public sealed class PartitionData : IMessage
    {
        public int PartitionIndex { get; set; }
        /// <summary>The leader epoch the leader holds; the controller rejects a stale one.</summary>
        public int LeaderEpoch { get; set; }
        /// <summary>The proposed ISR with each member's broker epoch (v3, KIP-903); v2 carries only the ids.</summary>
        public List<BrokerState> NewIsrWithEpochs { get; set; } = [];
        /// <summary>1 while the partition is recovering from an unclean leader election (KIP-704), else 0.</summary>
        public sbyte LeaderRecoveryState { get; set; }
        /// <summary>The partition epoch the leader last saw; the update applies only if it is still current.</summary>
        public int PartitionEpoch { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            LeaderEpoch = reader.ReadInt32();
            if (version <= 2)
            {
                var ids = VersionedCodec.ReadInt32s(ref reader);
                NewIsrWithEpochs = new List<BrokerState>(ids.Count);
                foreach (var id in ids) NewIsrWithEpochs.Add(new BrokerState { BrokerId = id });
            }
            else
            {
                NewIsrWithEpochs = VersionedCodec.Read<BrokerState>(ref reader, version);
            }
            LeaderRecoveryState = reader.ReadInt8();
            PartitionEpoch = reader.ReadInt32();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt32(LeaderEpoch);
            if (version <= 2)
            {
                writer.WriteArrayLength(NewIsrWithEpochs.Count);
                foreach (var member in NewIsrWithEpochs) writer.WriteInt32(member.BrokerId);
            }
            else
            {
                VersionedCodec.Write(writer, NewIsrWithEpochs, version);
            }
            writer.WriteInt8(LeaderRecoveryState);
            writer.WriteInt32(PartitionEpoch);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>A proposed ISR member and the broker epoch at which the leader saw it caught up (KIP-903).</summary>
    public sealed record BrokerState : IMessage
    {
        public int BrokerId { get; set; }
        /// <summary>The member's broker epoch, or -1 if the leader does not know it.</summary>
        public long BrokerEpoch { get; set; } = -1;

        public void Read(ref ProtocolReader reader, short version)
        {
            BrokerId = reader.ReadInt32();
            BrokerEpoch = reader.ReadInt64();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(BrokerId);
            writer.WriteInt64(BrokerEpoch);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>AlterPartition response: each partition's state as the controller committed it, or why it was refused.</summary>
public sealed class AlterPartitionResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }
    public List<TopicData> Topics { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        Topics = VersionedCodec.Read<TopicData>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>Results for one topic, named by id.</summary>
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

    /// <summary>One partition as committed (leader, epochs, ISR), or its error.</summary>
    public sealed class PartitionData : IMessage
    {
        public int PartitionIndex { get; set; }
        public short ErrorCode { get; set; }
        public int LeaderId { get; set; }
        public int LeaderEpoch { get; set; }
        public List<int> Isr { get; set; } = [];
        /// <summary>1 while the partition is recovering from an unclean leader election (KIP-704), else 0.</summary>
        public sbyte LeaderRecoveryState { get; set; }
        public int PartitionEpoch { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            ErrorCode = reader.ReadInt16();
            LeaderId = reader.ReadInt32();
            LeaderEpoch = reader.ReadInt32();
            Isr = VersionedCodec.ReadInt32s(ref reader);
            LeaderRecoveryState = reader.ReadInt8();
            PartitionEpoch = reader.ReadInt32();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt16(ErrorCode);
            writer.WriteInt32(LeaderId);
            writer.WriteInt32(LeaderEpoch);
            VersionedCodec.WriteInt32s(writer, Isr);
            writer.WriteInt8(LeaderRecoveryState);
            writer.WriteInt32(PartitionEpoch);
            writer.WriteEmptyTaggedFields();
        }
    }
}
