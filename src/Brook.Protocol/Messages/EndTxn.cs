namespace Brook.Protocol.Messages;

// EndTxn (key 26), versions 0-5, flexible from 3 (KIP-482). Commits or aborts a producer's transaction (KIP-98).
// v1 only changes throttling behaviour; v2 may answer PRODUCER_FENCED; v4 TRANSACTION_ABORTABLE (KIP-890). With v5
// (KIP-890 part 2) the coordinator bumps the producer epoch at the end of every transaction and the response carries
// the producer id and epoch the producer must use next.

/// <summary>EndTxn request: commit or abort the producer's ongoing transaction.</summary>
public sealed class EndTxnRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.EndTxn, 0, 5, 3);

    public string TransactionalId { get; set; } = "";
    public long ProducerId { get; set; }
    public short ProducerEpoch { get; set; }
    /// <summary>True to commit, false to abort.</summary>
    public bool Committed { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        TransactionalId = reader.ReadString();
        ProducerId = reader.ReadInt64();
        ProducerEpoch = reader.ReadInt16();
        Committed = reader.ReadBool();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteString(TransactionalId);
        writer.WriteInt64(ProducerId);
        writer.WriteInt16(ProducerEpoch);
        writer.WriteBool(Committed);
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>EndTxn response: an error code and, from v5, the producer id and epoch to continue with.</summary>
public sealed class EndTxnResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }
    /// <summary>The producer id to use from now on (v5+), -1 if none.</summary>
    public long ProducerId { get; set; } = -1;
    /// <summary>The bumped producer epoch to use from now on (v5+), -1 if none.</summary>
    public short ProducerEpoch { get; set; } = -1;

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        if (version >= 5)
        {
            ProducerId = reader.ReadInt64();
            ProducerEpoch = reader.ReadInt16();
        }
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        if (version >= 5)
        {
            writer.WriteInt64(ProducerId);
            writer.WriteInt16(ProducerEpoch);
        }
        writer.WriteEmptyTaggedFields();
    }
}
