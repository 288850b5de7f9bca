using Brook.Common;
using Brook.Coordination.Model;
using Brook.Coordination.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Coordination;

/// <summary>JoinGroup: admitting members, and answering joins that do not need to wait for a rebalance.</summary>
public sealed partial class GroupCoordinator
{
    /// <summary>
    /// Joins a member to a group. The task completes when the join phase of the rebalance completes (every known
    /// member rejoined, or the rebalance timeout passed), or at once for errors, MEMBER_ID_REQUIRED and joins that
    /// change nothing. The cancellation token only abandons the wait: the member stays in the rebalance.
    /// </summary>
    public Task<JoinGroupResult> JoinGroupAsync(JoinGroupArgs args, CancellationToken cancellationToken = default)
    {
        Task<JoinGroupResult> task;
        PendingStaticReplace? pending;
        lock (_lock) task = JoinLocked(args, out pending);
        if (pending is not null) _ = FinishStaticReplace(pending);
        ArmTimer();
        return cancellationToken.CanBeCanceled ? task.WaitAsync(cancellationToken) : task;
    }

    private Task<JoinGroupResult> JoinLocked(JoinGroupArgs args, out PendingStaticReplace? pending)
    {
        pending = null;
        if (string.IsNullOrEmpty(args.GroupId)) return Task.FromResult(JoinGroupResult.Failed(ErrorCode.InvalidGroupId, args.MemberId));
        var error = CoordinatorError(args.GroupId, out var partition);
        if (error != ErrorCode.None) return Task.FromResult(JoinGroupResult.Failed(error, args.MemberId));
        if (args.SessionTimeoutMs < _options.MinSessionTimeoutMs || args.SessionTimeoutMs > _options.MaxSessionTimeoutMs)
            return Task.FromResult(JoinGroupResult.Failed(ErrorCode.InvalidSessionTimeout, args.MemberId));

        var isNewMember = args.MemberId.Length == 0;
        var created = false;
        if (!_groups.TryGetValue(args.GroupId, out var group))
        {
            // A member id for a group we do not know: the group was deleted, expired or moved; the client starts over.
            if (!isNewMember) return Task.FromResult(JoinGroupResult.Failed(ErrorCode.UnknownMemberId, args.MemberId));
            group = new ClassicGroup(args.GroupId, partition, NowMs);
            _groups.Add(args.GroupId, group);
            created = true;
        }

        if (group.Consumer is { } consumer)
        {
            // The group id belongs to a KIP-848 consumer group. An empty one turns back into a classic group, keeping its
            // offsets; classic members cannot join a live one (Kafka's answer without mixed-protocol groups).
            if (consumer.Members.Count > 0) return Task.FromResult(JoinGroupResult.Failed(ErrorCode.InconsistentGroupProtocol, args.MemberId));
            var tombstones = new List<(byte[] Key, byte[]? Value)>();
            AddConsumerGroupTombstones(group, tombstones);
            _ = LogAppendFailure(StartAppend(group.Partition, tombstones), group.GroupId, "consumer group tombstones");
            group.Consumer = null;
            _logger.LogInformation("Empty consumer group {Group} becomes a classic group", group.GroupId);
        }

        if (!AcceptJoiningMember(group, args.MemberId))
        {
            if (group.Remove(args.MemberId) is not null) _deadlines.Cancel(HeartbeatKey(group, args.MemberId));
            return Task.FromResult(JoinGroupResult.Failed(ErrorCode.GroupMaxSizeReached));
        }

        var completion = NewCompletion<JoinGroupResult>();
        if (isNewMember) JoinNewMember(group, args, completion, out pending);
        else JoinExistingMember(group, args, completion);

        if (created && group.IsUnused) _groups.Remove(group.GroupId);
        return completion.Task;
    }

    /// <summary>group.max.size, counted so that a shrunken limit lets the members that rejoin first stay.</summary>
    private bool AcceptJoiningMember(ClassicGroup group, string memberId) => group.State switch
    {
        GroupState.Empty or GroupState.Dead => true,
        GroupState.PreparingRebalance =>
            (group.Members.TryGetValue(memberId, out var m) && m.IsAwaitingJoin) || group.AwaitingJoinCount < _options.MaxGroupSize,
        _ => group.Members.ContainsKey(memberId) || group.Members.Count < _options.MaxGroupSize,
    };

    private void JoinNewMember(ClassicGroup group, JoinGroupArgs args, TaskCompletionSource<JoinGroupResult> completion, out PendingStaticReplace? pending)
    {
        pending = null;
        if (group.Is(GroupState.Dead))
        {
            completion.SetResult(JoinGroupResult.Failed(ErrorCode.CoordinatorNotAvailable));
            return;
        }
        if (!group.SupportsProtocols(args.ProtocolType, args.Protocols))
        {
            completion.SetResult(JoinGroupResult.Failed(ErrorCode.InconsistentGroupProtocol));
            return;
        }

        // Kafka's member id shape: the client id (or instance id) and a random UUID.
        var newMemberId = (args.GroupInstanceId ?? args.ClientId) + "-" + Guid.NewGuid().ToString();
        if (args.GroupInstanceId is { } instanceId)
        {
            if (group.StaticMembers.TryGetValue(instanceId, out var oldMemberId))
                pending = UpdateStaticMember(group, args, oldMemberId, newMemberId, completion);
            else
                AddMemberAndRebalance(group, args, newMemberId, completion);
        }
        else if (args.RequireKnownMemberId)
        {
            group.PendingMembers.Add(newMemberId);
            _deadlines.Schedule(HeartbeatKey(group, newMemberId), NowMs + args.SessionTimeoutMs);
            completion.SetResult(JoinGroupResult.Failed(ErrorCode.MemberIdRequired, newMemberId));
        }
        else
        {
            AddMemberAndRebalance(group, args, newMemberId, completion);
        }
    }

    private void JoinExistingMember(ClassicGroup group, JoinGroupArgs args, TaskCompletionSource<JoinGroupResult> completion)
    {
        var memberId = args.MemberId;
        if (group.Is(GroupState.Dead))
        {
            completion.SetResult(JoinGroupResult.Failed(ErrorCode.CoordinatorNotAvailable, memberId));
            return;
        }
        if (!group.SupportsProtocols(args.ProtocolType, args.Protocols))
        {
            completion.SetResult(JoinGroupResult.Failed(ErrorCode.InconsistentGroupProtocol, memberId));
            return;
        }
        if (group.PendingMembers.Remove(memberId))
        {
            // The second half of KIP-394's two-step join: the id we handed out comes back.
            AddMemberAndRebalance(group, args, memberId, completion);
            return;
        }
        var error = group.ValidateMember(memberId, args.GroupInstanceId);
        if (error != ErrorCode.None)
        {
            completion.SetResult(JoinGroupResult.Failed(error, memberId));
            return;
        }

        var member = group.Members[memberId];
        switch (group.State)
        {
            case GroupState.PreparingRebalance:
                UpdateMemberAndRebalance(group, member, args, completion);
                break;
            case GroupState.CompletingRebalance:
                // Same metadata: most likely the member missed our join response; repeat it instead of rebalancing.
                if (member.Matches(args.Protocols))
                    completion.SetResult(CurrentGenerationResult(group, memberId, includeMembers: group.IsLeader(memberId)));
                else
                    UpdateMemberAndRebalance(group, member, args, completion);
                break;
            case GroupState.Stable:
                // The leader's join always rebalances: it is how a consumer reacts to metadata changes (new partitions)
                // that do not change any member's subscription.
                if (group.IsLeader(memberId) || !member.Matches(args.Protocols))
                    UpdateMemberAndRebalance(group, member, args, completion);
                else
                    completion.SetResult(CurrentGenerationResult(group, memberId, includeMembers: false));
                break;
            default:
                completion.SetResult(JoinGroupResult.Failed(ErrorCode.UnknownMemberId, memberId));
                break;
        }
    }

    private static JoinGroupResult CurrentGenerationResult(ClassicGroup group, string memberId, bool includeMembers) =>
        new(ErrorCode.None, memberId, group.GenerationId, group.ProtocolType, group.ProtocolName, group.LeaderId ?? "",
            SkipAssignment: false, includeMembers ? group.CurrentMembersForLeader() : []);

    private void AddMemberAndRebalance(ClassicGroup group, JoinGroupArgs args, string memberId, TaskCompletionSource<JoinGroupResult> completion)
    {
        var member = new GroupMember(memberId, args.GroupInstanceId, args.ClientId, args.ClientHost,
            args.RebalanceTimeoutMs, args.SessionTimeoutMs, args.ProtocolType, args.Protocols) { IsNew = true };
        if (group.Is(GroupState.PreparingRebalance) && group.PreviousState == GroupState.Empty) group.NewMemberAdded = true;
        group.Add(member, completion);
        // A new member cannot heartbeat while its join is parked; it gets the new-member join timeout instead.
        ScheduleHeartbeat(group, member, _options.NewMemberJoinTimeoutMs);
        _logger.LogInformation("Member {Member} (instance {Instance}) joins group {Group} in state {State}; reason: {Reason}",
            memberId, args.GroupInstanceId, group.GroupId, group.State.Name(), args.Reason);
        MaybePrepareRebalanceOrCompleteJoin(group, $"adding member {memberId}");
    }

    private void UpdateMemberAndRebalance(ClassicGroup group, GroupMember member, JoinGroupArgs args, TaskCompletionSource<JoinGroupResult> completion)
    {
        UpdateMember(member, args.Protocols, args.RebalanceTimeoutMs, args.SessionTimeoutMs, completion);
        MaybePrepareRebalanceOrCompleteJoin(group, $"member {member.MemberId} rejoins; reason: {args.Reason}");
    }

    private static void UpdateMember(GroupMember member, IReadOnlyList<GroupProtocol> protocols, int rebalanceTimeoutMs, int sessionTimeoutMs,
        TaskCompletionSource<JoinGroupResult>? completion)
    {
        member.Protocols = protocols;
        member.RebalanceTimeoutMs = rebalanceTimeoutMs;
        member.SessionTimeoutMs = sessionTimeoutMs;
        // A second JoinGroup from the same member supersedes a parked one (the client gave up on it); answer the old
        // one so that nothing waits forever.
        if (member.AwaitingJoin is { } previous && !ReferenceEquals(previous, completion))
            previous.TrySetResult(JoinGroupResult.Failed(ErrorCode.RebalanceInProgress, member.MemberId));
        member.AwaitingJoin = completion;
    }

    /// <summary>A static member restarting (same group.instance.id, no member id) that the group must wait on before answering.</summary>
    private sealed record PendingStaticReplace(
        ClassicGroup Group,
        GroupMember Member,
        string InstanceId,
        string OldMemberId,
        string NewMemberId,
        string CurrentLeader,
        IReadOnlyList<GroupProtocol> OldProtocols,
        int OldRebalanceTimeoutMs,
        int OldSessionTimeoutMs,
        bool SupportsSkipAssignment,
        TaskCompletionSource<JoinGroupResult> Completion,
        Task<long> Append);

    /// <summary>
    /// KIP-345: a static member that comes back under a new member id takes over its old slot. In a Stable group whose
    /// selected protocol would not change, there is no rebalance: the new id is persisted and the member keeps its
    /// assignment. Otherwise the group rebalances as for any changed member.
    /// </summary>
    private PendingStaticReplace? UpdateStaticMember(ClassicGroup group, JoinGroupArgs args, string oldMemberId, string newMemberId,
        TaskCompletionSource<JoinGroupResult> completion)
    {
        var instanceId = args.GroupInstanceId!;
        var currentLeader = group.LeaderId ?? "";
        var member = group.Members[oldMemberId];

        // The old incarnation's parked requests must learn they are fenced.
        member.AwaitingJoin?.TrySetResult(JoinGroupResult.Failed(ErrorCode.FencedInstanceId, oldMemberId));
        member.AwaitingJoin = null;
        member.AwaitingSync?.TrySetResult(SyncGroupResult.Failed(ErrorCode.FencedInstanceId));
        member.AwaitingSync = null;

        group.ReplaceStaticMember(instanceId, oldMemberId, newMemberId);
        _deadlines.Cancel(HeartbeatKey(group, oldMemberId));
        ScheduleHeartbeat(group, member);

        var oldProtocols = member.Protocols;
        var oldRebalanceTimeoutMs = member.RebalanceTimeoutMs;
        var oldSessionTimeoutMs = member.SessionTimeoutMs;
        UpdateMember(member, args.Protocols, args.RebalanceTimeoutMs, args.SessionTimeoutMs, completion);
        _logger.LogInformation("Static member {Instance} of group {Group} rejoins as {NewMember} (was {OldMember}) in state {State}",
            instanceId, group.GroupId, newMemberId, oldMemberId, group.State.Name());

        switch (group.State)
        {
            case GroupState.Stable when group.ProtocolName == group.SelectProtocol():
                {
                    var record = group.ToRecord(m => m.Assignment);
                    var append = StartAppend(group.Partition,
                        [(OffsetsRecordKey.EncodeGroupMetadata(group.GroupId), record.Encode())]);
                    return new PendingStaticReplace(group, member, instanceId, oldMemberId, newMemberId, currentLeader,
                        oldProtocols, oldRebalanceTimeoutMs, oldSessionTimeoutMs, args.SupportsSkipAssignment, completion, append);
                }
            case GroupState.Stable:
                MaybePrepareRebalanceOrCompleteJoin(group, $"static member {instanceId} rejoins with a protocol change");
                break;
            case GroupState.CompletingRebalance:
                // The leader may already be assigning to the old member id; only a new rebalance gives the new id an assignment.
                PrepareRebalance(group, $"static member {instanceId} rejoins during CompletingRebalance");
                break;
            default:
                MaybeCompleteJoinPhase(group);
                break;
        }
        return null;
    }

    private async Task FinishStaticReplace(PendingStaticReplace p)
    {
        ErrorCode error = ErrorCode.None;
        try
        {
            await p.Append.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = GroupAppendError(e);
            _logger.LogWarning(e, "Could not persist static member {Instance} of group {Group} as {Member}; reverting to {OldMember}",
                p.InstanceId, p.Group.GroupId, p.NewMemberId, p.OldMemberId);
        }
        lock (_lock)
        {
            var group = p.Group;
            var member = p.Member;
            // A rebalance that started meanwhile owns this join now and answers it when it completes.
            if (!ReferenceEquals(member.AwaitingJoin, p.Completion)) return;
            member.AwaitingJoin = null;
            if (error == ErrorCode.None)
            {
                if (p.SupportsSkipAssignment)
                {
                    // KIP-814: a returning static leader learns it leads but keeps the current assignment.
                    var isLeader = group.IsLeader(p.NewMemberId);
                    p.Completion.TrySetResult(new JoinGroupResult(ErrorCode.None, p.NewMemberId, group.GenerationId, group.ProtocolType,
                        group.ProtocolName, group.LeaderId ?? "", isLeader, isLeader ? group.CurrentMembersForLeader() : []));
                }
                else
                {
                    // Older clients would recompute an assignment if told they lead, so they are shown the old leader.
                    p.Completion.TrySetResult(new JoinGroupResult(ErrorCode.None, p.NewMemberId, group.GenerationId, group.ProtocolType,
                        group.ProtocolName, p.CurrentLeader, false, []));
                }
                return;
            }

            if (group.Members.TryGetValue(p.NewMemberId, out var current) && ReferenceEquals(current, member))
            {
                UpdateMember(member, p.OldProtocols, p.OldRebalanceTimeoutMs, p.OldSessionTimeoutMs, null);
                group.ReplaceStaticMember(p.InstanceId, p.NewMemberId, p.OldMemberId);
                _deadlines.Cancel(HeartbeatKey(group, p.NewMemberId));
                ScheduleHeartbeat(group, member);
            }
            p.Completion.TrySetResult(new JoinGroupResult(error, "", group.GenerationId, group.ProtocolType, group.ProtocolName,
                p.CurrentLeader, false, []));
        }
        ArmTimer();
    }
}
