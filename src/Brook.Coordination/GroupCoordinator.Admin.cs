using Brook.Common;
using Brook.Coordination.Model;
using Brook.Coordination.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Coordination;

/// <summary>ListGroups, DescribeGroups, DeleteGroups and offsets retention.</summary>
public sealed partial class GroupCoordinator
{
    /// <summary>ListGroups' group types (KIP-848).</summary>
    public const string ClassicGroupType = "classic";
    public const string ConsumerGroupType = "consumer";

    /// <summary>
    /// Groups of the loaded partitions, optionally filtered by state (KIP-518; wire names, case-insensitive) and by
    /// group type (KIP-848: "classic" or "consumer", also case-insensitive). Empty filters mean all.
    /// </summary>
    public ListGroupsResult ListGroups(IReadOnlyCollection<string>? statesFilter = null, IReadOnlyCollection<string>? typesFilter = null)
    {
        HashSet<GroupState>? states = null;
        if (statesFilter is { Count: > 0 })
        {
            states = [];
            foreach (var name in statesFilter)
                if (GroupStates.TryParse(name, out var s)) states.Add(s);
        }
        bool TypeWanted(string type) =>
            typesFilter is not { Count: > 0 } || typesFilter.Any(t => string.Equals(t, type, StringComparison.OrdinalIgnoreCase));

        lock (_lock)
        {
            var loading = _partitions.Values.Any(p => !p.Loaded);
            var list = new List<ListedGroup>();
            foreach (var group in _groups.Values)
            {
                if (!IsLoadedPartition(group.Partition) || group.Is(GroupState.Dead)) continue;
                if (group.Consumer is { } consumer)
                {
                    var consumerState = consumer.State;
                    if (!TypeWanted(ConsumerGroupType) || (states is not null && !states.Contains(consumerState))) continue;
                    list.Add(new ListedGroup(group.GroupId, ClassicGroup.ConsumerProtocolType, consumerState, ConsumerGroupType));
                    continue;
                }
                if (!TypeWanted(ClassicGroupType) || (states is not null && !states.Contains(group.State))) continue;
                list.Add(new ListedGroup(group.GroupId, group.ProtocolType ?? "", group.State, ClassicGroupType));
            }
            list.Sort(static (a, b) => string.CompareOrdinal(a.GroupId, b.GroupId));
            return new ListGroupsResult(loading ? ErrorCode.CoordinatorLoadInProgress : ErrorCode.None, list);
        }
    }

    /// <summary>
    /// Describes groups in request order. Members carry metadata (for the selected protocol) and assignment only when
    /// the group is Stable, as Kafka shows them.
    /// </summary>
    public IReadOnlyList<DescribedGroup> DescribeGroups(IReadOnlyList<string> groupIds)
    {
        var results = new List<DescribedGroup>(groupIds.Count);
        lock (_lock)
        {
            foreach (var groupId in groupIds)
            {
                var error = groupId is null ? ErrorCode.InvalidGroupId : CoordinatorError(groupId, out _);
                // A consumer group is not described here but by ConsumerGroupDescribe, as Kafka does: admin clients read
                // GROUP_ID_NOT_FOUND from one API as "ask the other".
                if (error == ErrorCode.None && (!_groups.TryGetValue(groupId!, out var found) || found.Is(GroupState.Dead) || found.Consumer is not null))
                    error = ErrorCode.GroupIdNotFound;
                if (error != ErrorCode.None)
                {
                    results.Add(new DescribedGroup(error, groupId ?? "", GroupState.Dead, "", "", []));
                    continue;
                }
                var group = _groups[groupId!];
                var stable = group.Is(GroupState.Stable);
                var members = new List<DescribedMember>(group.Members.Count);
                foreach (var m in group.Members.Values)
                {
                    members.Add(new DescribedMember(m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost,
                        stable ? m.MetadataFor(group.ProtocolName) ?? [] : [], stable ? m.Assignment : []));
                }
                results.Add(new DescribedGroup(ErrorCode.None, group.GroupId, group.State, group.ProtocolType ?? "",
                    stable ? group.ProtocolName ?? "" : "", members));
            }
        }
        return results;
    }

    /// <summary>
    /// Deletes empty groups with all their offsets: the group leaves memory at once, and the result for each group is
    /// known once its tombstones are durable. Pending transactional offsets do not make a group non-empty (as in
    /// Kafka's coordinator): they are deleted too, with tombstones for partitions that have nothing committed, so that
    /// neither the transaction's COMMIT marker nor a reload brings them back.
    /// </summary>
    public async ValueTask<IReadOnlyList<DeletedGroup>> DeleteGroupsAsync(IReadOnlyList<string> groupIds, CancellationToken cancellationToken = default)
    {
        var results = new DeletedGroup[groupIds.Count];
        var appends = new List<(Task<long> Append, List<int> Indexes)>();
        lock (_lock)
        {
            var batches = new Dictionary<int, (List<(byte[] Key, byte[]? Value)> Records, List<int> Indexes)>();
            for (var i = 0; i < groupIds.Count; i++)
            {
                var groupId = groupIds[i];
                var error = groupId is null ? ErrorCode.InvalidGroupId : CoordinatorError(groupId, out _);
                ClassicGroup? group = null;
                if (error == ErrorCode.None && (!_groups.TryGetValue(groupId!, out group) || group.Is(GroupState.Dead)))
                    error = ErrorCode.GroupIdNotFound;
                if (error == ErrorCode.None && (group!.Consumer is { } consumer ? consumer.Members.Count > 0 : !group.Is(GroupState.Empty)))
                    error = ErrorCode.NonEmptyGroup;
                results[i] = new DeletedGroup(groupId ?? "", error);
                if (error != ErrorCode.None) continue;

                if (!batches.TryGetValue(group!.Partition, out var batch))
                {
                    batch = ([], []);
                    batches.Add(group.Partition, batch);
                }
                // Offsets first, group last, as Kafka orders them: a reader that stops half-way never sees a group
                // tombstone with offsets still alive behind it.
                foreach (var tp in group.Offsets.Keys)
                    batch.Records.Add((OffsetsRecordKey.EncodeOffsetCommit(group.GroupId, tp.Topic, tp.Partition), null));
                foreach (var tp in PendingOnlyPartitions(group))
                    batch.Records.Add((OffsetsRecordKey.EncodeOffsetCommit(group.GroupId, tp.Topic, tp.Partition), null));
                AddConsumerGroupTombstones(group, batch.Records);
                batch.Records.Add((OffsetsRecordKey.EncodeGroupMetadata(group.GroupId), null));
                batch.Indexes.Add(i);
                _logger.LogInformation("Deleting group {Group} and its {Count} offsets", group.GroupId, group.Offsets.Count);
                DropGroup(group, ErrorCode.CoordinatorNotAvailable);
            }
            foreach (var (partition, batch) in batches) appends.Add((StartAppend(partition, batch.Records), batch.Indexes));
        }
        ArmTimer();

        foreach (var (append, indexes) in appends)
        {
            try
            {
                await append.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                var error = GroupAppendError(e);
                _logger.LogWarning(e, "Writing group tombstones failed ({Error})", error);
                foreach (var i in indexes) results[i] = results[i] with { Error = error };
            }
        }
        return results;
    }

    /// <summary>
    /// Offsets retention (KIP-211): deletes offsets of groups that have had no members for offsets.retention.minutes
    /// (counted from when the group emptied, or from the commit if that is later), and offsets of topics an active
    /// consumer group no longer subscribes to, counted from their commit. Empty groups left with no offsets are deleted
    /// too. Runs periodically from the timer loop; returns how many offsets it removed. As in Kafka, an offset with a
    /// pending transactional offset for its partition does not expire, and a group with an open transaction is kept.
    /// </summary>
    public async ValueTask<int> ExpireOffsetsAsync(CancellationToken cancellationToken = default)
    {
        PendingExpiration expiration;
        lock (_lock) expiration = StartExpiration(NowMs);
        ArmTimer();
        await FinishExpiration(expiration).ConfigureAwait(false);
        return expiration.OffsetCount;
    }

    private sealed record PendingExpiration(int OffsetCount, List<Task<long>> Appends);

    private PendingExpiration StartExpiration(long now)
    {
        var count = 0;
        var batches = new Dictionary<int, List<(byte[] Key, byte[]? Value)>>();
        var sequence = ++_appendSequence;
        foreach (var group in _groups.Values.ToList())
        {
            if (!IsLoadedPartition(group.Partition)) continue;
            // A commit in flight may be the first of a simple consumer's group: leave the group alone until it lands.
            if (group.InFlightCommits > 0) continue;

            var expired = new List<TopicPartition>();
            var consumerSubscription = group.Consumer is null ? null : SubscriptionOf(group).Subscribed;
            foreach (var (tp, committed) in group.Offsets)
                if (IsExpired(group, tp, committed.Value, now, consumerSubscription) && !group.HasPendingTransactionalOffset(tp)) expired.Add(tp);

            var deleteGroup = group.Is(GroupState.Empty) && group.Offsets.Count == expired.Count && group.PendingMembers.Count == 0 &&
                group.Consumer is not { Members.Count: > 0 } && group.PendingTransactions.Count == 0;
            if (expired.Count == 0 && !deleteGroup) continue;
            if (!batches.TryGetValue(group.Partition, out var records))
            {
                records = [];
                batches.Add(group.Partition, records);
            }
            foreach (var tp in expired)
            {
                DeleteOffset(group, tp, sequence);
                records.Add((OffsetsRecordKey.EncodeOffsetCommit(group.GroupId, tp.Topic, tp.Partition), null));
            }
            count += expired.Count;
            if (deleteGroup)
            {
                AddConsumerGroupTombstones(group, records);
                records.Add((OffsetsRecordKey.EncodeGroupMetadata(group.GroupId), null));
                DropGroup(group, ErrorCode.CoordinatorNotAvailable);
            }
            _logger.LogInformation("Expired {Count} offsets of group {Group}{Deleted}", expired.Count, group.GroupId,
                deleteGroup ? "; group deleted" : "");
        }
        var appends = new List<Task<long>>(batches.Count);
        foreach (var (partition, records) in batches) appends.Add(StartAppend(partition, records));
        Counters.Expired(count);
        return new PendingExpiration(count, appends);
    }

    private bool IsExpired(ClassicGroup group, TopicPartition tp, OffsetCommitValue value, long now, IReadOnlySet<string>? consumerSubscription)
    {
        // Offsets committed with an explicit retention (OffsetCommit v2-v4, record v1) keep their own deadline.
        if (value.ExpireTimestamp >= 0) return now >= value.ExpireTimestamp;
        // Consumer groups (as Kafka's new coordinator): an offset of a topic no member subscribes to expires
        // offsets.retention.minutes after its commit.
        if (group.Consumer is not null)
            return (consumerSubscription is null || !consumerSubscription.Contains(tp.Topic)) && now - value.CommitTimestamp >= _options.OffsetsRetentionMs;
        if (group.Is(GroupState.Empty))
            return now - Math.Max(group.CurrentStateTimestamp, value.CommitTimestamp) >= _options.OffsetsRetentionMs;
        if (group.ProtocolType == ClassicGroup.ConsumerProtocolType && group.SubscribedTopics is { } topics && !topics.Contains(tp.Topic))
            return now - value.CommitTimestamp >= _options.OffsetsRetentionMs;
        return false;
    }

    private async Task FinishExpiration(PendingExpiration expiration)
    {
        foreach (var append in expiration.Appends)
        {
            try
            {
                await append.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // The offsets are gone from memory already; after a restart they would come back and expire again.
                _logger.LogWarning(e, "Writing expired-offset tombstones failed");
            }
        }
    }
}
