using Brook.Common;
using Brook.Coordination.Records;

namespace Brook.Coordination.Model;

/// <summary>
/// The KIP-848 state of a consumer group: group epoch, target assignment and its epoch, members, and which member holds
/// each partition. Every change goes through an Apply method taking the value of one __consumer_offsets record (null
/// for a tombstone), used both by live requests and by replay — so a reloaded group is exactly the one that was written.
/// </summary>
internal sealed class ConsumerGroup(string groupId)
{
    public string GroupId { get; } = groupId;

    public int GroupEpoch { get; private set; }
    public long MetadataHash { get; private set; }
    public int AssignmentEpoch { get; private set; }

    /// <summary>Insertion-ordered so listings are stable.</summary>
    public OrderedDictionary<string, ConsumerGroupMember> Members { get; } = new(StringComparer.Ordinal);

    /// <summary>group.instance.id → member id of static members.</summary>
    public Dictionary<string, string> StaticMembers { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, PartitionAssignment> TargetAssignment { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Who holds each partition: its assigned or pending-revocation set names it. A partition held by one member is
    /// given to another only once the holder has released it, so no partition is ever consumed by two members at once.
    /// </summary>
    private readonly Dictionary<(Uuid Topic, int Partition), string> _owners = [];

    public GroupState State
    {
        get
        {
            if (Members.Count == 0) return GroupState.Empty;
            if (GroupEpoch > AssignmentEpoch) return GroupState.Assigning;
            foreach (var m in Members.Values)
                if (!m.IsReconciledTo(AssignmentEpoch)) return GroupState.Reconciling;
            return GroupState.Stable;
        }
    }

    /// <summary>The member holding a partition, or null when it is free.</summary>
    public string? OwnerOf(Uuid topic, int partition) => _owners.GetValueOrDefault((topic, partition));

    public PartitionAssignment TargetOf(string memberId) => TargetAssignment.GetValueOrDefault(memberId) ?? PartitionAssignment.Empty;

    /// <summary>The union of the members' subscribed topic names (regexes not included).</summary>
    public SortedSet<string> SubscribedTopicNames()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var m in Members.Values) names.UnionWith(m.Metadata.SubscribedTopicNames);
        return names;
    }

    public IEnumerable<string> SubscribedRegexes()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in Members.Values)
            if (m.Metadata.SubscribedTopicRegex is { Length: > 0 } regex && seen.Add(regex)) yield return regex;
    }

    /// <summary>Kafka's rule: the server assignor most members ask for (ties: the earlier in the configured list), else the default.</summary>
    public string PreferredAssignor(IReadOnlyList<string> configured)
    {
        var votes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var m in Members.Values)
            if (m.Metadata.ServerAssignor is { } a) votes[a] = votes.GetValueOrDefault(a) + 1;
        if (votes.Count == 0) return configured[0];
        string? best = null;
        foreach (var name in configured)
            if (votes.TryGetValue(name, out var n) && (best is null || n > votes[best])) best = name;
        return best ?? configured[0];
    }

    public void ApplyGroupMetadata(ConsumerGroupMetadataValue value)
    {
        GroupEpoch = value.Epoch;
        MetadataHash = value.MetadataHash;
    }

    public void ApplyTargetAssignmentMetadata(ConsumerGroupTargetAssignmentMetadataValue? value) =>
        AssignmentEpoch = value?.AssignmentEpoch ?? 0;

    /// <summary>Creates or updates a member; a tombstone removes it, releasing whatever it still held.</summary>
    public void ApplyMemberMetadata(string memberId, ConsumerGroupMemberMetadataValue? value)
    {
        if (value is null)
        {
            if (!Members.Remove(memberId, out var gone)) return;
            if (gone.InstanceId is { } instance && StaticMembers.TryGetValue(instance, out var id) && id == memberId)
                StaticMembers.Remove(instance);
            SetOwnership(gone, PartitionAssignment.Empty, PartitionAssignment.Empty);
            return;
        }
        var member = GetOrAddMember(memberId);
        if (member.InstanceId is { } oldInstance && oldInstance != value.InstanceId &&
            StaticMembers.TryGetValue(oldInstance, out var mapped) && mapped == memberId)
            StaticMembers.Remove(oldInstance);
        member.Metadata = value;
        if (value.InstanceId is { } instanceId) StaticMembers[instanceId] = memberId;
    }

    public void ApplyTargetAssignmentMember(string memberId, ConsumerGroupTargetAssignmentMemberValue? value)
    {
        if (value is null) TargetAssignment.Remove(memberId);
        else TargetAssignment[memberId] = value.TopicPartitions;
    }

    /// <summary>Sets a member's reconciliation state; a tombstone resets it to epoch 0 with nothing held.</summary>
    public void ApplyCurrentAssignment(string memberId, ConsumerGroupCurrentMemberAssignmentValue? value)
    {
        if (value is null)
        {
            if (!Members.TryGetValue(memberId, out var existing)) return;
            SetOwnership(existing, PartitionAssignment.Empty, PartitionAssignment.Empty);
            existing.MemberEpoch = 0;
            existing.PreviousMemberEpoch = 0;
            existing.State = ConsumerMemberState.Stable;
            return;
        }
        var member = GetOrAddMember(memberId);
        SetOwnership(member, value.AssignedPartitions, value.PartitionsPendingRevocation);
        member.MemberEpoch = value.MemberEpoch;
        member.PreviousMemberEpoch = value.PreviousMemberEpoch;
        member.State = value.State;
    }

    private ConsumerGroupMember GetOrAddMember(string memberId)
    {
        if (!Members.TryGetValue(memberId, out var member))
        {
            member = new ConsumerGroupMember(memberId);
            Members.Add(memberId, member);
        }
        return member;
    }

    private void SetOwnership(ConsumerGroupMember member, PartitionAssignment assigned, PartitionAssignment pending)
    {
        foreach (var tp in member.Assigned.All().Concat(member.PendingRevocation.All()))
            if (_owners.TryGetValue(tp, out var owner) && owner == member.MemberId) _owners.Remove(tp);
        member.Assigned = assigned;
        member.PendingRevocation = pending;
        foreach (var tp in assigned.All().Concat(pending.All())) _owners[tp] = member.MemberId;
    }
}
