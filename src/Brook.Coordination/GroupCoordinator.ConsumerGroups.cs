using Brook.Common;
using Brook.Coordination.Assignors;
using Brook.Coordination.Model;
using Brook.Coordination.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Coordination;

/// <summary>
/// KIP-848 consumer groups: writing their records, computing target assignments, removing members, their timers, and
/// ConsumerGroupDescribe.
/// </summary>
public sealed partial class GroupCoordinator
{
    private readonly TopicRegexCache _regexCache = new();

    private static DeadlineKey ConsumerSessionKey(ClassicGroup holder, string memberId) => new(DeadlineKind.ConsumerSession, holder.GroupId, memberId);
    private static DeadlineKey ConsumerRevocationKey(ClassicGroup holder, string memberId) => new(DeadlineKind.ConsumerRevocation, holder.GroupId, memberId);

    private void CancelConsumerDeadlines(ClassicGroup holder, string memberId)
    {
        _deadlines.Cancel(ConsumerSessionKey(holder, memberId));
        _deadlines.Cancel(ConsumerRevocationKey(holder, memberId));
    }

    // Each Write* adds one record to the batch and applies it to memory through the method replay uses.

    private void WriteGroupEpoch(ConsumerGroup cg, int epoch, long metadataHash, List<(byte[] Key, byte[]? Value)> records)
    {
        // Only live changes write records (replay applies them directly), so each call is one rebalance.
        Counters.ConsumerGroupRebalanced();
        var value = new ConsumerGroupMetadataValue(epoch, metadataHash);
        records.Add((OffsetsRecordKey.EncodeConsumerGroupMetadata(cg.GroupId), value.Encode()));
        cg.ApplyGroupMetadata(value);
    }

    private static void WriteMemberMetadata(ConsumerGroup cg, string memberId, ConsumerGroupMemberMetadataValue? value, List<(byte[] Key, byte[]? Value)> records)
    {
        records.Add((OffsetsRecordKey.EncodeConsumerGroupMemberMetadata(cg.GroupId, memberId), value?.Encode()));
        cg.ApplyMemberMetadata(memberId, value);
    }

    private static void WriteTargetMember(ConsumerGroup cg, string memberId, PartitionAssignment? target, List<(byte[] Key, byte[]? Value)> records)
    {
        var value = target is null ? null : new ConsumerGroupTargetAssignmentMemberValue(target);
        records.Add((OffsetsRecordKey.EncodeConsumerGroupTargetAssignmentMember(cg.GroupId, memberId), value?.Encode()));
        cg.ApplyTargetAssignmentMember(memberId, value);
    }

    private static void WriteTargetEpoch(ConsumerGroup cg, int epoch, List<(byte[] Key, byte[]? Value)> records)
    {
        var value = new ConsumerGroupTargetAssignmentMetadataValue(epoch);
        records.Add((OffsetsRecordKey.EncodeConsumerGroupTargetAssignmentMetadata(cg.GroupId), value.Encode()));
        cg.ApplyTargetAssignmentMetadata(value);
    }

    /// <summary>Moves a member to its next reconciliation state; entering UNREVOKED_PARTITIONS starts its rebalance timeout.</summary>
    private void WriteCurrentAssignment(ClassicGroup holder, ConsumerGroup cg, ConsumerGroupMember member, ConsumerGroupCurrentMemberAssignmentValue value,
        List<(byte[] Key, byte[]? Value)> records)
    {
        var wasRevoking = member.State == ConsumerMemberState.UnrevokedPartitions;
        var previousEpoch = member.MemberEpoch;
        records.Add((OffsetsRecordKey.EncodeConsumerGroupCurrentMemberAssignment(cg.GroupId, member.MemberId), value.Encode()));
        cg.ApplyCurrentAssignment(member.MemberId, value);
        if (value.State == ConsumerMemberState.UnrevokedPartitions && value.MemberEpoch >= 0)
        {
            if (!wasRevoking || previousEpoch != value.MemberEpoch)
            {
                var timeout = member.RebalanceTimeoutMs > 0 ? member.RebalanceTimeoutMs : _options.ConsumerGroupSessionTimeoutMs;
                _deadlines.Schedule(ConsumerRevocationKey(holder, member.MemberId), NowMs + timeout);
            }
        }
        else
        {
            _deadlines.Cancel(ConsumerRevocationKey(holder, member.MemberId));
        }
    }

    /// <summary>
    /// Runs the group's assignor over every member (static members away with epoch -2 included: they keep their slot)
    /// and records each member's changed target, then the new assignment epoch.
    /// </summary>
    private void ComputeTargetAssignment(ConsumerGroup cg, SubscriptionResolver resolver, List<(byte[] Key, byte[]? Value)> records)
    {
        var assignorName = cg.PreferredAssignor(_options.ConsumerGroupAssignors);
        if (!ConsumerGroupAssignors.TryGet(assignorName, out var assignor)) ConsumerGroupAssignors.TryGet(UniformAssignor.AssignorName, out assignor);

        var members = new List<AssignmentMember>(cg.Members.Count);
        var counts = new Dictionary<Uuid, int>();
        foreach (var m in cg.Members.Values)
        {
            var ids = resolver.SubscribedTopicIds(m);
            members.Add(new AssignmentMember(m.MemberId, m.InstanceId, ids, cg.TargetOf(m.MemberId)));
        }
        foreach (var name in resolver.GroupTopicNames(cg))
            if (_topics.TryGetTopic(name, out var id, out var partitions) && partitions > 0) counts[id] = partitions;

        var targets = assignor.Assign(members, counts);
        foreach (var m in members)
        {
            var target = targets.GetValueOrDefault(m.MemberId) ?? PartitionAssignment.Empty;
            if (!cg.TargetAssignment.TryGetValue(m.MemberId, out var previous) || !previous.Equals(target))
                WriteTargetMember(cg, m.MemberId, target, records);
        }
        WriteTargetEpoch(cg, cg.GroupEpoch, records);
        _logger.LogInformation("Consumer group {Group} epoch {Epoch}: target assignment computed by {Assignor} for {Count} members",
            cg.GroupId, cg.GroupEpoch, assignor.Name, members.Count);
    }

    /// <summary>
    /// Takes a member out (it left, or was fenced by a timeout): its current assignment, target and subscription are
    /// deleted — releasing its partitions — and the rest of the group gets a new epoch and target.
    /// </summary>
    private void RemoveConsumerMember(ClassicGroup holder, ConsumerGroup cg, ConsumerGroupMember member, string reason,
        List<(byte[] Key, byte[]? Value)> records)
    {
        _logger.LogInformation("Member {Member} of consumer group {Group} removed: {Reason}", member.MemberId, cg.GroupId, reason);
        CancelConsumerDeadlines(holder, member.MemberId);
        records.Add((OffsetsRecordKey.EncodeConsumerGroupCurrentMemberAssignment(cg.GroupId, member.MemberId), null));
        cg.ApplyCurrentAssignment(member.MemberId, null);
        WriteTargetMember(cg, member.MemberId, null, records);
        WriteMemberMetadata(cg, member.MemberId, null, records);

        var resolver = new SubscriptionResolver(_topics, _regexCache);
        WriteGroupEpoch(cg, cg.GroupEpoch + 1, resolver.MetadataHash(cg), records);
        ComputeTargetAssignment(cg, resolver, records);
        if (cg.Members.Count == 0) holder.CurrentStateTimestamp = NowMs;
    }

    /// <summary>
    /// KIP-848 static membership: a static member that left with epoch -2 comes back under a new member id and takes
    /// over its predecessor's subscription, target and partitions at the epoch it had, without a new group epoch.
    /// </summary>
    private ConsumerGroupMember ReplaceStaticMember(ClassicGroup holder, ConsumerGroup cg, ConsumerGroupMember old, string newMemberId,
        List<(byte[] Key, byte[]? Value)> records)
    {
        _logger.LogInformation("Static member {Instance} of consumer group {Group} comes back as {Member} (was {Old})",
            old.InstanceId, cg.GroupId, newMemberId, old.MemberId);
        var metadata = old.Metadata;
        var target = cg.TargetOf(old.MemberId);
        var current = new ConsumerGroupCurrentMemberAssignmentValue(old.PreviousMemberEpoch, old.PreviousMemberEpoch, old.State,
            old.Assigned, old.PendingRevocation);

        CancelConsumerDeadlines(holder, old.MemberId);
        records.Add((OffsetsRecordKey.EncodeConsumerGroupCurrentMemberAssignment(cg.GroupId, old.MemberId), null));
        cg.ApplyCurrentAssignment(old.MemberId, null);
        WriteTargetMember(cg, old.MemberId, null, records);
        WriteMemberMetadata(cg, old.MemberId, null, records);

        WriteMemberMetadata(cg, newMemberId, metadata, records);
        WriteTargetMember(cg, newMemberId, target, records);
        var member = cg.Members[newMemberId];
        WriteCurrentAssignment(holder, cg, member, current, records);
        return member;
    }

    private void OnConsumerSessionExpired(ClassicGroup holder, string memberId)
    {
        if (holder.Consumer is not { } cg || !cg.Members.TryGetValue(memberId, out var member)) return;
        var records = new List<(byte[] Key, byte[]? Value)>();
        RemoveConsumerMember(holder, cg, member, "its session timed out", records);
        _ = LogAppendFailure(StartAppend(holder.Partition, records), holder.GroupId, "consumer group member removal");
    }

    private void OnConsumerRevocationExpired(ClassicGroup holder, string memberId)
    {
        if (holder.Consumer is not { } cg || !cg.Members.TryGetValue(memberId, out var member)) return;
        if (member.State != ConsumerMemberState.UnrevokedPartitions) return;
        var records = new List<(byte[] Key, byte[]? Value)>();
        RemoveConsumerMember(holder, cg, member, "it did not revoke its partitions within its rebalance timeout", records);
        _ = LogAppendFailure(StartAppend(holder.Partition, records), holder.GroupId, "consumer group member removal");
    }

    /// <summary>Records that delete a consumer group's own keys (its members are gone already); offsets are the caller's.</summary>
    private static void AddConsumerGroupTombstones(ClassicGroup holder, List<(byte[] Key, byte[]? Value)> records)
    {
        if (holder.Consumer is not { } cg) return;
        foreach (var memberId in cg.Members.Keys)
        {
            records.Add((OffsetsRecordKey.EncodeConsumerGroupCurrentMemberAssignment(cg.GroupId, memberId), null));
            records.Add((OffsetsRecordKey.EncodeConsumerGroupTargetAssignmentMember(cg.GroupId, memberId), null));
            records.Add((OffsetsRecordKey.EncodeConsumerGroupMemberMetadata(cg.GroupId, memberId), null));
        }
        records.Add((OffsetsRecordKey.EncodeConsumerGroupTargetAssignmentMetadata(cg.GroupId), null));
        records.Add((OffsetsRecordKey.EncodeConsumerGroupMetadata(cg.GroupId), null));
    }

    /// <summary>
    /// ConsumerGroupDescribe: epochs, assignor, and each member with its current and target assignment (topic names as
    /// the metadata knows them now; topics it no longer knows are left out).
    /// </summary>
    public IReadOnlyList<DescribedConsumerGroup> DescribeConsumerGroups(IReadOnlyList<string> groupIds)
    {
        var results = new List<DescribedConsumerGroup>(groupIds.Count);
        lock (_lock)
        {
            foreach (var groupId in groupIds)
            {
                var error = string.IsNullOrEmpty(groupId) ? ErrorCode.InvalidGroupId : CoordinatorError(groupId, out _);
                string? message = null;
                ConsumerGroup? cg = null;
                if (error == ErrorCode.None)
                {
                    if (!_groups.TryGetValue(groupId, out var holder) || holder.Is(GroupState.Dead))
                    {
                        error = ErrorCode.GroupIdNotFound;
                        message = $"Group {groupId} not found.";
                    }
                    else if (holder.Consumer is null)
                    {
                        error = ErrorCode.GroupIdNotFound;
                        message = $"Group {groupId} is not a consumer group.";
                    }
                    else
                    {
                        cg = holder.Consumer;
                    }
                }
                if (cg is null)
                {
                    results.Add(new DescribedConsumerGroup(error, message, groupId ?? "", GroupState.Dead, 0, 0, "", []));
                    continue;
                }
                var members = new List<DescribedConsumerGroupMember>(cg.Members.Count);
                foreach (var m in cg.Members.Values)
                {
                    var md = m.Metadata;
                    members.Add(new DescribedConsumerGroupMember(m.MemberId, md.InstanceId, md.RackId, m.MemberEpoch, md.ClientId, md.ClientHost,
                        md.SubscribedTopicNames, md.SubscribedTopicRegex, Describe(m.Assigned), Describe(cg.TargetOf(m.MemberId))));
                }
                results.Add(new DescribedConsumerGroup(ErrorCode.None, null, cg.GroupId, cg.State, cg.GroupEpoch, cg.AssignmentEpoch,
                    cg.PreferredAssignor(_options.ConsumerGroupAssignors), members));
            }
        }
        return results;
    }

    private List<DescribedTopicPartitions> Describe(PartitionAssignment assignment)
    {
        var topics = new List<DescribedTopicPartitions>();
        foreach (var (id, partitions) in assignment.Topics)
            if (_topics.TryGetTopic(id, out var name, out _)) topics.Add(new DescribedTopicPartitions(id, name, partitions));
        return topics;
    }
}
