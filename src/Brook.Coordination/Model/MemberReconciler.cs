using Brook.Common;
using Brook.Coordination.Records;

namespace Brook.Coordination.Model;

/// <summary>
/// KIP-848's reconciliation: given a member's current state, the target assignment and what the member reports owning,
/// the member's next state. The rules that keep a partition from being consumed twice:
/// <list type="bullet">
/// <item>Revocation comes first: while a member still owns partitions it must give up, it stays in its epoch
/// (UNREVOKED_PARTITIONS) and gets nothing new; it learns only the reduced set.</item>
/// <item>A partition is handed over only once no other member holds it (assigned or pending revocation); until then
/// the receiver waits in UNRELEASED_PARTITIONS at the new epoch.</item>
/// <item>The epoch moves to the target's epoch as soon as nothing is left to revoke.</item>
/// </list>
/// </summary>
internal static class MemberReconciler
{
    /// <param name="member">The member as it stands.</param>
    /// <param name="targetEpoch">The epoch of the group's target assignment.</param>
    /// <param name="target">The member's target partitions.</param>
    /// <param name="owned">The partitions the heartbeat says the member owns; null when the heartbeat did not say.</param>
    /// <param name="ownerOf">Which member holds a partition now (null: free).</param>
    /// <param name="isSubscribed">Whether the member subscribes to a topic: a target in a topic it dropped counts as empty.</param>
    /// <param name="subscriptionChanged">The heartbeat changed the subscription: drop unsubscribed topics even within the epoch.</param>
    public static ConsumerGroupCurrentMemberAssignmentValue Next(
        ConsumerGroupMember member,
        int targetEpoch,
        PartitionAssignment target,
        PartitionAssignment? owned,
        Func<Uuid, int, string?> ownerOf,
        Func<Uuid, bool> isSubscribed,
        bool subscriptionChanged)
    {
        var current = member.CurrentAssignment;
        switch (member.State)
        {
            case ConsumerMemberState.Stable:
                if (member.MemberEpoch != targetEpoch) return Compute(member, member.MemberEpoch, targetEpoch, target, owned, ownerOf, isSubscribed);
                return subscriptionChanged ? DropUnsubscribed(member, owned, isSubscribed) : current;

            case ConsumerMemberState.UnrevokedPartitions:
                if (OwnsAny(owned, member.PendingRevocation))
                    return subscriptionChanged ? DropUnsubscribed(member, owned, isSubscribed) : current;
                // Revocation confirmed: move on, at most one epoch further while something is still to revoke, so a
                // member whose subscription changed does not jump ahead of a target not computed yet.
                return Compute(member, Math.Min(member.MemberEpoch + 1, targetEpoch), targetEpoch, target, owned, ownerOf, isSubscribed);

            case ConsumerMemberState.UnreleasedPartitions:
                return Compute(member, member.MemberEpoch, targetEpoch, target, owned, ownerOf, isSubscribed);

            default:
                // A state from a newer version: the caller fenced the member unless it owns nothing; start afresh.
                return Compute(member, targetEpoch, targetEpoch, target, owned, ownerOf, isSubscribed);
        }
    }

    /// <summary>Owned partitions among <paramref name="partitions"/>; an unknown owned set counts as owning them all.</summary>
    public static bool OwnsAny(PartitionAssignment? owned, PartitionAssignment partitions)
    {
        if (owned is null) return !partitions.IsEmpty;
        foreach (var (topic, p) in owned.All())
            if (partitions.Contains(topic, p)) return true;
        return false;
    }

    private static ConsumerGroupCurrentMemberAssignmentValue Compute(
        ConsumerGroupMember member,
        int epochWhileRevoking,
        int targetEpoch,
        PartitionAssignment target,
        PartitionAssignment? owned,
        Func<Uuid, int, string?> ownerOf,
        Func<Uuid, bool> isSubscribed)
    {
        var keep = new List<(Uuid, int)>();
        var revoke = new List<(Uuid, int)>();
        var gain = new List<(Uuid, int)>();
        var unreleased = false;

        foreach (var (topic, p) in member.Assigned.All())
        {
            if (isSubscribed(topic) && target.Contains(topic, p)) keep.Add((topic, p));
            else revoke.Add((topic, p));
        }
        foreach (var (topic, p) in target.All())
        {
            if (!isSubscribed(topic) || member.Assigned.Contains(topic, p)) continue;
            var owner = ownerOf(topic, p);
            // Our own pending revocation is ours to take back; anybody else's partition must be released first.
            if (owner is not null && owner != member.MemberId) unreleased = true;
            else gain.Add((topic, p));
        }

        var kept = PartitionAssignment.From(keep);
        var revoked = PartitionAssignment.From(revoke);
        if (!revoked.IsEmpty && OwnsAny(owned, revoked))
            return Transition(member, ConsumerMemberState.UnrevokedPartitions, epochWhileRevoking, kept, revoked);

        var state = unreleased ? ConsumerMemberState.UnreleasedPartitions : ConsumerMemberState.Stable;
        var assigned = gain.Count == 0 ? kept : kept.Union(PartitionAssignment.From(gain));
        return Transition(member, state, targetEpoch, assigned, PartitionAssignment.Empty);
    }

    /// <summary>Within the same epoch, partitions of topics no longer subscribed are revoked at once.</summary>
    private static ConsumerGroupCurrentMemberAssignmentValue DropUnsubscribed(ConsumerGroupMember member, PartitionAssignment? owned, Func<Uuid, bool> isSubscribed)
    {
        var dropped = member.Assigned.WhereTopic(t => !isSubscribed(t));
        if (dropped.IsEmpty) return member.CurrentAssignment;
        var assigned = member.Assigned.Except(dropped);
        var pending = member.PendingRevocation.Union(dropped);
        var state = OwnsAny(owned, pending) ? ConsumerMemberState.UnrevokedPartitions : member.State;
        if (state != ConsumerMemberState.UnrevokedPartitions) pending = member.PendingRevocation;
        return Transition(member, state, member.MemberEpoch, assigned, pending);
    }

    private static ConsumerGroupCurrentMemberAssignmentValue Transition(ConsumerGroupMember member, ConsumerMemberState state, int epoch,
        PartitionAssignment assigned, PartitionAssignment pending)
    {
        // The previous epoch is the one the member may still legitimately send if it missed the response that moved it.
        var previous = epoch == member.MemberEpoch ? member.PreviousMemberEpoch : member.MemberEpoch;
        return new ConsumerGroupCurrentMemberAssignmentValue(epoch, previous, state, assigned, pending);
    }
}
