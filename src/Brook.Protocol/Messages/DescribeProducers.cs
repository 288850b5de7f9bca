namespace Brook.Protocol.Messages;

// DescribeProducers (key 61), version 0, flexible from 0. Added by KIP-664: a partition leader's view of the producers
// with state on a partition, including the start offset of any open transaction (how hanging transactions are found).

/// <summary>DescribeProducers request: the partitions whose active producers are wanted.</summary>
public sealed class DescribeProducersRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.DescribeProducers, 0, 0, 0);

    public List<TopicRequest> Topics { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        Topics = VersionedCodec.Read<TopicRequest>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One topic and the partitions of it to describe.</summary>
    public sealed class TopicRequest : IMessage
    {
        public string Name { get; set; } = "";
        public List<int> PartitionIndexes { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            PartitionIndexes = VersionedCodec.ReadInt32s(ref reader);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.WriteInt32s(writer, PartitionIndexes);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>DescribeProducers response: per partition, an error or the active producers.</summary>
public sealed class DescribeProducersResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public List<TopicResponse> Topics { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        Topics = VersionedCodec.Read<TopicResponse>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>Results for one topic.</summary>
    public sealed class TopicResponse : IMessage
    {
        public string Name { get; set; } = "";
        public List<PartitionResponse> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.Read<PartitionResponse>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>The producers of one partition, or an error.</summary>
    public sealed class PartitionResponse : IMessage
    {
        public int PartitionIndex { get; set; }
        public short ErrorCode { get; set; }
        public string? ErrorMessage { get; set; }
        public List<ProducerState> ActiveProducers { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            ErrorCode = reader.ReadInt16();
            ErrorMessage = reader.ReadNullableString();
            ActiveProducers = VersionedCodec.Read<ProducerState>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt16(ErrorCode);
            writer.WriteNullableString(ErrorMessage);
            VersionedCodec.Write(writer, ActiveProducers, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>What the partition leader remembers about one producer.</summary>
    public sealed class ProducerState : IMessage
    {
        public long ProducerId { get; set; }
        /// <summary>The producer's epoch; an int32 on the wire here, unlike the int16 epochs elsewhere.</summary>
        public int ProducerEpoch { get; set; }
        /// <summary>Sequence number of the producer's last batch, or -1.</summary>
        public int LastSequence { get; set; } = -1;
        /// <summary>Timestamp of the producer's last batch, or -1.</summary>
        public long LastTimestamp { get; set; } = -1;
        /// <summary>Epoch of the transaction coordinator that last wrote a marker for this producer.</summary>
        public int CoordinatorEpoch { get; set; }
        /// <summary>First offset of the producer's open transaction on this partition, or -1 if none is open.</summary>
        public long CurrentTxnStartOffset { get; set; } = -1;

        public void Read(ref ProtocolReader reader, short version)
        {
            ProducerId = reader.ReadInt64();
            ProducerEpoch = reader.ReadInt32();
            LastSequence = reader.ReadInt32();
            LastTimestamp = reader.ReadInt64();
            CoordinatorEpoch = reader.ReadInt32();
            CurrentTxnStartOffset = reader.ReadInt64();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt64(ProducerId);
            writer.WriteInt32(ProducerEpoch);
            writer.WriteInt32(LastSequence);
            writer.WriteInt64(LastTimestamp);
            writer.WriteInt32(CoordinatorEpoch);
            writer.WriteInt64(CurrentTxnStartOffset);
            writer.WriteEmptyTaggedFields();
        }
    }
}
