using Brook.Coordination.Model;
using Microsoft.Extensions.Logging;

namespace Brook.Coordination;

/// <summary>The timer loop: one <see cref="ITimer"/> armed for the earliest deadline in <see cref="DeadlineQueue"/>.</summary>
public sealed partial class GroupCoordinator
{
    private static readonly DeadlineKey RetentionKey = new(DeadlineKind.OffsetsRetention, "");

    private readonly ITimer _timer;

    /// <summary>
    /// Serialises arming. Lock order is always <c>_armLock</c> then <c>_lock</c>, and nobody holding <c>_lock</c> arms:
    /// a fake time provider may run the timer callback synchronously inside <see cref="ITimer.Change"/>.
    /// </summary>
    private readonly Lock _armLock = new();
    private long _armedFor = long.MaxValue;

    private static DeadlineKey HeartbeatKey(ClassicGroup group, string memberId) => new(DeadlineKind.Heartbeat, group.GroupId, memberId);
    private static DeadlineKey JoinKey(ClassicGroup group) => new(DeadlineKind.Join, group.GroupId);
    private static DeadlineKey SyncKey(ClassicGroup group) => new(DeadlineKind.PendingSync, group.GroupId);

    /// <summary>Points the timer at the earliest deadline. Call after leaving <c>_lock</c> whenever deadlines may have changed.</summary>
    private void ArmTimer()
    {
        lock (_armLock)
        {
            long next;
            lock (_lock)
            {
                if (_disposed) return;
                next = _deadlines.NextDeadline ?? long.MaxValue;
            }
            if (next == _armedFor) return;
            _armedFor = next;
            if (next == long.MaxValue)
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            else
                _timer.Change(TimeSpan.FromMilliseconds(Math.Max(0, next - NowMs)), Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        lock (_armLock) _armedFor = long.MaxValue;
        PendingExpiration? expiration = null;
        lock (_lock)
        {
            if (_disposed) return;
            var now = NowMs;
            while (_deadlines.TryTakeDue(now, out var key))
            {
                try
                {
                    if (key.Kind == DeadlineKind.OffsetsRetention)
                    {
                        expiration = StartExpiration(now);
                        if (_options.OffsetsRetentionCheckIntervalMs > 0)
                            _deadlines.Schedule(RetentionKey, now + _options.OffsetsRetentionCheckIntervalMs);
                    }
                    else
                    {
                        Fire(key);
                    }
                }
                catch (Exception e)
                {
                    _logger.LogError(e, "Group coordinator deadline {Kind} of group {Group} failed", key.Kind, key.GroupId);
                }
            }
        }
        ArmTimer();
        // The tombstones' appends are awaited outside the lock; their completion only logs.
        if (expiration is not null) _ = FinishExpiration(expiration);
    }

    private void Fire(DeadlineKey key)
    {
        if (!_groups.TryGetValue(key.GroupId, out var group)) return;
        switch (key.Kind)
        {
            case DeadlineKind.Heartbeat:
                OnHeartbeatExpired(group, key.MemberId);
                break;
            case DeadlineKind.Join:
                OnJoinDeadline(group);
                break;
            case DeadlineKind.PendingSync:
                OnPendingSyncExpired(group);
                break;
            case DeadlineKind.ConsumerSession:
                OnConsumerSessionExpired(group, key.MemberId);
                break;
            case DeadlineKind.ConsumerRevocation:
                OnConsumerRevocationExpired(group, key.MemberId);
                break;
        }
    }

    private void ScheduleHeartbeat(ClassicGroup group, GroupMember member, long timeoutMs) =>
        _deadlines.Schedule(HeartbeatKey(group, member.MemberId), NowMs + timeoutMs);

    private void ScheduleHeartbeat(ClassicGroup group, GroupMember member) => ScheduleHeartbeat(group, member, member.SessionTimeoutMs);

    private void OnHeartbeatExpired(ClassicGroup group, string memberId)
    {
        if (group.Is(GroupState.Dead)) return;
        if (group.PendingMembers.Remove(memberId))
        {
            _logger.LogInformation("Pending member {Member} of group {Group} never joined; dropped after its session timeout", memberId, group.GroupId);
            if (group.Is(GroupState.PreparingRebalance) && group.HasAllMembersJoined) CompleteJoin(group);
            return;
        }
        if (!group.Members.TryGetValue(memberId, out var member) || member.KeptAliveByRebalance) return;
        _logger.LogInformation("Member {Member} of group {Group} missed its session timeout; removing it", memberId, group.GroupId);
        RemoveMemberAndUpdateGroup(group, member);
    }

    private void OnJoinDeadline(ClassicGroup group)
    {
        if (!group.Is(GroupState.PreparingRebalance)) return;
        if (!group.JoinTimerIsInitial)
        {
            CompleteJoin(group);
            return;
        }
        // group.initial.rebalance.delay.ms: keep waiting while members keep arriving, within the rebalance timeout.
        if (group.NewMemberAdded && group.InitialRemainingMs != 0)
        {
            group.NewMemberAdded = false;
            var delay = Math.Min(_options.InitialRebalanceDelayMs, group.InitialRemainingMs);
            var remaining = Math.Max(group.InitialRemainingMs - group.InitialDelayMs, 0);
            group.InitialDelayMs = delay;
            group.InitialRemainingMs = remaining;
            _deadlines.Schedule(JoinKey(group), NowMs + delay);
        }
        else
        {
            CompleteJoin(group);
        }
    }

    /// <summary>Members that got their join response but never sent SyncGroup within the rebalance timeout are removed.</summary>
    private void OnPendingSyncExpired(ClassicGroup group)
    {
        if (group.State is not (GroupState.CompletingRebalance or GroupState.Stable) || group.PendingSyncMembers.Count == 0) return;
        var missing = group.PendingSyncMembers.ToList();
        _logger.LogInformation("Group {Group} generation {Generation}: members {Members} did not sync in time; removing them",
            group.GroupId, group.GenerationId, string.Join(", ", missing));
        foreach (var id in missing)
        {
            var member = group.Remove(id);
            _deadlines.Cancel(HeartbeatKey(group, id));
            member?.AwaitingJoin?.TrySetResult(JoinGroupResult.Failed(Common.ErrorCode.UnknownMemberId));
        }
        PrepareRebalance(group, "members did not send SyncGroup in time");
    }
}
