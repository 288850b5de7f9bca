using Brook.Coordination.Model;
using Brook.Coordination.Records;

namespace Brook.Coordination;

/// <summary>Loading KIP-848 consumer group records: each is applied exactly as it was when written live.</summary>
public sealed partial class GroupCoordinator
{
    private void ReplayConsumerGroupRecord(int partition, OffsetsRecordKey key, ReadOnlySpan<byte> value, bool isTombstone)
    {
        // Decode outside the lock: it allocates and may throw on a corrupt record.
        ConsumerGroupMetadataValue? groupMetadata = null;
        ConsumerGroupMemberMetadataValue? memberMetadata = null;
        ConsumerGroupTargetAssignmentMetadataValue? targetMetadata = null;
        ConsumerGroupTargetAssignmentMemberValue? targetMember = null;
        ConsumerGroupCurrentMemberAssignmentValue? current = null;
        if (!isTombstone)
        {
            switch (key.Type)
            {
                case OffsetsRecordType.ConsumerGroupMetadata: groupMetadata = ConsumerGroupMetadataValue.Decode(value); break;
                case OffsetsRecordType.ConsumerGroupMemberMetadata: memberMetadata = ConsumerGroupMemberMetadataValue.Decode(value); break;
                case OffsetsRecordType.ConsumerGroupTargetAssignmentMetadata: targetMetadata = ConsumerGroupTargetAssignmentMetadataValue.Decode(value); break;
                case OffsetsRecordType.ConsumerGroupTargetAssignmentMember: targetMember = ConsumerGroupTargetAssignmentMemberValue.Decode(value); break;
                case OffsetsRecordType.ConsumerGroupCurrentMemberAssignment: current = ConsumerGroupCurrentMemberAssignmentValue.Decode(value); break;
            }
        }

        lock (_lock)
        {
            if (!IsLoadingPartition(partition))
                throw new InvalidOperationException($"__consumer_offsets partition {partition} is not loading");
            _groups.TryGetValue(key.GroupId, out var holder);
            if (key.Type == OffsetsRecordType.ConsumerGroupPartitionMetadata) return;

            if (isTombstone)
            {
                if (holder?.Consumer is not { } existing) return;
                switch (key.Type)
                {
                    case OffsetsRecordType.ConsumerGroupMetadata:
                        // The group itself is gone (deleted, expired, or turned into a classic group); its offsets stay.
                        holder.Consumer = null;
                        if (holder.IsUnused) _groups.Remove(holder.GroupId);
                        break;
                    case OffsetsRecordType.ConsumerGroupMemberMetadata: existing.ApplyMemberMetadata(key.MemberId!, null); break;
                    case OffsetsRecordType.ConsumerGroupTargetAssignmentMetadata: existing.ApplyTargetAssignmentMetadata(null); break;
                    case OffsetsRecordType.ConsumerGroupTargetAssignmentMember: existing.ApplyTargetAssignmentMember(key.MemberId!, null); break;
                    case OffsetsRecordType.ConsumerGroupCurrentMemberAssignment: existing.ApplyCurrentAssignment(key.MemberId!, null); break;
                }
                return;
            }

            holder ??= AddLoadedGroup(key.GroupId, partition);
            var cg = holder.Consumer ??= new ConsumerGroup(key.GroupId);
            if (groupMetadata is not null) cg.ApplyGroupMetadata(groupMetadata);
            else if (memberMetadata is not null) cg.ApplyMemberMetadata(key.MemberId!, memberMetadata);
            else if (targetMetadata is not null) cg.ApplyTargetAssignmentMetadata(targetMetadata);
            else if (targetMember is not null) cg.ApplyTargetAssignmentMember(key.MemberId!, targetMember);
            else if (current is not null) cg.ApplyCurrentAssignment(key.MemberId!, current);
        }
    }
}
