namespace Brook.Coordination.Records;

/// <summary>
/// The value of a ConsumerGroupCurrentMemberAssignmentKey (key version 8): a member's reconciliation state — its epoch,
/// the epoch before it (accepted once more, in case the response that bumped it was lost), its state, the partitions
/// it may use and those it must still give up.
/// </summary>
public sealed record ConsumerGroupCurrentMemberAssignmentValue(
    int MemberEpoch,
    int PreviousMemberEpoch,
    ConsumerMemberState State,
    PartitionAssignment AssignedPartitions,
    PartitionAssignment PartitionsPendingRevocation)
{
    public byte[] Encode() => TopicPartitionsCodec.Encode(64 + (AssignedPartitions.Count + PartitionsPendingRevocation.Count) * 4, writer =>
    {
        writer.WriteInt32(MemberEpoch);
        writer.WriteInt32(PreviousMemberEpoch);
        writer.WriteInt8((sbyte)State);
        TopicPartitionsCodec.Write(writer, AssignedPartitions);
        TopicPartitionsCodec.Write(writer, PartitionsPendingRevocation);
        writer.WriteEmptyTaggedFields();
    });

    public static ConsumerGroupCurrentMemberAssignmentValue Decode(ReadOnlySpan<byte> value)
    {
        var reader = TopicPartitionsCodec.OpenValue(value, "ConsumerGroupCurrentMemberAssignmentValue");
        var epoch = reader.ReadInt32();
        var previous = reader.ReadInt32();
        var state = (ConsumerMemberState)reader.ReadInt8();
        if (!Enum.IsDefined(state)) state = ConsumerMemberState.Unknown;
        var assigned = TopicPartitionsCodec.Read(ref reader);
        var pending = TopicPartitionsCodec.Read(ref reader);
        reader.SkipTaggedFields();
        return new ConsumerGroupCurrentMemberAssignmentValue(epoch, previous, state, assigned, pending);
    }
}
