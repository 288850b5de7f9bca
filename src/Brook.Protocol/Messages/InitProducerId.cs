namespace Brook.Protocol.Messages;

// InitProducerId (key 22), versions 0-5, flexible from 2 (KIP-482).
// v3 lets a producer send its current id and epoch so the broker can bump the epoch instead of fencing it (KIP-360);
// v4 may answer PRODUCER_FENCED, v5 TRANSACTION_ABORTABLE (KIP-890). The request/response shapes of v4/v5 equal v3's.

/// <summary>InitProducerId request: obtain (or bump the epoch of) a producer id, optionally for a transactional id.</summary>
public sealed class InitProducerIdRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.InitProducerId, 0, 5, 2);

    /// <summary>Null for an idempotent-only producer.</summary>
    public string? TransactionalId { get; set; }
    public int TransactionTimeoutMs { get; set; }
    /// <summary>v3+: the producer's current id, or -1 when it has none.</summary>
    public long ProducerId { get; set; } = -1;
    /// <summary>v3+: the producer's current epoch, or -1 when it has none.</summary>
    public short ProducerEpoch { get; set; } = -1;

    public void Read(ref ProtocolReader reader, short version)
    {
        TransactionalId = reader.ReadNullableString();
        TransactionTimeoutMs = reader.ReadInt32();
        if (version >= 3)
        {
            ProducerId = reader.ReadInt64();
            ProducerEpoch = reader.ReadInt16();
        }
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteNullableString(TransactionalId);
        writer.WriteInt32(TransactionTimeoutMs);
        if (version >= 3)
        {
            writer.WriteInt64(ProducerId);
            writer.WriteInt16(ProducerEpoch);
        }
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>InitProducerId response: the assigned producer id and epoch, or an error.</summary>
public sealed class InitProducerIdResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }
    public long ProducerId { get; set; } = -1;
    public short ProducerEpoch { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        ProducerId = reader.ReadInt64();
        ProducerEpoch = reader.ReadInt16();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        writer.WriteInt64(ProducerId);
        writer.WriteInt16(ProducerEpoch);
        writer.WriteEmptyTaggedFields();
    }
}
