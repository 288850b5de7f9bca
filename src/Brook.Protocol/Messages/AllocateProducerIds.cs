namespace Brook.Protocol.Messages;

// AllocateProducerIds (key 67, KIP-730), version 0, flexible. A broker asks the active controller for a block of
// producer ids to hand out from InitProducerId; the controller reserves the block in the metadata log, so ids stay
// unique across brokers and restarts.

/// <summary>AllocateProducerIds request: which broker asks, with its broker epoch.</summary>
public sealed class AllocateProducerIdsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.AllocateProducerIds, 0, 0, 0);

    public int BrokerId { get; set; }
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

/// <summary>AllocateProducerIds response: the reserved block [ProducerIdStart, ProducerIdStart + ProducerIdLen).</summary>
public sealed class AllocateProducerIdsResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }
    public long ProducerIdStart { get; set; }
    public int ProducerIdLen { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        ProducerIdStart = reader.ReadInt64();
        ProducerIdLen = reader.ReadInt32();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        writer.WriteInt64(ProducerIdStart);
        writer.WriteInt32(ProducerIdLen);
        writer.WriteEmptyTaggedFields();
    }
}
