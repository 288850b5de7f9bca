using Brook.Common;
using Brook.Coordination.Model;
using Brook.Coordination.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Coordination;

/// <summary>
/// Taking over and giving up __consumer_offsets partitions. The host, on becoming leader of partition p in leader epoch
/// e, calls <see cref="BeginLoading"/>(p, e), feeds every record of p in offset order to <see cref="Replay"/>, then calls
/// <see cref="CompleteLoading"/>(p, e); on losing leadership it calls <see cref="Unload"/>(p, its new epoch). The epochs
/// make stale transitions harmless, as in Kafka's coordinator runtime: an election older than the one a partition is
/// owned at is refused, a load that a newer transition overtook is discarded, and a resignation older than the
/// election is ignored.
/// </summary>
public sealed partial class GroupCoordinator
{
    /// <summary>A partition this coordinator owns: the leader epoch it was claimed at, and whether it is loaded yet.</summary>
    private readonly record struct OwnedPartition(int CoordinatorEpoch, bool Loaded);

    /// <summary>
    /// Claims a partition at leader epoch <paramref name="coordinatorEpoch"/>: its groups answer COORDINATOR_LOAD_IN_PROGRESS
    /// until <see cref="CompleteLoading"/>, and whatever an earlier claim left of it is dropped (parked requests get
    /// NOT_COORDINATOR). Refused (false, nothing changes) while the partition is owned at a newer epoch.
    /// </summary>
    public bool BeginLoading(int partition, int coordinatorEpoch = 0)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_partitions.TryGetValue(partition, out var owned) && owned.CoordinatorEpoch > coordinatorEpoch)
            {
                _logger.LogInformation("Not loading __consumer_offsets partition {Partition} at epoch {Epoch}: it is owned at epoch {Current}",
                    partition, coordinatorEpoch, owned.CoordinatorEpoch);
                return false;
            }
            foreach (var group in GroupsOf(partition)) DropGroup(group, ErrorCode.NotCoordinator);
            _partitions[partition] = new OwnedPartition(coordinatorEpoch, Loaded: false);
        }
        ArmTimer();
        return true;
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
            if (!IsLoadingPartition(partition))
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

    /// <summary>
    /// Opens a loaded partition for requests; loaded members get a full session timeout to show up. Returns false,
    /// changing nothing, when the partition is not loading — or, given <paramref name="coordinatorEpoch"/>, not loading
    /// at that epoch: a load that an unload or a newer claim overtook is discarded.
    /// </summary>
    public bool CompleteLoading(int partition, int? coordinatorEpoch = null)
    {
        lock (_lock)
        {
            if (!_partitions.TryGetValue(partition, out var owned) || owned.Loaded ||
                (coordinatorEpoch is { } epoch && owned.CoordinatorEpoch != epoch))
            {
                _logger.LogInformation("Discarding the load of __consumer_offsets partition {Partition} at epoch {Epoch}: it is no longer loading",
                    partition, coordinatorEpoch);
                return false;
            }
            _partitions[partition] = owned with { Loaded = true };
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
            _logger.LogInformation("Loaded __consumer_offsets partition {Partition} at epoch {Epoch}: {Count} groups",
                partition, owned.CoordinatorEpoch, groups.Count);
        }
        ArmTimer();
        return true;
    }

    /// <summary>
    /// Gives a partition up: its groups leave memory with their timers (session, rebalance, sync deadlines), parked
    /// requests get NOT_COORDINATOR and so do requests for its groups from now on. <paramref name="coordinatorEpoch"/>
    /// is the leader epoch in which this broker stopped leading; an unload older than the epoch the partition is owned
    /// at is ignored. Without one (the topic was deleted, or shutdown) it always applies. True if the partition was
    /// owned and is now given up.
    /// </summary>
    public bool Unload(int partition, int? coordinatorEpoch = null)
    {
        lock (_lock)
        {
            if (!_partitions.TryGetValue(partition, out var owned)) return false;
            if (coordinatorEpoch is { } epoch && epoch < owned.CoordinatorEpoch)
            {
                _logger.LogInformation("Not unloading __consumer_offsets partition {Partition} for epoch {Epoch}: it is owned at epoch {Current}",
                    partition, epoch, owned.CoordinatorEpoch);
                return false;
            }
            var groups = GroupsOf(partition);
            foreach (var group in groups) DropGroup(group, ErrorCode.NotCoordinator);
            _partitions.Remove(partition);
            _logger.LogInformation("Unloaded __consumer_offsets partition {Partition} (epoch {Epoch}): {Count} groups", partition, owned.CoordinatorEpoch, groups.Count);
        }
        ArmTimer();
        return true;
    }

    /// <summary>Whether requests for groups of <paramref name="partition"/> are served here (loaded, not loading).</summary>
    public bool IsLoaded(int partition)
    {
        lock (_lock) return IsLoadedPartition(partition);
    }

    /// <summary>The leader epoch <paramref name="partition"/> is owned (loading or loaded) at; null when it is not owned here.</summary>
    public int? CoordinatorEpochOf(int partition)
    {
        lock (_lock) return _partitions.TryGetValue(partition, out var owned) ? owned.CoordinatorEpoch : null;
    }

    /// <summary>Under the lock.</summary>
    private bool IsLoadedPartition(int partition) => _partitions.TryGetValue(partition, out var owned) && owned.Loaded;

    /// <summary>Under the lock.</summary>
    private bool IsLoadingPartition(int partition) => _partitions.TryGetValue(partition, out var owned) && !owned.Loaded;

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
