using Brook.Common;
using Brook.Coordination.Records;

namespace Brook.Coordination.Model;

/// <summary>
/// One classic group: membership, generation, selected protocol, committed offsets. Plain data plus the rules that
/// only look at the group itself; every mutation happens under the coordinator's lock. It is also the holder of the
/// offsets of a KIP-848 consumer group, whose membership then hangs off <see cref="Consumer"/>.
/// </summary>
internal sealed class ClassicGroup(string groupId, int partition, long now)
{
    public const string ConsumerProtocolType = "consumer";

    public string GroupId { get; } = groupId;

    /// <summary>The __consumer_offsets partition that stores this group.</summary>
    public int Partition { get; } = partition;

    public GroupState State { get; private set; } = GroupState.Empty;
    public GroupState PreviousState { get; private set; } = GroupState.Empty;

    /// <summary>When the group entered its current state (Kafka's currentStateTimestamp): retention of an Empty group counts from it.</summary>
    public long CurrentStateTimestamp { get; set; } = now;

    public int GenerationId { get; set; }
    public string? ProtocolType { get; set; }
    public string? ProtocolName { get; set; }
    public string? LeaderId { get; set; }

    /// <summary>Insertion-ordered so that leader choice and listings are deterministic.</summary>
    public OrderedDictionary<string, GroupMember> Members { get; } = new(StringComparer.Ordinal);

    /// <summary>group.instance.id → current member id of the static members.</summary>
    public Dictionary<string, string> StaticMembers { get; } = new(StringComparer.Ordinal);

    /// <summary>Member ids handed out with MEMBER_ID_REQUIRED and not yet used to join (KIP-394).</summary>
    public HashSet<string> PendingMembers { get; } = new(StringComparer.Ordinal);

    /// <summary>Members that got a join response for this generation but have not sent SyncGroup yet.</summary>
    public HashSet<string> PendingSyncMembers { get; } = new(StringComparer.Ordinal);

    /// <summary>Topics the members' consumer-protocol subscriptions name; null when unknown (not a consumer group, or unparseable).</summary>
    public HashSet<string>? SubscribedTopics { get; set; }

    public Dictionary<TopicPartition, CommittedOffset> Offsets { get; } = [];

    /// <summary>
    /// Transactional offset commits (TxnOffsetCommit) whose transaction has not ended, by producer id: invisible to
    /// OffsetFetch until the producer's COMMIT marker moves them into <see cref="Offsets"/>, dropped by its ABORT marker.
    /// Each partition keeps its commits of the transaction in log order, the last one being what a COMMIT makes visible:
    /// more than one only while appends are in flight, so that a failed append (a zombie producer's, say) takes away its
    /// own entry and uncovers the one before it. Emptied lists and producers are removed, so none present is empty.
    /// </summary>
    public Dictionary<long, Dictionary<TopicPartition, List<CommittedOffset>>> PendingTransactions { get; } = [];

    /// <summary>
    /// Set when the group id belongs to a KIP-848 consumer group: its membership lives there, while this object keeps
    /// the committed offsets (which work the same for both protocols) and has no classic members.
    /// </summary>
    public ConsumerGroup? Consumer { get; set; }

    /// <summary>No classic membership at all, so the group id may be taken over by a consumer group (keeping its offsets).</summary>
    public bool HasNoClassicMembers => Members.Count == 0 && PendingMembers.Count == 0 && State is GroupState.Empty;

    /// <summary>The initial rebalance extends itself while members keep arriving (group.initial.rebalance.delay.ms).</summary>
    public bool NewMemberAdded { get; set; }
    public bool JoinTimerIsInitial { get; set; }
    public int InitialDelayMs { get; set; }
    public int InitialRemainingMs { get; set; }

    /// <summary>The generation whose leader assignment is being written; -1 when none is.</summary>
    public int AssignmentStoreGeneration { get; set; } = -1;

    /// <summary>
    /// Commits whose append has not completed, and, while there are any, the sequence of the latest deletion of each
    /// offset, so that a commit logged before a deletion cannot reappear when its append completes after it.
    /// </summary>
    public int InFlightCommits { get; set; }
    public Dictionary<TopicPartition, long> RecentDeletions { get; } = [];

    public bool Is(GroupState state) => State == state;
    public bool IsLeader(string memberId) => LeaderId == memberId;
    public bool CanRebalance => State is GroupState.Stable or GroupState.CompletingRebalance or GroupState.Empty;

    public void TransitionTo(GroupState state, long now)
    {
        PreviousState = State;
        State = state;
        CurrentStateTimestamp = now;
    }

    public void Add(GroupMember member, TaskCompletionSource<JoinGroupResult>? awaitingJoin)
    {
        if (Members.Count == 0) ProtocolType = member.ProtocolType;
        Members[member.MemberId] = member;
        if (member.GroupInstanceId is { } instanceId) StaticMembers[instanceId] = member.MemberId;
        LeaderId ??= member.MemberId;
        member.AwaitingJoin = awaitingJoin;
    }

    /// <summary>Drops a member without side effects on the rebalance; a departing leader hands over to a member that already rejoined.</summary>
    public GroupMember? Remove(string memberId)
    {
        PendingMembers.Remove(memberId);
        if (!Members.Remove(memberId, out var member)) return null;
        if (member.GroupInstanceId is { } instanceId &&
            StaticMembers.TryGetValue(instanceId, out var current) && current == memberId)
            StaticMembers.Remove(instanceId);
        PendingSyncMembers.Remove(memberId);
        if (IsLeader(memberId))
        {
            LeaderId = null;
            foreach (var m in Members.Values)
                if (m.IsAwaitingJoin) { LeaderId = m.MemberId; break; }
            if (LeaderId is null && Members.Count > 0) LeaderId = Members.GetAt(0).Key;
        }
        return member;
    }

    /// <summary>A restarted static member takes over its old slot (assignment included) under <paramref name="newMemberId"/>.</summary>
    public GroupMember ReplaceStaticMember(string instanceId, string oldMemberId, string newMemberId)
    {
        var index = Members.IndexOf(oldMemberId);
        var member = Members.GetAt(index).Value;
        Members.RemoveAt(index);
        member.MemberId = newMemberId;
        Members.Insert(index, newMemberId, member);
        StaticMembers[instanceId] = newMemberId;
        if (IsLeader(oldMemberId)) LeaderId = newMemberId;
        if (PendingSyncMembers.Remove(oldMemberId)) PendingSyncMembers.Add(newMemberId);
        return member;
    }

    /// <summary>
    /// Checks a request's member id / group.instance.id pair: an instance id mapped to another member id means this
    /// caller is an older incarnation of a static member (FENCED_INSTANCE_ID).
    /// </summary>
    public ErrorCode ValidateMember(string memberId, string? groupInstanceId)
    {
        if (groupInstanceId is not null)
        {
            if (!StaticMembers.TryGetValue(groupInstanceId, out var current)) return ErrorCode.UnknownMemberId;
            return current == memberId ? ErrorCode.None : ErrorCode.FencedInstanceId;
        }
        return Members.ContainsKey(memberId) ? ErrorCode.None : ErrorCode.UnknownMemberId;
    }

    /// <summary>
    /// A joining member is compatible when the group is empty (any non-empty type and protocol list), or when its
    /// protocol type matches and it names at least one protocol every current member supports.
    /// </summary>
    public bool SupportsProtocols(string protocolType, IReadOnlyList<GroupProtocol> protocols)
    {
        if (Is(GroupState.Empty)) return protocolType.Length > 0 && protocols.Count > 0;
        if (ProtocolType != protocolType) return false;
        foreach (var p in protocols)
        {
            var all = true;
            foreach (var m in Members.Values)
                if (!m.Supports(p.Name)) { all = false; break; }
            if (all) return true;
        }
        return false;
    }

    /// <summary>
    /// Picks the protocol for the next generation: among protocols every member supports, each member votes for the
    /// first one in its own preference order; most votes wins, ties going to the earlier one in the first member's list.
    /// </summary>
    public string SelectProtocol()
    {
        var first = Members.GetAt(0).Value;
        var candidates = new List<string>();
        foreach (var p in first.Protocols)
        {
            var all = true;
            foreach (var m in Members.Values)
                if (!m.Supports(p.Name)) { all = false; break; }
            if (all) candidates.Add(p.Name);
        }
        if (candidates.Count == 0) return first.Protocols[0].Name;

        var votes = new int[candidates.Count];
        foreach (var m in Members.Values)
        {
            foreach (var p in m.Protocols)
            {
                var index = candidates.IndexOf(p.Name);
                if (index >= 0) { votes[index]++; break; }
            }
        }
        var best = 0;
        for (var i = 1; i < votes.Length; i++)
            if (votes[i] > votes[best]) best = i;
        return candidates[best];
    }

    public int RebalanceTimeoutMs
    {
        get
        {
            var max = 0;
            foreach (var m in Members.Values) max = Math.Max(max, m.RebalanceTimeoutMs);
            return max;
        }
    }

    public int AwaitingJoinCount
    {
        get
        {
            var n = 0;
            foreach (var m in Members.Values) if (m.IsAwaitingJoin) n++;
            return n;
        }
    }

    public bool HasAllMembersJoined => AwaitingJoinCount == Members.Count && PendingMembers.Count == 0;

    /// <summary>Makes sure the leader is a member that rejoined; false when nobody rejoined.</summary>
    public bool MaybeElectNewJoinedLeader()
    {
        if (LeaderId is null || !Members.TryGetValue(LeaderId, out var leader)) return false;
        if (leader.IsAwaitingJoin) return true;
        foreach (var m in Members.Values)
        {
            if (m.IsAwaitingJoin)
            {
                LeaderId = m.MemberId;
                return true;
            }
        }
        return false;
    }

    /// <summary>Ends the join phase: a new generation, with a protocol when there are members, else an empty one.</summary>
    public void InitNextGeneration(long now)
    {
        GenerationId++;
        PendingSyncMembers.Clear();
        if (Members.Count > 0)
        {
            ProtocolName = SelectProtocol();
            SubscribedTopics = ComputeSubscribedTopics();
            TransitionTo(GroupState.CompletingRebalance, now);
        }
        else
        {
            ProtocolName = null;
            SubscribedTopics = null;
            TransitionTo(GroupState.Empty, now);
        }
    }

    /// <summary>The member list the leader gets: every member with its metadata for the selected protocol.</summary>
    public List<JoinGroupMember> CurrentMembersForLeader()
    {
        var list = new List<JoinGroupMember>(Members.Count);
        foreach (var m in Members.Values)
            list.Add(new JoinGroupMember(m.MemberId, m.GroupInstanceId, m.MetadataFor(ProtocolName) ?? []));
        return list;
    }

    /// <summary>
    /// For consumer-protocol groups, the union of subscribed topics read from each member's ConsumerProtocolSubscription
    /// (int16 version, then an array of topic names; later fields are irrelevant here). Null if any cannot be read.
    /// </summary>
    public HashSet<string>? ComputeSubscribedTopics()
    {
        if (ProtocolType != ConsumerProtocolType || ProtocolName is null || Members.Count == 0) return null;
        var topics = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in Members.Values)
        {
            var metadata = m.MetadataFor(ProtocolName);
            if (metadata is null) return null;
            try
            {
                var reader = new SchemaRecordReader(metadata);
                if (reader.ReadInt16() < 0) return null;
                var count = reader.ReadArrayLength();
                for (var i = 0; i < count; i++) topics.Add(reader.ReadString());
            }
            catch (KafkaException)
            {
                return null;
            }
        }
        return topics;
    }

    /// <summary>The group as a GroupMetadataValue, members carrying the given assignments.</summary>
    public GroupMetadataValue ToRecord(Func<GroupMember, byte[]> assignmentOf)
    {
        var members = new List<GroupMemberMetadata>(Members.Count);
        foreach (var m in Members.Values)
        {
            members.Add(new GroupMemberMetadata(m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost,
                m.RebalanceTimeoutMs, m.SessionTimeoutMs, m.MetadataFor(ProtocolName) ?? [], assignmentOf(m)));
        }
        return new GroupMetadataValue(ProtocolType ?? "", GenerationId, ProtocolName, LeaderId, CurrentStateTimestamp, members);
    }

    /// <summary>Marks the group gone: requests still holding the object see Dead and answer accordingly.</summary>
    public void MarkDead(long now) => TransitionTo(GroupState.Dead, now);

    /// <summary>Nothing worth keeping: no members (pending or not), no offsets (pending or not), no generation ever completed.</summary>
    public bool IsUnused =>
        Members.Count == 0 && PendingMembers.Count == 0 && Offsets.Count == 0 && GenerationId == 0 && InFlightCommits == 0 && Consumer is null &&
        PendingTransactions.Count == 0;

    /// <summary>Whether an open transaction holds an offset for <paramref name="partition"/> (OffsetFetch's UNSTABLE_OFFSET_COMMIT).</summary>
    public bool HasPendingTransactionalOffset(TopicPartition partition)
    {
        foreach (var offsets in PendingTransactions.Values)
            if (offsets.ContainsKey(partition)) return true;
        return false;
    }
}
