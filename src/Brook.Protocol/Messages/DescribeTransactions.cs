namespace Brook.Protocol.Messages;

// DescribeTransactions (key 65), version 0, flexible from 0. Added by KIP-664 (tools to find and abort hanging
// transactions): the coordinator's view of each named transactional id.

/// <summary>DescribeTransactions request: the transactional ids to describe.</summary>
public sealed class DescribeTransactionsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.DescribeTransactions, 0, 0, 0);

    /// <summary>The ids to describe; an empty list describes nothing.</summary>
    public List<string> TransactionalIds { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        TransactionalIds = reader.ReadArray(static (ref ProtocolReader r) => r.ReadString());
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteArray(TransactionalIds, static (w, id) => w.WriteString(id));
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>DescribeTransactions response: one state entry per requested transactional id.</summary>
public sealed class DescribeTransactionsResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public List<DescribedTransaction> TransactionStates { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        TransactionStates = VersionedCodec.Read<DescribedTransaction>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        VersionedCodec.Write(writer, TransactionStates, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>
    /// The state of one transactional id (the wire struct Kafka calls TransactionState; renamed here because C# does not
    /// allow a member named like its type).
    /// </summary>
    public sealed class DescribedTransaction : IMessage
    {
        public short ErrorCode { get; set; }
        public string TransactionalId { get; set; } = "";
        /// <summary>The coordinator's state name, e.g. "Ongoing", "PrepareCommit", "CompleteAbort", "Empty".</summary>
        public string TransactionState { get; set; } = "";
        public int TransactionTimeoutMs { get; set; }
        /// <summary>When the ongoing transaction started, or -1 when none is ongoing.</summary>
        public long TransactionStartTimeMs { get; set; } = -1;
        public long ProducerId { get; set; } = -1;
        public short ProducerEpoch { get; set; } = -1;
        /// <summary>The partitions in the current transaction (while ending it, only those still without a marker).</summary>
        public List<TopicData> Topics { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            ErrorCode = reader.ReadInt16();
            TransactionalId = reader.ReadString();
            TransactionState = reader.ReadString();
            TransactionTimeoutMs = reader.ReadInt32();
            TransactionStartTimeMs = reader.ReadInt64();
            ProducerId = reader.ReadInt64();
            ProducerEpoch = reader.ReadInt16();
            Topics = VersionedCodec.Read<TopicData>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt16(ErrorCode);
            writer.WriteString(TransactionalId);
            writer.WriteString(TransactionState);
            writer.WriteInt32(TransactionTimeoutMs);
            writer.WriteInt64(TransactionStartTimeMs);
            writer.WriteInt64(ProducerId);
            writer.WriteInt16(ProducerEpoch);
            VersionedCodec.Write(writer, Topics, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>One topic and its partitions in a transaction.</summary>
    public sealed class TopicData : IMessage
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
