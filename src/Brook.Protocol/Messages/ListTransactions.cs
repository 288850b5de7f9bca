namespace Brook.Protocol.Messages;

// ListTransactions (key 66), versions 0-1, flexible from 0. Added by KIP-664: the transactional ids a coordinator
// knows, filtered by state and producer id. v1 adds DurationFilter to find long-running transactions (KIP-994).
// The Kafka message definitions read for this codec stop at v1; newer brokers also list a v2 with a transactional-id
// pattern filter (KIP-1152).

/// <summary>ListTransactions request: filters on the transactions to list (empty filters match everything).</summary>
public sealed class ListTransactionsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.ListTransactions, 0, 1, 0);

    /// <summary>State names to match (e.g. "Ongoing"); empty matches every state.</summary>
    public List<string> StateFilters { get; set; } = [];
    /// <summary>Producer ids to match; empty matches every producer.</summary>
    public List<long> ProducerIdFilters { get; set; } = [];
    /// <summary>Only transactions running longer than this many ms (v1+); negative matches all.</summary>
    public long DurationFilter { get; set; } = -1;

    public void Read(ref ProtocolReader reader, short version)
    {
        StateFilters = reader.ReadArray(static (ref ProtocolReader r) => r.ReadString());
        ProducerIdFilters = VersionedCodec.ReadInt64s(ref reader);
        if (version >= 1) DurationFilter = reader.ReadInt64();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteArray(StateFilters, static (w, s) => w.WriteString(s));
        VersionedCodec.WriteInt64s(writer, ProducerIdFilters);
        if (version >= 1) writer.WriteInt64(DurationFilter);
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>ListTransactions response: the matching transactions and the state filters the coordinator did not know.</summary>
public sealed class ListTransactionsResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }
    /// <summary>Requested state filters that name no known state.</summary>
    public List<string> UnknownStateFilters { get; set; } = [];
    public List<ListedTransaction> TransactionStates { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        UnknownStateFilters = reader.ReadArray(static (ref ProtocolReader r) => r.ReadString());
        TransactionStates = VersionedCodec.Read<ListedTransaction>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        writer.WriteArray(UnknownStateFilters, static (w, s) => w.WriteString(s));
        VersionedCodec.Write(writer, TransactionStates, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>
    /// One listed transaction (the wire struct Kafka calls TransactionState; renamed here because C# does not allow a
    /// member named like its type).
    /// </summary>
    public sealed class ListedTransaction : IMessage
    {
        public string TransactionalId { get; set; } = "";
        public long ProducerId { get; set; }
        /// <summary>The coordinator's state name, e.g. "Ongoing".</summary>
        public string TransactionState { get; set; } = "";

        public void Read(ref ProtocolReader reader, short version)
        {
            TransactionalId = reader.ReadString();
            ProducerId = reader.ReadInt64();
            TransactionState = reader.ReadString();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(TransactionalId);
            writer.WriteInt64(ProducerId);
            writer.WriteString(TransactionState);
            writer.WriteEmptyTaggedFields();
        }
    }
}
