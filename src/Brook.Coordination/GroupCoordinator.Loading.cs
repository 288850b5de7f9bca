using Brook.Common;
using Brook.Coordination.Model;
using Brook.Coordination.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Coordination;

/// <summary>
/// Taking over and giving up __consumer_offsets partitions. The host, on becoming leader of partition p, calls
/// <see cref="BeginLoading"/>, feeds every record of p in offset order to <see cref="Replay"/>, then calls
/// <see cref="CompleteLoading"/>; on losing leadership it calls <see cref="Unload"/>.
/// </summary>
public sealed partial class GroupCoordinator
{
    /// <summary>Claims a partition: its groups answer COORDINATOR_LOAD_IN_PROGRESS until <see cref="CompleteLoading"/>.</summary>
    public void BeginLoading(int partition)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (var group in GroupsOf(partition)) DropGroup(group, ErrorCode.NotCoordinator);
            _partitions[partition] = false;
        }
        ArmTimer();
    }

    /// <summary>
    /// Applies one record of a loading partition. Later records for a key replace earlier ones and a tombstone
    /// (<paramref name="isTombstone"/>, value ignored) removes the key, so the result is the compacted view of the log.
    /// KIP-848 consumer group keys rebuild consumer groups; keys of protocols Brook does not implement (share and
    /// streams groups) are skipped.
    /// </summary>
    /// <param name="producerId">The producer id of the record's batch (-1 for the coordinator's own, non-transactional batches).</param>
    /// <param name="isTransactional">Whether the batch is transactional: its offset commits are then pending for
    /// <paramref name="producerId"/> until the COMMIT or ABORT control record the host passes to <see cref="ReplayControl"/>.</param>
    /// <param name="offset">The record's offset in the partition, for diagnostics only: records must be replayed in log
    /// order, and that order is what decides which of a transactional and a plain commit is the later one.</param>
    public void Replay(int partition, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool isTombstone = false,
        long producerId = -1, bool isTransactional = false, long offset = -1)
    {
        var parsedKey = OffsetsRecordKey.Parse(key);
        if (parsedKey.Type == OffsetsRecordType.Unknown) return;
        if (parsedKey.IsConsumerGroupRecord)
        {
            ReplayConsumerGroupRecord(partition, parsedKey, value, isTombstone);
            return;
        }
        // Decode outside the lock: it allocates and may throw on a corrupt record.
        OffsetCommitValue? commit = null;
        GroupMetadataValue? metadata = null;
        if (!isTombstone)
        {
            if (parsedKey.Type == OffsetsRecordType.OffsetCommit) commit = OffsetCommitValue.Decode(value);
            else metadata = GroupMetadataValue.Decode(value);
        }

        lock (_lock)
        {
            if (!_partitions.TryGetValue(partition, out var loaded) || loaded)
                throw new InvalidOperationException($"__consumer_offsets partition {partition} is not loading");
            if (GroupPartitioner.PartitionFor(parsedKey.GroupId, _options.OffsetsTopicPartitions) != partition)
                _logger.LogWarning("Group {Group} found in partition {Partition}, not where it hashes to (offsets.topic.num.partitions changed?)",
                    parsedKey.GroupId, partition);

            _groups.TryGetValue(parsedKey.GroupId, out var group);
            if (parsedKey.Type == OffsetsRecordType.OffsetCommit)
            {
                if (commit is not null)
                {
                    group ??= AddLoadedGroup(parsedKey.GroupId, partition);
                    // Replayed records take sequence numbers too, in log order, so that a transaction's offsets are
                    // compared with plain commits by log position when its marker comes (see CommittedOffset).
                    var sequence = ++_appendSequence;
                    if (isTransactional && producerId >= 0)
                    {
                        var pending = new CommittedOffset(commit, sequence);
                        AddPendingOffset(group, producerId, parsedKey.TopicPartition, pending);
                        SettlePendingOffset(group, producerId, parsedKey.TopicPartition, pending, appended: true);
                        _logger.LogTrace("Replayed pending offset of producer {ProducerId} at offset {Offset} of partition {Partition}",
                            producerId, offset, partition);
                    }
                    else
                    {
                        ApplyOffsetCommit(group, parsedKey.TopicPartition, commit, sequence);
                    }
                }
                else if (group is not null)
                {
                    group.Offsets.Remove(parsedKey.TopicPartition);
                    RemovePendingOffsets(group, parsedKey.TopicPartition);
                    if (group.IsUnused) _groups.Remove(group.GroupId);
                }
            }
            else if (metadata is not null)
            {
                ApplyGroupMetadata(group ?? AddLoadedGroup(parsedKey.GroupId, partition), metadata);
            }
            else if (group is not null)
            {
                ClearMembership(group);
                if (group.IsUnused) _groups.Remove(group.GroupId);
            }
        }
    }

    /// <summary>Opens a loaded partition for requests; loaded members get a full session timeout to show up.</summary>
    public void CompleteLoading(int partition)
    {
        lock (_lock)
        {
            if (!_partitions.TryGetValue(partition, out var loaded) || loaded)
                throw new InvalidOperationException($"__consumer_offsets partition {partition} is not loading");
            _partitions[partition] = true;
            var groups = GroupsOf(partition);
            foreach (var group in groups)
            {
                foreach (var member in group.Members.Values) ScheduleHeartbeat(group, member);
                if (group.Consumer is { } consumer)
                {
                    // Consumer group members outlive the restart only as long as their session: they must heartbeat again.
                    foreach (var member in consumer.Members.Values)
                    {
                        _deadlines.Schedule(ConsumerSessionKey(group, member.MemberId), NowMs + _options.ConsumerGroupSessionTimeoutMs);
                        if (member.State == ConsumerMemberState.UnrevokedPartitions)
                            _deadlines.Schedule(ConsumerRevocationKey(group, member.MemberId),
                                NowMs + (member.RebalanceTimeoutMs > 0 ? member.RebalanceTimeoutMs : _options.ConsumerGroupSessionTimeoutMs));
                    }
                }
                // group.max.size may have shrunk since the group was written.
                if (group.Members.Count > _options.MaxGroupSize) PrepareRebalance(group, "loaded group is over group.max.size");
            }
            _logger.LogInformation("Loaded __consumer_offsets partition {Partition}: {Count} groups", partition, groups.Count);
        }
        ArmTimer();
    }

    /// <summary>Gives a partition up: its groups leave memory and parked requests get NOT_COORDINATOR.</summary>
    public void Unload(int partition)
    {
        lock (_lock)
        {
            foreach (var group in GroupsOf(partition)) DropGroup(group, ErrorCode.NotCoordinator);
            _partitions.Remove(partition);
        }
        ArmTimer();
    }

    /// <summary>Whether requests for groups of <paramref name="partition"/> are served here (loaded, not loading).</summary>
    public bool IsLoaded(int partition)
    {
        lock (_lock) return _partitions.TryGetValue(partition, out var loaded) && loaded;
    }

    private List<ClassicGroup> GroupsOf(int partition) => _groups.Values.Where(g => g.Partition == partition).ToList();

    private ClassicGroup AddLoadedGroup(string groupId, int partition)
    {
        // State timestamp 0 until a GroupMetadata record says otherwise: when a group of bare offsets emptied is
        // unknown, so their retention counts from their commits.
        var group = new ClassicGroup(groupId, partition, now: 0);
        _groups.Add(groupId, group);
        return group;
    }

    /// <summary>
    /// Rebuilds a group's membership from its GroupMetadataValue: Stable with its members and their assignments, or
    /// Empty. Each member's only protocol is the selected one, whose metadata is the stored subscription.
    /// </summary>
    private static void ApplyGroupMetadata(ClassicGroup group, GroupMetadataValue value)
    {
        ClearMembership(group);
        group.ProtocolType = value.ProtocolType.Length == 0 ? null : value.ProtocolType;
        group.GenerationId = value.Generation;
        group.ProtocolName = value.Protocol;
        foreach (var m in value.Members)
        {
            IReadOnlyList<GroupProtocol> protocols = value.Protocol is null ? [] : [new GroupProtocol(value.Protocol, m.Subscription)];
            var member = new GroupMember(m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost, m.RebalanceTimeoutMs,
                m.SessionTimeoutMs, value.ProtocolType, protocols) { Assignment = m.Assignment };
            group.Members[m.MemberId] = member;
            if (m.GroupInstanceId is { } instanceId) group.StaticMembers[instanceId] = m.MemberId;
        }
        group.LeaderId = value.Members.Count > 0 ? value.Leader : null;
        // Records before v2 carry no state timestamp (-1): retention then counts from each offset's commit alone.
        group.TransitionTo(value.Members.Count > 0 ? GroupState.Stable : GroupState.Empty, Math.Max(value.CurrentStateTimestamp, 0));
        group.SubscribedTopics = group.ComputeSubscribedTopics();
    }

    private static void ClearMembership(ClassicGroup group)
    {
        group.Members.Clear();
        group.StaticMembers.Clear();
        group.PendingMembers.Clear();
        group.PendingSyncMembers.Clear();
        group.GenerationId = 0;
        group.ProtocolType = null;
        group.ProtocolName = null;
        group.LeaderId = null;
        group.SubscribedTopics = null;
        group.TransitionTo(GroupState.Empty, group.CurrentStateTimestamp);
    }
}
