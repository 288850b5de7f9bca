namespace Brook.Coordination.Records;

/// <summary>The value of a ConsumerGroupTargetAssignmentMetadataKey (key version 6): the group epoch the target assignment was computed for.</summary>
public sealed record ConsumerGroupTargetAssignmentMetadataValue(int AssignmentEpoch)
{
    public byte[] Encode() => TopicPartitionsCodec.Encode(16, writer =>
    {
        writer.WriteInt32(AssignmentEpoch);
        writer.WriteEmptyTaggedFields();
    });

    public static ConsumerGroupTargetAssignmentMetadataValue Decode(ReadOnlySpan<byte> value)
    {
        var reader = TopicPartitionsCodec.OpenValue(value, "ConsumerGroupTargetAssignmentMetadataValue");
        var epoch = reader.ReadInt32();
        reader.SkipTaggedFields();
        return new ConsumerGroupTargetAssignmentMetadataValue(epoch);
    }
}
