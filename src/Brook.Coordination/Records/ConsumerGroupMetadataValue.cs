namespace Brook.Coordination.Records;

/// <summary>
/// The value of a ConsumerGroupMetadataKey (key version 3): the group epoch. Tagged field 0 is the hash of the
/// subscribed topics' metadata (Kafka 4.1+, KIP-1101); Brook stores its own hash there, which it compares on every
/// heartbeat to notice created topics and added partitions.
/// </summary>
public sealed record ConsumerGroupMetadataValue(int Epoch, long MetadataHash)
{
    private const uint MetadataHashTag = 0;

    public byte[] Encode() => TopicPartitionsCodec.Encode(32, writer =>
    {
        writer.WriteInt32(Epoch);
        if (MetadataHash == 0)
        {
            writer.WriteEmptyTaggedFields();
            return;
        }
        writer.WriteUnsignedVarInt(1);
        writer.WriteTaggedField(MetadataHashTag, w => w.WriteInt64(MetadataHash));
    });

    public static ConsumerGroupMetadataValue Decode(ReadOnlySpan<byte> value)
    {
        var reader = TopicPartitionsCodec.OpenValue(value, "ConsumerGroupMetadataValue");
        var epoch = reader.ReadInt32();
        var hash = reader.ReadTaggedInt64(MetadataHashTag, 0);
        return new ConsumerGroupMetadataValue(epoch, hash);
    }
}
