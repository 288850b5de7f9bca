using Brook.Common;
using Brook.Coordination.Model;
using Brook.Coordination.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Coordination;

/// <summary>The rebalance state machine: Empty/Stable → PreparingRebalance → CompletingRebalance → Stable.</summary>
public sealed partial class GroupCoordinator
{
    private void MaybePrepareRebalanceOrCompleteJoin(ClassicGroup group, string reason)
    {
        if (group.CanRebalance) PrepareRebalance(group, reason);
        else MaybeCompleteJoinPhase(group);
    }

    /// <summary>
    /// Completes the join phase once every member rejoined — except for the first rebalance of an empty group, which
    /// always waits out group.initial.rebalance.delay.ms so that members starting together land in one generation.
    /// </summary>
    private void MaybeCompleteJoinPhase(ClassicGroup group)
    {
        if (group.Is(GroupState.PreparingRebalance) && group.HasAllMembersJoined && group.PreviousState != GroupState.Empty)
            CompleteJoin(group);
    }

    private void PrepareRebalance(ClassicGroup group, string reason)
    {
        // Members waiting for an assignment of the generation being abandoned must rejoin.
        if (group.Is(GroupState.CompletingRebalance)) ResetAndPropagateAssignmentWithError(group, ErrorCode.RebalanceInProgress);
        group.PendingSyncMembers.Clear();
        _deadlines.Cancel(SyncKey(group));

        var initial = group.Is(GroupState.Empty);
        if (initial)
        {
            group.JoinTimerIsInitial = true;
            group.NewMemberAdded = false;
            group.InitialDelayMs = _options.InitialRebalanceDelayMs;
            group.InitialRemainingMs = Math.Max(group.RebalanceTimeoutMs - _options.InitialRebalanceDelayMs, 0);
            _deadlines.Schedule(JoinKey(group), NowMs + _options.InitialRebalanceDelayMs);
        }
        group.TransitionTo(GroupState.PreparingRebalance, NowMs);
        _logger.LogInformation("Preparing to rebalance group {Group} (generation {Generation}): {Reason}", group.GroupId, group.GenerationId, reason);

        if (initial) return;
        if (group.HasAllMembersJoined)
        {
            CompleteJoin(group);
        }
        else
        {
            group.JoinTimerIsInitial = false;
            _deadlines.Schedule(JoinKey(group), NowMs + group.RebalanceTimeoutMs);
        }
    }

    /// <summary>
    /// Ends the join phase: dynamic members that did not rejoin are dropped (static ones keep their slot until their
    /// session expires), a new generation starts, and every parked join is answered — the leader with the member list.
    /// </summary>
    private void CompleteJoin(ClassicGroup group)
    {
        _deadlines.Cancel(JoinKey(group));
        foreach (var member in group.Members.Values.Where(m => !m.IsAwaitingJoin && !m.IsStatic).ToList())
        {
            group.Remove(member.MemberId);
            _deadlines.Cancel(HeartbeatKey(group, member.MemberId));
            _logger.LogInformation("Member {Member} of group {Group} did not rejoin in time; removed", member.MemberId, group.GroupId);
        }
        if (group.Is(GroupState.Dead)) return;

        if (!group.MaybeElectNewJoinedLeader() && group.Members.Count > 0)
        {
            // Only static members that have not rejoined are left: wait another rebalance timeout for them (or for
            // their sessions to expire) rather than starting a generation nobody takes part in.
            group.JoinTimerIsInitial = false;
            _deadlines.Schedule(JoinKey(group), NowMs + group.RebalanceTimeoutMs);
            return;
        }

        group.InitNextGeneration(NowMs);
        if (group.Is(GroupState.Empty))
        {
            _logger.LogInformation("Group {Group} is empty at generation {Generation}", group.GroupId, group.GenerationId);
            PersistGroupMetadata(group);
            return;
        }

        Counters.ClassicRebalanceCompleted();
        _logger.LogInformation("Group {Group} generation {Generation} formed with {Count} members, protocol {Protocol}, leader {Leader}",
            group.GroupId, group.GenerationId, group.Members.Count, group.ProtocolName, group.LeaderId);
        foreach (var member in group.Members.Values)
        {
            if (member.AwaitingJoin is { } join)
            {
                var isLeader = group.IsLeader(member.MemberId);
                join.TrySetResult(CurrentGenerationResult(group, member.MemberId, includeMembers: isLeader));
                member.AwaitingJoin = null;
            }
            ScheduleHeartbeat(group, member);
            member.IsNew = false;
            group.PendingSyncMembers.Add(member.MemberId);
        }
        _deadlines.Schedule(SyncKey(group), NowMs + group.RebalanceTimeoutMs);
    }

    /// <summary>A member left or expired: answer its parked join, then let the group move on without it.</summary>
    private void RemoveMemberAndUpdateGroup(ClassicGroup group, GroupMember member)
    {
        member.AwaitingJoin?.TrySetResult(JoinGroupResult.Failed(ErrorCode.UnknownMemberId));
        member.AwaitingJoin = null;
        member.AwaitingSync?.TrySetResult(SyncGroupResult.Failed(ErrorCode.UnknownMemberId));
        member.AwaitingSync = null;
        group.Remove(member.MemberId);
        _deadlines.Cancel(HeartbeatKey(group, member.MemberId));

        if (group.State is GroupState.Stable or GroupState.CompletingRebalance)
            MaybePrepareRebalanceOrCompleteJoin(group, $"member {member.MemberId} left");
        else if (group.Is(GroupState.PreparingRebalance) && group.HasAllMembersJoined)
            CompleteJoin(group);
    }

    private void ResetAndPropagateAssignmentWithError(ClassicGroup group, ErrorCode error)
    {
        foreach (var m in group.Members.Values) m.Assignment = [];
        PropagateAssignment(group, error);
    }

    private void SetAndPropagateAssignment(ClassicGroup group, IReadOnlyDictionary<string, byte[]> assignments)
    {
        foreach (var m in group.Members.Values) m.Assignment = assignments.GetValueOrDefault(m.MemberId) ?? [];
        PropagateAssignment(group, ErrorCode.None);
    }

    private void PropagateAssignment(ClassicGroup group, ErrorCode error)
    {
        var ok = error == ErrorCode.None;
        foreach (var m in group.Members.Values)
        {
            if (m.AwaitingSync is not { } sync) continue;
            sync.TrySetResult(new SyncGroupResult(error, ok ? group.ProtocolType : null, ok ? group.ProtocolName : null, m.Assignment));
            m.AwaitingSync = null;
            // Heartbeat expirations were ignored while the member was parked; start its session clock again.
            ScheduleHeartbeat(group, m);
        }
    }

    /// <summary>Writes the group's current state (used when it empties); a failure only costs the generation bump on reload.</summary>
    private void PersistGroupMetadata(ClassicGroup group)
    {
        var append = StartAppend(group.Partition,
            [(OffsetsRecordKey.EncodeGroupMetadata(group.GroupId), group.ToRecord(m => m.Assignment).Encode())]);
        _ = LogAppendFailure(append, group.GroupId, "group metadata");
    }

    private async Task LogAppendFailure(Task<long> append, string groupId, string what)
    {
        try
        {
            await append.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Failed to write {What} of group {Group}", what, groupId);
        }
    }
}
