using Brook.Common;
using Brook.Coordination.Model;
using Brook.Coordination.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Coordination;

/// <summary>OffsetCommit, OffsetFetch and OffsetDelete.</summary>
public sealed partial class GroupCoordinator
{
    /// <summary>
    /// Commits offsets; completes once they are durable, with one result per requested partition in request order.
    /// Offsets become visible to <see cref="FetchOffsets"/> only then.
    /// </summary>
    public async ValueTask<IReadOnlyList<PartitionResult>> CommitOffsetsAsync(OffsetCommitArgs args, CancellationToken cancellationToken = default)
    {
        ClassicGroup group;
        long sequence;
        Task<long> append;
        PartitionResult[] results;
        List<(TopicPartition Partition, OffsetCommitValue Value, int ResultIndex)> commits;
        lock (_lock)
        {
            var error = args.GroupId is null ? ErrorCode.InvalidGroupId : CoordinatorError(args.GroupId, out _);
            if (error != ErrorCode.None) return AllFailed(args.Offsets, error);
            if (!_groups.TryGetValue(args.GroupId!, out var existing))
            {
                // A simple consumer (or an admin tool) may commit for a group that has never had members.
                if (args.GenerationId >= 0) return AllFailed(args.Offsets, ErrorCode.IllegalGeneration);
                existing = new ClassicGroup(args.GroupId!, PartitionFor(args.GroupId!), NowMs);
                _groups.Add(existing.GroupId, existing);
            }
            group = existing;
            error = ValidateOffsetCommit(group, args);
            if (error != ErrorCode.None) return AllFailed(args.Offsets, error);

            var now = NowMs;
            results = new PartitionResult[args.Offsets.Count];
            commits = new(args.Offsets.Count);
            var records = new List<(byte[] Key, byte[]? Value)>(args.Offsets.Count);
            for (var i = 0; i < args.Offsets.Count; i++)
            {
                var o = args.Offsets[i];
                var metadata = o.Metadata ?? "";
                // Kafka measures the limit in Java chars (UTF-16 units), which is what string.Length counts.
                if (metadata.Length > _options.OffsetMetadataMaxBytes)
                {
                    results[i] = new PartitionResult(o.Topic, o.Partition, ErrorCode.OffsetMetadataTooLarge);
                    continue;
                }
                var expireTimestamp = args.RetentionTimeMs >= 0 ? now + args.RetentionTimeMs : -1;
                var value = new OffsetCommitValue(o.Offset, o.LeaderEpoch, metadata, now, expireTimestamp);
                commits.Add((new TopicPartition(o.Topic, o.Partition), value, i));
                records.Add((OffsetsRecordKey.EncodeOffsetCommit(group.GroupId, o.Topic, o.Partition), value.Encode()));
            }
            // A commit from a live member counts as a sign of life, as a heartbeat does.
            if (group.Members.TryGetValue(args.MemberId, out var member)) ScheduleHeartbeat(group, member);
            if (records.Count == 0)
            {
                if (group.IsUnused) _groups.Remove(group.GroupId);
                return results;
            }
            sequence = ++_appendSequence;
            group.InFlightCommits++;
            append = StartAppend(group.Partition, records);
        }
        ArmTimer();

        ErrorCode appendError = ErrorCode.None;
        try
        {
            await append.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            appendError = CommitAppendError(e);
            _logger.LogWarning(e, "Offset commit of group {Group} failed ({Error})", group.GroupId, appendError);
        }

        lock (_lock)
        {
            group.InFlightCommits--;
            // Committed into a group that was deleted or unloaded meanwhile: the log holds the tombstones after it.
            var live = _groups.TryGetValue(group.GroupId, out var current) && ReferenceEquals(current, group);
            foreach (var (partition, value, index) in commits)
            {
                if (appendError == ErrorCode.None && live) ApplyOffsetCommit(group, partition, value, sequence);
                results[index] = new PartitionResult(partition.Topic, partition.Partition, appendError);
            }
            if (appendError == ErrorCode.None) Counters.Committed(commits.Count);
            if (group.InFlightCommits == 0) group.RecentDeletions.Clear();
            if (live && group.IsUnused) _groups.Remove(group.GroupId);
        }
        return results;
    }

    private static PartitionResult[] AllFailed(IReadOnlyList<OffsetCommitEntry> offsets, ErrorCode error)
    {
        var results = new PartitionResult[offsets.Count];
        for (var i = 0; i < offsets.Count; i++) results[i] = new PartitionResult(offsets[i].Topic, offsets[i].Partition, error);
        return results;
    }

    /// <summary>
    /// Who may commit: anyone while the group is Empty with generation -1 (simple consumers, admin tools); otherwise a
    /// current member of the current generation, not while the group waits for its new assignment. In a consumer
    /// group, a member with its current member epoch (STALE_MEMBER_EPOCH otherwise).
    /// </summary>
    private static ErrorCode ValidateOffsetCommit(ClassicGroup group, OffsetCommitArgs args)
    {
        if (group.Is(GroupState.Dead)) return ErrorCode.CoordinatorNotAvailable;
        if (group.Consumer is { } consumer)
        {
            // KIP-848 members commit with their member epoch (OffsetCommit v9+ puts it where the generation was);
            // admin tools and simple consumers commit with -1, accepted only while the group has no members.
            if (args.GenerationId < 0 && consumer.Members.Count == 0) return ErrorCode.None;
            if (!consumer.Members.TryGetValue(args.MemberId, out var consumerMember)) return ErrorCode.UnknownMemberId;
            return args.GenerationId == consumerMember.MemberEpoch ? ErrorCode.None : ErrorCode.StaleMemberEpoch;
        }
        if (args.GroupInstanceId is { } instanceId &&
            group.StaticMembers.TryGetValue(instanceId, out var staticMemberId) && staticMemberId != args.MemberId)
            return ErrorCode.FencedInstanceId;
        if (args.GenerationId < 0 && group.Is(GroupState.Empty)) return ErrorCode.None;
        var error = group.ValidateMember(args.MemberId, args.GroupInstanceId);
        if (error != ErrorCode.None) return error;
        if (args.GenerationId != group.GenerationId) return ErrorCode.IllegalGeneration;
        if (group.Is(GroupState.CompletingRebalance)) return ErrorCode.RebalanceInProgress;
        return ErrorCode.None;
    }

    /// <summary>
    /// The one place a plain committed offset enters memory, shared by live commits (after their append) and
    /// <see cref="Replay"/> (in log order). A commit older in the log than what is already applied, or than a deletion
    /// of the same offset, is ignored.
    /// </summary>
    private static void ApplyOffsetCommit(ClassicGroup group, TopicPartition partition, OffsetCommitValue value, long sequence)
    {
        if (sequence >= 0)
        {
            if (group.Offsets.TryGetValue(partition, out var existing) && existing.Sequence > sequence) return;
            if (group.RecentDeletions.TryGetValue(partition, out var deletedAt) && deletedAt > sequence) return;
        }
        group.Offsets[partition] = new CommittedOffset(value, sequence);
    }

    /// <summary>Removes an offset, and any transaction's pending one, from memory; its tombstone is appended by the caller.</summary>
    private void DeleteOffset(ClassicGroup group, TopicPartition partition, long sequence)
    {
        group.Offsets.Remove(partition);
        RemovePendingOffsets(group, partition);
        if (group.InFlightCommits > 0) group.RecentDeletions[partition] = sequence;
    }

    /// <summary>
    /// The committed offsets of a group: the listed partitions (offset -1 where none is committed) or, with a null
    /// list, every committed offset sorted by topic and partition. An unknown group has no offsets, which is no error.
    /// Offsets of open transactions are not shown; with <see cref="OffsetFetchArgs.RequireStable"/> (OffsetFetch v7+,
    /// KIP-447) a partition that has one answers UNSTABLE_OFFSET_COMMIT (offset -1) instead, so that the consumer retries.
    /// </summary>
    public OffsetFetchResult FetchOffsets(OffsetFetchArgs args)
    {
        lock (_lock)
        {
            if (args.GroupId is null) return new OffsetFetchResult(ErrorCode.InvalidGroupId, []);
            var error = CoordinatorError(args.GroupId, out _);
            if (error != ErrorCode.None) return new OffsetFetchResult(error, []);
            _groups.TryGetValue(args.GroupId, out var group);
            if (group is not null && group.Is(GroupState.Dead)) group = null;
            if (group?.Consumer is { } consumer && (!string.IsNullOrEmpty(args.MemberId) || args.MemberEpoch >= 0))
            {
                // OffsetFetch v9 from a consumer-group member: it must be a member, at its current epoch.
                if (args.MemberId is null || !consumer.Members.TryGetValue(args.MemberId, out var member))
                    return new OffsetFetchResult(ErrorCode.UnknownMemberId, []);
                if (member.MemberEpoch != args.MemberEpoch) return new OffsetFetchResult(ErrorCode.StaleMemberEpoch, []);
            }

            if (args.Partitions is null)
            {
                if (group is null) return new OffsetFetchResult(ErrorCode.None, []);
                var all = new List<FetchedOffset>(group.Offsets.Count);
                foreach (var (tp, committed) in group.Offsets)
                {
                    var v = committed.Value;
                    all.Add(args.RequireStable && group.HasPendingTransactionalOffset(tp)
                        ? Unstable(tp)
                        : new FetchedOffset(tp.Topic, tp.Partition, v.Offset, v.LeaderEpoch, v.Metadata, ErrorCode.None));
                }
                all.Sort(static (a, b) =>
                {
                    var c = string.CompareOrdinal(a.Topic, b.Topic);
                    return c != 0 ? c : a.Partition.CompareTo(b.Partition);
                });
                return new OffsetFetchResult(ErrorCode.None, all);
            }

            var offsets = new List<FetchedOffset>(args.Partitions.Count);
            foreach (var tp in args.Partitions)
            {
                if (args.RequireStable && group is not null && group.HasPendingTransactionalOffset(tp))
                {
                    offsets.Add(Unstable(tp));
                }
                else if (group is not null && group.Offsets.TryGetValue(tp, out var committed))
                {
                    var v = committed.Value;
                    offsets.Add(new FetchedOffset(tp.Topic, tp.Partition, v.Offset, v.LeaderEpoch, v.Metadata, ErrorCode.None));
                }
                else
                {
                    offsets.Add(new FetchedOffset(tp.Topic, tp.Partition, -1, -1, "", ErrorCode.None));
                }
            }
            return new OffsetFetchResult(ErrorCode.None, offsets);
        }
    }

    private static FetchedOffset Unstable(TopicPartition tp) => new(tp.Topic, tp.Partition, -1, -1, "", ErrorCode.UnstableOffsetCommit);

    /// <summary>
    /// Deletes committed offsets (KIP-496). An active consumer group keeps the offsets of topics it subscribes to
    /// (GROUP_SUBSCRIBED_TO_TOPIC); a non-empty group of another protocol type refuses (NON_EMPTY_GROUP).
    /// </summary>
    public async ValueTask<OffsetDeleteResult> DeleteOffsetsAsync(string groupId, IReadOnlyList<TopicPartition> partitions,
        CancellationToken cancellationToken = default)
    {
        var results = new PartitionResult[partitions.Count];
        var deletedIndexes = new List<int>();
        Task<long>? append = null;
        lock (_lock)
        {
            if (string.IsNullOrEmpty(groupId)) return new OffsetDeleteResult(ErrorCode.InvalidGroupId, []);
            var error = CoordinatorError(groupId, out _);
            if (error != ErrorCode.None) return new OffsetDeleteResult(error, []);
            if (!_groups.TryGetValue(groupId, out var group) || group.Is(GroupState.Dead))
                return new OffsetDeleteResult(ErrorCode.GroupIdNotFound, []);
            if (group.Consumer is null && !group.Is(GroupState.Empty) && group.ProtocolType != ClassicGroup.ConsumerProtocolType)
                return new OffsetDeleteResult(ErrorCode.NonEmptyGroup, []);
            var (active, subscribed) = SubscriptionOf(group);

            var sequence = ++_appendSequence;
            var records = new List<(byte[] Key, byte[]? Value)>();
            for (var i = 0; i < partitions.Count; i++)
            {
                var tp = partitions[i];
                // Without readable subscriptions, every topic counts as subscribed: never delete what may be in use.
                if (active && (subscribed is null || subscribed.Contains(tp.Topic)))
                {
                    results[i] = new PartitionResult(tp.Topic, tp.Partition, ErrorCode.GroupSubscribedToTopic);
                    continue;
                }
                results[i] = new PartitionResult(tp.Topic, tp.Partition, ErrorCode.None);
                // A pending transactional offset gets its tombstone too (Kafka's rule): the marker must not revive it.
                if (!group.Offsets.ContainsKey(tp) && !group.HasPendingTransactionalOffset(tp)) continue;
                DeleteOffset(group, tp, sequence);
                records.Add((OffsetsRecordKey.EncodeOffsetCommit(groupId, tp.Topic, tp.Partition), null));
                deletedIndexes.Add(i);
            }
            if (records.Count > 0) append = StartAppend(group.Partition, records);
        }
        if (append is null) return new OffsetDeleteResult(ErrorCode.None, results);

        try
        {
            await append.ConfigureAwait(false);
            Counters.Deleted(deletedIndexes.Count);
        }
        catch (Exception e)
        {
            var error = GroupAppendError(e);
            _logger.LogWarning(e, "Deleting offsets of group {Group} failed ({Error})", groupId, error);
            foreach (var i in deletedIndexes) results[i] = results[i] with { Error = error };
        }
        return new OffsetDeleteResult(ErrorCode.None, results);
    }

    /// <summary>
    /// Whether the group has members, and the topics they subscribe to (null when unknown, which then counts as all):
    /// a classic consumer group's decoded subscriptions, or a consumer group's names and regex matches.
    /// </summary>
    private (bool Active, IReadOnlySet<string>? Subscribed) SubscriptionOf(ClassicGroup group)
    {
        if (group.Consumer is { } consumer)
        {
            if (consumer.Members.Count == 0) return (false, null);
            return (true, new SubscriptionResolver(_topics, _regexCache).GroupTopicNames(consumer));
        }
        return (!group.Is(GroupState.Empty), group.SubscribedTopics);
    }
}
