namespace Brook.Coordination.Records;

/// <summary>The value of a ConsumerGroupTargetAssignmentMemberKey (key version 7): the partitions the assignor gave one member.</summary>
public sealed record ConsumerGroupTargetAssignmentMemberValue(PartitionAssignment TopicPartitions)
{
    public byte[] Encode() => TopicPartitionsCodec.Encode(32 + TopicPartitions.Count * 4, writer =>
    {
        TopicPartitionsCodec.Write(writer, TopicPartitions);
        writer.WriteEmptyTaggedFields();
    });

    public static ConsumerGroupTargetAssignmentMemberValue Decode(ReadOnlySpan<byte> value)
    {
        var reader = TopicPartitionsCodec.OpenValue(value, "ConsumerGroupTargetAssignmentMemberValue");
        var partitions = TopicPartitionsCodec.Read(ref reader);
        reader.SkipTaggedFields();
        return new ConsumerGroupTargetAssignmentMemberValue(partitions);
    }
}
