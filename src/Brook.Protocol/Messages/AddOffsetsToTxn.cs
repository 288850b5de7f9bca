namespace Brook.Protocol.Messages;

// AddOffsetsToTxn (key 25), versions 0-4, flexible from 3 (KIP-482). Sent by a transactional producer before
// TxnOffsetCommit so that the coordinator adds the group's __consumer_offsets partition to the transaction (KIP-98).
// v1 only changes throttling behaviour; v2 may answer PRODUCER_FENCED; v4 TRANSACTION_ABORTABLE (KIP-890).

/// <summary>AddOffsetsToTxn request: include a consumer group's offset commits in a producer's transaction.</summary>
public sealed class AddOffsetsToTxnRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.AddOffsetsToTxn, 0, 4, 3);

    public string TransactionalId { get; set; } = "";
    public long ProducerId { get; set; }
    public short ProducerEpoch { get; set; }
    public string GroupId { get; set; } = "";

    public void Read(ref ProtocolReader reader, short version)
    {
        TransactionalId = reader.ReadString();
        ProducerId = reader.ReadInt64();
        ProducerEpoch = reader.ReadInt16();
        GroupId = reader.ReadString();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteString(TransactionalId);
        writer.WriteInt64(ProducerId);
        writer.WriteInt16(ProducerEpoch);
        writer.WriteString(GroupId);
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>AddOffsetsToTxn response: an error code.</summary>
public sealed class AddOffsetsToTxnResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        writer.WriteEmptyTaggedFields();
    }
}
