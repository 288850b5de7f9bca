using Brook.Common;
using Brook.Coordination.Assignors;
using Brook.Coordination.Model;
using Brook.Coordination.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Coordination;

/// <summary>
/// ConsumerGroupHeartbeat (KIP-848): one request joins, heartbeats, reconciles and leaves. Everything is decided under
/// the lock and turned into __consumer_offsets records that are applied to memory at once (through the same Apply
/// methods replay uses) and appended as one batch; the response is sent once that batch is durable.
/// </summary>
public sealed partial class GroupCoordinator
{
    public Task<ConsumerGroupHeartbeatResult> ConsumerGroupHeartbeatAsync(ConsumerGroupHeartbeatArgs args, CancellationToken cancellationToken = default)
    {
        Task<ConsumerGroupHeartbeatResult> task;
        lock (_lock) task = ConsumerHeartbeatLocked(args);
        ArmTimer();
        return cancellationToken.CanBeCanceled ? task.WaitAsync(cancellationToken) : task;
    }

    private Task<ConsumerGroupHeartbeatResult> ConsumerHeartbeatLocked(ConsumerGroupHeartbeatArgs args)
    {
        if (ValidateHeartbeatRequest(args) is { } invalid) return Task.FromResult(invalid);
        var error = CoordinatorError(args.GroupId, out var partition);
        if (error != ErrorCode.None) return Failed(error);

        _groups.TryGetValue(args.GroupId, out var holder);
        if (holder is not null && holder.Is(GroupState.Dead)) return Failed(ErrorCode.CoordinatorNotAvailable);
        if (holder is not null && holder.Consumer is null && !holder.HasNoClassicMembers)
            return Failed(ErrorCode.GroupIdNotFound, $"Group {args.GroupId} is not a consumer group.");
        if (args.MemberEpoch < 0) return ConsumerLeaveLocked(holder?.Consumer, holder, args);

        var cg = holder?.Consumer;
        if (cg is null && args.MemberEpoch != ConsumerGroupHeartbeatArgs.JoinEpoch)
            return Failed(ErrorCode.UnknownMemberId, $"Member {args.MemberId} is not a member of group {args.GroupId}.");

        // Find the member and check the request against it before anything changes.
        ConsumerGroupMember? member = null;
        ConsumerGroupMember? replacedStatic = null;
        string memberId;
        if (args.MemberEpoch == ConsumerGroupHeartbeatArgs.JoinEpoch)
        {
            memberId = args.MemberId.Length == 0 ? Uuid.NewRandom().ToString() : args.MemberId;
            if (args.InstanceId is { } instanceId && cg is not null && cg.StaticMembers.TryGetValue(instanceId, out var staticId))
            {
                var existing = cg.Members[staticId];
                if (staticId == memberId) member = existing;
                else if (existing.HasLeftTemporarily) replacedStatic = existing;
                else return Failed(ErrorCode.UnreleasedInstanceId, $"Static member {instanceId} is still in use by member {staticId}.");
            }
            else if (cg is not null && cg.Members.TryGetValue(memberId, out var known))
            {
                // A known member joining again (it was fenced, or lost its state) carries on from where the group has it.
                member = known;
            }
            if (member is null && replacedStatic is null && cg is not null && cg.Members.Count >= _options.ConsumerGroupMaxSize)
                return Failed(ErrorCode.GroupMaxSizeReached, $"Group {args.GroupId} has reached its maximum size.");
        }
        else
        {
            memberId = args.MemberId;
            if (!cg!.Members.TryGetValue(memberId, out member))
                return Failed(ErrorCode.UnknownMemberId, $"Member {memberId} is not a member of group {args.GroupId}.");
            if (args.InstanceId is { } instanceId)
            {
                if (!cg.StaticMembers.TryGetValue(instanceId, out var staticId)) return Failed(ErrorCode.UnknownMemberId);
                if (staticId != memberId) return Failed(ErrorCode.FencedInstanceId, $"Static member {instanceId} now belongs to another member.");
            }
            if (FenceEpoch(member, args) is { } fenced) return Task.FromResult(fenced);
        }
        if (member is { State: ConsumerMemberState.Unknown } && args.OwnedPartitions is not { IsEmpty: true })
            return Failed(ErrorCode.FencedMemberEpoch, "The member is in an unknown state; it must give up its partitions and rejoin.");

        // From here on the request succeeds (short of the append failing): change state through records.
        var records = new List<(byte[] Key, byte[]? Value)>();
        if (holder is null)
        {
            holder = new ClassicGroup(args.GroupId, partition, NowMs);
            _groups.Add(args.GroupId, holder);
        }
        if (holder.Consumer is null)
        {
            // An empty classic group (offsets only, or members long gone) becomes a consumer group and keeps its offsets.
            if (holder.GenerationId > 0 || holder.ProtocolType is not null)
            {
                records.Add((OffsetsRecordKey.EncodeGroupMetadata(holder.GroupId), null));
                ClearMembership(holder);
            }
            holder.Consumer = new ConsumerGroup(args.GroupId);
            _logger.LogInformation("Consumer group {Group} created", args.GroupId);
        }
        cg = holder.Consumer;

        if (replacedStatic is not null) member = ReplaceStaticMember(holder, cg, replacedStatic, memberId, records);

        var isNew = member is null;
        var old = member?.Metadata;
        var metadata = new ConsumerGroupMemberMetadataValue(
            args.InstanceId ?? old?.InstanceId,
            args.RackId ?? old?.RackId,
            args.ClientId,
            args.ClientHost,
            args.SubscribedTopicNames ?? old?.SubscribedTopicNames ?? [],
            args.SubscribedTopicRegex is null ? old?.SubscribedTopicRegex : args.SubscribedTopicRegex.Length == 0 ? null : args.SubscribedTopicRegex,
            args.RebalanceTimeoutMs != -1 ? args.RebalanceTimeoutMs : old?.RebalanceTimeoutMs ?? -1,
            args.ServerAssignor ?? old?.ServerAssignor);
        var subscriptionChanged = old is null ||
            !old.SubscribedTopicNames.SequenceEqual(metadata.SubscribedTopicNames) ||
            old.SubscribedTopicRegex != metadata.SubscribedTopicRegex ||
            old.ServerAssignor != metadata.ServerAssignor;
        if (old is null || !old.SameAs(metadata)) WriteMemberMetadata(cg, memberId, metadata, records);
        member = cg.Members[memberId];
        if (isNew)
            _logger.LogInformation("Member {Member} (instance {Instance}, client {Client}) joins consumer group {Group}",
                memberId, metadata.InstanceId, metadata.ClientId, cg.GroupId);

        // A new member, a changed subscription, or changed metadata of the subscribed topics (created topics, added
        // partitions) means a new group epoch, and a new target assignment for it.
        var resolver = new SubscriptionResolver(_topics, _regexCache);
        var hash = resolver.MetadataHash(cg);
        if (isNew || subscriptionChanged || hash != cg.MetadataHash) WriteGroupEpoch(cg, cg.GroupEpoch + 1, hash, records);
        if (cg.GroupEpoch > cg.AssignmentEpoch) ComputeTargetAssignment(cg, resolver, records);

        var assignedBefore = member.Assigned;
        var subscribed = resolver.SubscribedTopicIds(member);
        var next = MemberReconciler.Next(member, cg.AssignmentEpoch, cg.TargetOf(memberId), args.OwnedPartitions, cg.OwnerOf,
            subscribed.Contains, subscriptionChanged && !isNew);
        if (!next.Equals(member.CurrentAssignment)) WriteCurrentAssignment(holder, cg, member, next, records);
        _deadlines.Schedule(ConsumerSessionKey(holder, memberId), NowMs + _options.ConsumerGroupSessionTimeoutMs);

        var fullRequest = args.RebalanceTimeoutMs != -1 && (args.SubscribedTopicNames is not null || args.SubscribedTopicRegex is not null) &&
            args.OwnedPartitions is not null;
        var sendAssignment = args.MemberEpoch == ConsumerGroupHeartbeatArgs.JoinEpoch || fullRequest || !member.Assigned.Equals(assignedBefore);
        var result = new ConsumerGroupHeartbeatResult(ErrorCode.None, null, memberId, member.MemberEpoch,
            _options.ConsumerGroupHeartbeatIntervalMs, sendAssignment ? member.Assigned : null);
        return AfterAppend(holder, records, result);
    }

    /// <summary>MemberEpoch -1 leaves the group; -2 (static members only) leaves it for a while, keeping the assignment.</summary>
    private Task<ConsumerGroupHeartbeatResult> ConsumerLeaveLocked(ConsumerGroup? cg, ClassicGroup? holder, ConsumerGroupHeartbeatArgs args)
    {
        if (cg is null || holder is null) return Failed(ErrorCode.UnknownMemberId, $"Member {args.MemberId} is not a member of group {args.GroupId}.");
        ConsumerGroupMember? member;
        if (args.InstanceId is { } instanceId)
        {
            if (!cg.StaticMembers.TryGetValue(instanceId, out var staticId)) return Failed(ErrorCode.UnknownMemberId);
            if (staticId != args.MemberId) return Failed(ErrorCode.FencedInstanceId, $"Static member {instanceId} now belongs to another member.");
            member = cg.Members[staticId];
        }
        else if (!cg.Members.TryGetValue(args.MemberId, out member))
        {
            return Failed(ErrorCode.UnknownMemberId, $"Member {args.MemberId} is not a member of group {args.GroupId}.");
        }

        var records = new List<(byte[] Key, byte[]? Value)>();
        if (args.MemberEpoch == ConsumerGroupHeartbeatArgs.StaticLeaveEpoch)
        {
            // The member keeps its partitions (nobody else gets them) until it comes back or its session runs out.
            _logger.LogInformation("Static member {Instance} ({Member}) leaves consumer group {Group} temporarily", member.InstanceId, member.MemberId, cg.GroupId);
            if (!member.HasLeftTemporarily)
            {
                var away = new ConsumerGroupCurrentMemberAssignmentValue(ConsumerGroupMember.StaticLeaveEpoch, member.MemberEpoch, member.State,
                    member.Assigned, member.PendingRevocation);
                WriteCurrentAssignment(holder, cg, member, away, records);
            }
            _deadlines.Schedule(ConsumerSessionKey(holder, member.MemberId), NowMs + _options.ConsumerGroupSessionTimeoutMs);
        }
        else
        {
            RemoveConsumerMember(holder, cg, member, "left the group", records);
        }
        var result = new ConsumerGroupHeartbeatResult(ErrorCode.None, null, member.MemberId, args.MemberEpoch,
            _options.ConsumerGroupHeartbeatIntervalMs, null);
        return AfterAppend(holder, records, result);
    }

    /// <summary>
    /// A heartbeat may carry the member's epoch, or the one before it when the response that moved it was lost — but
    /// then only while owning nothing beyond its current assignment. Anything else is a zombie: FENCED_MEMBER_EPOCH.
    /// </summary>
    private static ConsumerGroupHeartbeatResult? FenceEpoch(ConsumerGroupMember member, ConsumerGroupHeartbeatArgs args)
    {
        if (args.MemberEpoch == member.MemberEpoch) return null;
        if (args.MemberEpoch < member.MemberEpoch && args.MemberEpoch == member.PreviousMemberEpoch &&
            args.OwnedPartitions is { } owned && owned.IsSubsetOf(member.Assigned))
            return null;
        return ConsumerGroupHeartbeatResult.Failed(ErrorCode.FencedMemberEpoch,
            $"The member epoch {args.MemberEpoch} is fenced; the current epoch is {member.MemberEpoch}.");
    }

    /// <summary>Kafka's request checks: INVALID_REQUEST for inconsistent fields, UNSUPPORTED_ASSIGNOR, INVALID_REGULAR_EXPRESSION.</summary>
    private ConsumerGroupHeartbeatResult? ValidateHeartbeatRequest(ConsumerGroupHeartbeatArgs args)
    {
        static ConsumerGroupHeartbeatResult Invalid(string message) => ConsumerGroupHeartbeatResult.Failed(ErrorCode.InvalidRequest, message);

        if (string.IsNullOrEmpty(args.GroupId)) return Invalid("GroupId can't be empty.");
        if (args.InstanceId is { Length: 0 }) return Invalid("InstanceId can't be empty.");
        if (args.RackId is { Length: 0 }) return Invalid("RackId can't be empty.");
        switch (args.MemberEpoch)
        {
            case ConsumerGroupHeartbeatArgs.JoinEpoch:
                if (args.RebalanceTimeoutMs == -1) return Invalid("RebalanceTimeoutMs must be provided in first request.");
                if (args.OwnedPartitions is not { IsEmpty: true }) return Invalid("TopicPartitions must be empty when (re-)joining.");
                if (args.SubscribedTopicNames is null && args.SubscribedTopicRegex is null)
                    return Invalid("SubscribedTopicNames or SubscribedTopicRegex must be set in first request.");
                break;
            case > 0:
                if (args.MemberId.Length == 0) return Invalid("MemberId can't be empty.");
                break;
            case ConsumerGroupHeartbeatArgs.LeaveEpoch:
                if (args.MemberId.Length == 0) return Invalid("MemberId can't be empty.");
                break;
            case ConsumerGroupHeartbeatArgs.StaticLeaveEpoch:
                if (args.MemberId.Length == 0) return Invalid("MemberId can't be empty.");
                if (args.InstanceId is null) return Invalid("InstanceId can't be null when leaving temporarily.");
                break;
            default:
                return Invalid($"MemberEpoch {args.MemberEpoch} is invalid.");
        }
        if (args.ServerAssignor is { } assignor &&
            (!_options.ConsumerGroupAssignors.Contains(assignor) || !ConsumerGroupAssignors.TryGet(assignor, out _)))
            return ConsumerGroupHeartbeatResult.Failed(ErrorCode.UnsupportedAssignor, $"ServerAssignor {assignor} is not supported.");
        if (args.SubscribedTopicRegex is { Length: > 0 } regex && !_regexCache.TryGet(regex, out _))
            return ConsumerGroupHeartbeatResult.Failed(ErrorCode.InvalidRegularExpression, $"SubscribedTopicRegex {regex} is not a valid regular expression.");
        return null;
    }

    private static Task<ConsumerGroupHeartbeatResult> Failed(ErrorCode error, string? message = null) =>
        Task.FromResult(ConsumerGroupHeartbeatResult.Failed(error, message));

    /// <summary>Answers once the records are durable; a failed append becomes the error Kafka would give (e.g. NOT_COORDINATOR).</summary>
    private Task<ConsumerGroupHeartbeatResult> AfterAppend(ClassicGroup holder, List<(byte[] Key, byte[]? Value)> records, ConsumerGroupHeartbeatResult result)
    {
        if (records.Count == 0) return Task.FromResult(result);
        var append = StartAppend(holder.Partition, records);
        return Completion(append, holder.GroupId, result);

        async Task<ConsumerGroupHeartbeatResult> Completion(Task<long> pending, string groupId, ConsumerGroupHeartbeatResult ok)
        {
            try
            {
                await pending.ConfigureAwait(false);
                return ok;
            }
            catch (Exception e)
            {
                // Memory already moved on; the failure usually means the partition is moving to another broker, whose
                // replay of the log is what counts from now on.
                var error = GroupAppendError(e);
                _logger.LogWarning(e, "Writing consumer group {Group} records failed ({Error})", groupId, error);
                return ConsumerGroupHeartbeatResult.Failed(error);
            }
        }
    }
}
