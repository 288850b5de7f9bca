using Brook.Common;
using Brook.Coordination.Model;
using Brook.Coordination.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Coordination;

/// <summary>SyncGroup, Heartbeat and LeaveGroup.</summary>
public sealed partial class GroupCoordinator
{
    /// <summary>
    /// Hands out assignments. Followers' requests park until the leader's assignment is durable in __consumer_offsets;
    /// the leader's completes at the same moment. In a Stable group the current assignment comes back at once.
    /// </summary>
    public Task<SyncGroupResult> SyncGroupAsync(SyncGroupArgs args, CancellationToken cancellationToken = default)
    {
        Task<SyncGroupResult> task;
        PendingAssignmentStore? store;
        lock (_lock) task = SyncLocked(args, out store);
        if (store is not null) _ = FinishAssignmentStore(store);
        ArmTimer();
        return cancellationToken.CanBeCanceled ? task.WaitAsync(cancellationToken) : task;
    }

    private sealed record PendingAssignmentStore(ClassicGroup Group, int GenerationId, Dictionary<string, byte[]> Assignments, Task<long> Append);

    private Task<SyncGroupResult> SyncLocked(SyncGroupArgs args, out PendingAssignmentStore? store)
    {
        store = null;
        if (string.IsNullOrEmpty(args.GroupId)) return Task.FromResult(SyncGroupResult.Failed(ErrorCode.InvalidGroupId));
        var error = CoordinatorError(args.GroupId, out _);
        if (error != ErrorCode.None) return Task.FromResult(SyncGroupResult.Failed(error));
        if (!_groups.TryGetValue(args.GroupId, out var group)) return Task.FromResult(SyncGroupResult.Failed(ErrorCode.UnknownMemberId));
        if (group.Is(GroupState.Dead)) return Task.FromResult(SyncGroupResult.Failed(ErrorCode.CoordinatorNotAvailable));

        error = group.ValidateMember(args.MemberId, args.GroupInstanceId);
        if (error == ErrorCode.None && args.GenerationId != group.GenerationId) error = ErrorCode.IllegalGeneration;
        if (error == ErrorCode.None &&
            ((args.ProtocolType is not null && args.ProtocolType != group.ProtocolType) ||
             (args.ProtocolName is not null && args.ProtocolName != group.ProtocolName)))
            error = ErrorCode.InconsistentGroupProtocol;
        if (error != ErrorCode.None) return Task.FromResult(SyncGroupResult.Failed(error));

        var member = group.Members[args.MemberId];
        switch (group.State)
        {
            case GroupState.Empty:
                return Task.FromResult(SyncGroupResult.Failed(ErrorCode.UnknownMemberId));
            case GroupState.PreparingRebalance:
                return Task.FromResult(SyncGroupResult.Failed(ErrorCode.RebalanceInProgress));
            case GroupState.Stable:
                RemovePendingSyncMember(group, args.MemberId);
                return Task.FromResult(new SyncGroupResult(ErrorCode.None, group.ProtocolType, group.ProtocolName, member.Assignment));
        }

        // CompletingRebalance: park until the assignment is stored.
        var completion = NewCompletion<SyncGroupResult>();
        member.AwaitingSync?.TrySetResult(SyncGroupResult.Failed(ErrorCode.RebalanceInProgress));
        member.AwaitingSync = completion;
        RemovePendingSyncMember(group, args.MemberId);

        if (group.IsLeader(args.MemberId) && group.AssignmentStoreGeneration != group.GenerationId)
        {
            var assignments = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var a in args.Assignments) assignments[a.MemberId] = a.Assignment;
            foreach (var m in group.Members.Values)
            {
                if (!assignments.ContainsKey(m.MemberId))
                {
                    _logger.LogWarning("Leader of group {Group} gave member {Member} no assignment in generation {Generation}",
                        group.GroupId, m.MemberId, group.GenerationId);
                    assignments[m.MemberId] = [];
                }
            }
            group.AssignmentStoreGeneration = group.GenerationId;
            var record = group.ToRecord(m => assignments[m.MemberId]);
            var append = StartAppend(group.Partition, [(OffsetsRecordKey.EncodeGroupMetadata(group.GroupId), record.Encode())]);
            store = new PendingAssignmentStore(group, group.GenerationId, assignments, append);
        }
        return completion.Task;
    }

    private async Task FinishAssignmentStore(PendingAssignmentStore store)
    {
        Exception? failure = null;
        try
        {
            await store.Append.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = e;
        }
        lock (_lock)
        {
            var group = store.Group;
            if (group.AssignmentStoreGeneration == store.GenerationId) group.AssignmentStoreGeneration = -1;
            // A member joining or leaving meanwhile started a new rebalance, which already told everyone to rejoin.
            if (!group.Is(GroupState.CompletingRebalance) || group.GenerationId != store.GenerationId) return;
            if (failure is null)
            {
                SetAndPropagateAssignment(group, store.Assignments);
                group.TransitionTo(GroupState.Stable, NowMs);
                _logger.LogInformation("Group {Group} generation {Generation} is stable", group.GroupId, group.GenerationId);
            }
            else
            {
                var error = GroupAppendError(failure);
                _logger.LogWarning(failure, "Storing the assignment of group {Group} generation {Generation} failed ({Error})",
                    group.GroupId, group.GenerationId, error);
                ResetAndPropagateAssignmentWithError(group, error);
                MaybePrepareRebalanceOrCompleteJoin(group, $"storing the assignment failed with {error}");
            }
        }
        ArmTimer();
    }

    private void RemovePendingSyncMember(ClassicGroup group, string memberId)
    {
        group.PendingSyncMembers.Remove(memberId);
        if (group.PendingSyncMembers.Count == 0 || group.State is not (GroupState.CompletingRebalance or GroupState.Stable))
            _deadlines.Cancel(SyncKey(group));
    }

    /// <summary>
    /// Keeps a member's session alive. REBALANCE_IN_PROGRESS tells a member of a Stable generation to rejoin; a member
    /// already in CompletingRebalance (joined, not yet synced) heartbeats normally.
    /// </summary>
    public ErrorCode Heartbeat(HeartbeatArgs args)
    {
        ErrorCode result;
        lock (_lock) result = HeartbeatLocked(args);
        ArmTimer();
        return result;
    }

    private ErrorCode HeartbeatLocked(HeartbeatArgs args)
    {
        if (string.IsNullOrEmpty(args.GroupId)) return ErrorCode.InvalidGroupId;
        var error = CoordinatorError(args.GroupId, out _);
        if (error != ErrorCode.None) return error;
        if (!_groups.TryGetValue(args.GroupId, out var group)) return ErrorCode.UnknownMemberId;
        if (group.Is(GroupState.Dead)) return ErrorCode.CoordinatorNotAvailable;
        error = group.ValidateMember(args.MemberId, args.GroupInstanceId);
        if (error != ErrorCode.None) return error;
        if (args.GenerationId != group.GenerationId) return ErrorCode.IllegalGeneration;

        switch (group.State)
        {
            case GroupState.Empty:
                return ErrorCode.UnknownMemberId;
            case GroupState.PreparingRebalance:
                ScheduleHeartbeat(group, group.Members[args.MemberId]);
                return ErrorCode.RebalanceInProgress;
            default:
                ScheduleHeartbeat(group, group.Members[args.MemberId]);
                return ErrorCode.None;
        }
    }

    /// <summary>Removes members (by member id, or a static one by instance id alone) and rebalances the rest.</summary>
    public LeaveGroupResult LeaveGroup(LeaveGroupArgs args)
    {
        LeaveGroupResult result;
        lock (_lock) result = LeaveLocked(args);
        ArmTimer();
        return result;
    }

    private LeaveGroupResult LeaveLocked(LeaveGroupArgs args)
    {
        if (string.IsNullOrEmpty(args.GroupId)) return new LeaveGroupResult(ErrorCode.InvalidGroupId, []);
        var error = CoordinatorError(args.GroupId, out _);
        if (error != ErrorCode.None) return new LeaveGroupResult(error, []);
        if (!_groups.TryGetValue(args.GroupId, out var group))
            return new LeaveGroupResult(ErrorCode.None, args.Members.Select(m => new LeftMember(m.MemberId, m.GroupInstanceId, ErrorCode.UnknownMemberId)).ToList());
        if (group.Is(GroupState.Dead)) return new LeaveGroupResult(ErrorCode.CoordinatorNotAvailable, []);

        var results = new List<LeftMember>(args.Members.Count);
        var anyLeft = false;
        foreach (var leaving in args.Members)
        {
            ErrorCode memberError;
            if (leaving.MemberId.Length == 0)
            {
                // KIP-345 admin removal: the instance id alone names the static member.
                if (leaving.GroupInstanceId is { } instanceId && group.StaticMembers.TryGetValue(instanceId, out var staticMemberId))
                {
                    RemoveLeavingMember(group, group.Members[staticMemberId], leaving.Reason);
                    memberError = ErrorCode.None;
                }
                else
                {
                    memberError = ErrorCode.UnknownMemberId;
                }
            }
            else if (group.PendingMembers.Remove(leaving.MemberId))
            {
                _deadlines.Cancel(HeartbeatKey(group, leaving.MemberId));
                memberError = ErrorCode.None;
            }
            else
            {
                memberError = group.ValidateMember(leaving.MemberId, leaving.GroupInstanceId);
                if (memberError == ErrorCode.None) RemoveLeavingMember(group, group.Members[leaving.MemberId], leaving.Reason);
            }
            anyLeft |= memberError == ErrorCode.None;
            results.Add(new LeftMember(leaving.MemberId, leaving.GroupInstanceId, memberError));
        }

        if (anyLeft)
        {
            if (group.State is GroupState.Stable or GroupState.CompletingRebalance)
                MaybePrepareRebalanceOrCompleteJoin(group, "members left the group");
            else if (group.Is(GroupState.PreparingRebalance))
                MaybeCompleteJoinPhase(group);
        }
        return new LeaveGroupResult(ErrorCode.None, results);
    }

    private void RemoveLeavingMember(ClassicGroup group, GroupMember member, string? reason)
    {
        _logger.LogInformation("Member {Member} leaves group {Group}; reason: {Reason}", member.MemberId, group.GroupId, reason ?? "not provided");
        _deadlines.Cancel(HeartbeatKey(group, member.MemberId));
        member.AwaitingJoin?.TrySetResult(JoinGroupResult.Failed(ErrorCode.UnknownMemberId));
        member.AwaitingJoin = null;
        member.AwaitingSync?.TrySetResult(SyncGroupResult.Failed(ErrorCode.UnknownMemberId));
        member.AwaitingSync = null;
        group.Remove(member.MemberId);
    }
}
