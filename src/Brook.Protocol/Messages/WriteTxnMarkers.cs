namespace Brook.Protocol.Messages;

// WriteTxnMarkers (key 27), versions 0-1, flexible from 1 (KIP-482). Sent by a transaction coordinator to partition
// leaders to append the COMMIT or ABORT control record that ends a transaction on each partition (KIP-98).
// Kafka 4.0 brokers only serve v1. The response has no throttle time.

/// <summary>WriteTxnMarkers request: the end-of-transaction markers to append, per producer.</summary>
public sealed class WriteTxnMarkersRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.WriteTxnMarkers, 0, 1, 1);

    public List<WritableTxnMarker> Markers { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        Markers = VersionedCodec.Read<WritableTxnMarker>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        VersionedCodec.Write(writer, Markers, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One producer's transaction outcome and the partitions that need its marker.</summary>
    public sealed class WritableTxnMarker : IMessage
    {
        public long ProducerId { get; set; }
        public short ProducerEpoch { get; set; }
        /// <summary>True writes a COMMIT marker, false an ABORT marker.</summary>
        public bool TransactionResult { get; set; }
        public List<WritableTxnMarkerTopic> Topics { get; set; } = [];
        /// <summary>Epoch of the coordinator's transaction-log partition; lets leaders reject a stale coordinator.</summary>
        public int CoordinatorEpoch { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            ProducerId = reader.ReadInt64();
            ProducerEpoch = reader.ReadInt16();
            TransactionResult = reader.ReadBool();
            Topics = VersionedCodec.Read<WritableTxnMarkerTopic>(ref reader, version);
            CoordinatorEpoch = reader.ReadInt32();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt64(ProducerId);
            writer.WriteInt16(ProducerEpoch);
            writer.WriteBool(TransactionResult);
            VersionedCodec.Write(writer, Topics, version);
            writer.WriteInt32(CoordinatorEpoch);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>One topic and the partitions of it to mark.</summary>
    public sealed class WritableTxnMarkerTopic : IMessage
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

/// <summary>WriteTxnMarkers response: per producer and partition, whether the marker was written.</summary>
public sealed class WriteTxnMarkersResponse : IMessage
{
    public List<WritableTxnMarkerResult> Markers { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        Markers = VersionedCodec.Read<WritableTxnMarkerResult>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        VersionedCodec.Write(writer, Markers, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>Results for one producer's marker.</summary>
    public sealed class WritableTxnMarkerResult : IMessage
    {
        public long ProducerId { get; set; }
        public List<WritableTxnMarkerTopicResult> Topics { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            ProducerId = reader.ReadInt64();
            Topics = VersionedCodec.Read<WritableTxnMarkerTopicResult>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt64(ProducerId);
            VersionedCodec.Write(writer, Topics, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>Results for one topic.</summary>
    public sealed class WritableTxnMarkerTopicResult : IMessage
    {
        public string Name { get; set; } = "";
        public List<WritableTxnMarkerPartitionResult> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.Read<WritableTxnMarkerPartitionResult>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>The outcome for one partition.</summary>
    public sealed class WritableTxnMarkerPartitionResult : IMessage
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
