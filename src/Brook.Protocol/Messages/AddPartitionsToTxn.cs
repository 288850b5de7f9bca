namespace Brook.Protocol.Messages;

// AddPartitionsToTxn (key 24), versions 0-5, flexible from 3 (KIP-482).
// v0-3 add partitions to one producer's transaction; v2 may answer PRODUCER_FENCED. v4 (KIP-890 part 1) batches
// several transactions per request, adds VerifyOnly (a partition leader asking the coordinator whether a partition is
// already in the transaction) and a top-level error; v4+ are meant for broker-to-broker use while clients keep using
// v3 and below. v5 may answer TRANSACTION_ABORTABLE (KIP-890).

/// <summary>
/// AddPartitionsToTxn request, held in the batched v4+ shape: a v0-3 request reads as a single entry of
/// <see cref="Transactions"/> (VerifyOnly false), and writing v0-3 requires exactly one transaction.
/// </summary>
public sealed class AddPartitionsToTxnRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.AddPartitionsToTxn, 0, 5, 3);

    public List<AddPartitionsToTxnTransaction> Transactions { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version <= 3)
        {
            var transaction = new AddPartitionsToTxnTransaction
            {
                TransactionalId = reader.ReadString(),
                ProducerId = reader.ReadInt64(),
                ProducerEpoch = reader.ReadInt16(),
            };
            transaction.Topics = VersionedCodec.Read<AddPartitionsToTxnTopic>(ref reader, version);
            Transactions = [transaction];
        }
        else
        {
            Transactions = VersionedCodec.Read<AddPartitionsToTxnTransaction>(ref reader, version);
        }
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version <= 3)
        {
            if (Transactions.Count != 1)
                throw new InvalidOperationException($"AddPartitionsToTxn v{version} carries exactly one transaction, not {Transactions.Count}");
            var transaction = Transactions[0];
            writer.WriteString(transaction.TransactionalId);
            writer.WriteInt64(transaction.ProducerId);
            writer.WriteInt16(transaction.ProducerEpoch);
            VersionedCodec.Write(writer, transaction.Topics, version);
        }
        else
        {
            VersionedCodec.Write(writer, Transactions, version);
        }
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>The partitions to add to one producer's ongoing transaction.</summary>
    public sealed class AddPartitionsToTxnTransaction : IMessage
    {
        public string TransactionalId { get; set; } = "";
        public long ProducerId { get; set; }
        public short ProducerEpoch { get; set; }
        /// <summary>Only check whether the partitions are already in the transaction, do not add them (v4+).</summary>
        public bool VerifyOnly { get; set; }
        public List<AddPartitionsToTxnTopic> Topics { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            TransactionalId = reader.ReadString();
            ProducerId = reader.ReadInt64();
            ProducerEpoch = reader.ReadInt16();
            VerifyOnly = reader.ReadBool();
            Topics = VersionedCodec.Read<AddPartitionsToTxnTopic>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(TransactionalId);
            writer.WriteInt64(ProducerId);
            writer.WriteInt16(ProducerEpoch);
            writer.WriteBool(VerifyOnly);
            VersionedCodec.Write(writer, Topics, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>One topic and the partitions of it to add.</summary>
    public sealed class AddPartitionsToTxnTopic : IMessage
    {
        public string Name { get; set; } = "";
        public List<int> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.ReadInt32s(ref reader);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.WriteInt32s(writer, Partitions);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>
/// AddPartitionsToTxn response, held in the v4+ shape. A v0-3 response reads as a single entry of
/// <see cref="ResultsByTransaction"/> whose TransactionalId is "" (the wire does not repeat it). Writing v0-3 requires
/// at most one transaction result (none writes an empty topic list); since those versions have no top-level error, a
/// non-zero <see cref="ErrorCode"/> is sent as the error of every partition that has none of its own.
/// </summary>
public sealed class AddPartitionsToTxnResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    /// <summary>Error for the whole request (v4+), e.g. CLUSTER_AUTHORIZATION_FAILED.</summary>
    public short ErrorCode { get; set; }
    public List<AddPartitionsToTxnResult> ResultsByTransaction { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        if (version <= 3)
        {
            ResultsByTransaction = [new AddPartitionsToTxnResult { TopicResults = VersionedCodec.Read<AddPartitionsToTxnTopicResult>(ref reader, version) }];
        }
        else
        {
            ErrorCode = reader.ReadInt16();
            ResultsByTransaction = VersionedCodec.Read<AddPartitionsToTxnResult>(ref reader, version);
        }
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        if (version <= 3)
        {
            if (ResultsByTransaction.Count > 1)
                throw new InvalidOperationException($"AddPartitionsToTxn v{version} answers one transaction, not {ResultsByTransaction.Count}");
            if (ResultsByTransaction.Count == 0) writer.WriteArrayLength(0);
            else if (ErrorCode == 0) VersionedCodec.Write(writer, ResultsByTransaction[0].TopicResults, version);
            else WriteTopicsWithTopLevelError(writer, ResultsByTransaction[0].TopicResults, ErrorCode);
        }
        else
        {
            writer.WriteInt16(ErrorCode);
            VersionedCodec.Write(writer, ResultsByTransaction, version);
        }
        writer.WriteEmptyTaggedFields();
    }

    private static void WriteTopicsWithTopLevelError(ProtocolWriter writer, List<AddPartitionsToTxnTopicResult> topics, short errorCode)
    {
        writer.WriteArrayLength(topics.Count);
        foreach (var topic in topics)
        {
            writer.WriteString(topic.Name);
            writer.WriteArrayLength(topic.ResultsByPartition.Count);
            foreach (var p in topic.ResultsByPartition)
            {
                writer.WriteInt32(p.PartitionIndex);
                writer.WriteInt16(p.PartitionErrorCode != 0 ? p.PartitionErrorCode : errorCode);
                writer.WriteEmptyTaggedFields();
            }
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>Results for one transaction.</summary>
    public sealed class AddPartitionsToTxnResult : IMessage
    {
        public string TransactionalId { get; set; } = "";
        public List<AddPartitionsToTxnTopicResult> TopicResults { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            TransactionalId = reader.ReadString();
            TopicResults = VersionedCodec.Read<AddPartitionsToTxnTopicResult>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(TransactionalId);
            VersionedCodec.Write(writer, TopicResults, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>Results for one topic.</summary>
    public sealed class AddPartitionsToTxnTopicResult : IMessage
    {
        public string Name { get; set; } = "";
        public List<AddPartitionsToTxnPartitionResult> ResultsByPartition { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            ResultsByPartition = VersionedCodec.Read<AddPartitionsToTxnPartitionResult>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.Write(writer, ResultsByPartition, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>The outcome for one partition.</summary>
    public sealed class AddPartitionsToTxnPartitionResult : IMessage
    {
        public int PartitionIndex { get; set; }
        public short PartitionErrorCode { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            PartitionErrorCode = reader.ReadInt16();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt16(PartitionErrorCode);
            writer.WriteEmptyTaggedFields();
        }
    }
}
