using Brook.Common;
using Brook.Coordination.Model;
using Brook.Coordination.Records;
using Brook.Coordination.Transactions;
using Microsoft.Extensions.Logging;

namespace Brook.Coordination;

/// <summary>
/// Transactional offset commits (KIP-98; group metadata checks of KIP-447). TxnOffsetCommit writes ordinary OffsetCommit
/// records, but in a transactional batch of the producer (<see cref="IGroupLog.AppendTransactionalAsync"/>); they are kept
/// per producer as pending, invisible to OffsetFetch (and UNSTABLE_OFFSET_COMMIT to a RequireStable fetch) until the
/// transaction's marker lands on the group's partition: COMMIT moves them into the committed offsets, ABORT drops them.
/// The marker reaches the coordinator live through <see cref="CompleteTransactionAsync"/> (the transaction coordinator's
/// <see cref="ITransactionCompletionListener"/>) and at load through <see cref="ReplayControl"/>; both run the same code,
/// so a restarted broker ends up where the live one was.
/// </summary>
public sealed partial class GroupCoordinator : ITransactionCompletionListener
{
    /// <summary>The groups holding pending offsets of each producer, so that a marker visits only those.</summary>
    private readonly Dictionary<long, HashSet<ClassicGroup>> _groupsByPendingProducer = [];

    /// <summary>
    /// Commits offsets inside the producer's transaction; completes once the transactional batch is durable, with one
    /// result per requested partition in request order. The offsets stay pending until the transaction ends.
    /// </summary>
    /// <remarks>
    /// Validation follows Kafka's group coordinator: an empty group id is INVALID_GROUP_ID; an unknown group is created
    /// (a "simple" group) when the generation is -1 and is ILLEGAL_GENERATION otherwise; for a classic group, group
    /// metadata that is sent (v3+) must name a current member (UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID) of the current
    /// generation (ILLEGAL_GENERATION), but unlike OffsetCommit neither a missing member id (v0-2) nor a rebalance in
    /// progress is refused; for a consumer group (KIP-848) the member must exist at its current epoch, a stale epoch being
    /// ILLEGAL_GENERATION since this API has no STALE_MEMBER_EPOCH. Metadata over offset.metadata.max.bytes fails that
    /// partition alone (OFFSET_METADATA_TOO_LARGE). Append failures are translated as for OffsetCommit; producer fencing
    /// errors of the log (INVALID_PRODUCER_EPOCH, PRODUCER_FENCED) pass through.
    /// </remarks>
    public async ValueTask<IReadOnlyList<PartitionResult>> TxnCommitOffsetsAsync(TxnOffsetCommitArgs args, CancellationToken cancellationToken = default)
    {
        ClassicGroup group;
        Task<long> append;
        PartitionResult[] results;
        List<(TopicPartition Partition, CommittedOffset Pending, int ResultIndex)> commits;
        lock (_lock)
        {
            var error = string.IsNullOrEmpty(args.GroupId) ? ErrorCode.InvalidGroupId : CoordinatorError(args.GroupId, out _);
            if (error != ErrorCode.None) return AllFailed(args.Offsets, error);
            // Offsets of no producer could never be completed by a marker (and Kafka's log refuses such a batch).
            if (args.ProducerId < 0) return AllFailed(args.Offsets, ErrorCode.InvalidProducerIdMapping);
            if (!_groups.TryGetValue(args.GroupId, out var existing))
            {
                if (args.GenerationId >= 0) return AllFailed(args.Offsets, ErrorCode.IllegalGeneration);
                existing = new ClassicGroup(args.GroupId, PartitionFor(args.GroupId), NowMs);
                _groups.Add(existing.GroupId, existing);
            }
            group = existing;
            error = ValidateTxnOffsetCommit(group, args);
            if (error != ErrorCode.None) return AllFailed(args.Offsets, error);

            var now = NowMs;
            var sequence = ++_appendSequence;
            results = new PartitionResult[args.Offsets.Count];
            commits = new(args.Offsets.Count);
            var records = new List<(byte[] Key, byte[]? Value)>(args.Offsets.Count);
            for (var i = 0; i < args.Offsets.Count; i++)
            {
                var o = args.Offsets[i];
                var metadata = o.Metadata ?? "";
                if (metadata.Length > _options.OffsetMetadataMaxBytes)
                {
                    results[i] = new PartitionResult(o.Topic, o.Partition, ErrorCode.OffsetMetadataTooLarge);
                    continue;
                }
                var value = new OffsetCommitValue(o.Offset, o.LeaderEpoch, metadata, now);
                commits.Add((new TopicPartition(o.Topic, o.Partition), new CommittedOffset(value, sequence), i));
                records.Add((OffsetsRecordKey.EncodeOffsetCommit(group.GroupId, o.Topic, o.Partition), value.Encode()));
            }
            if (records.Count == 0)
            {
                if (group.IsUnused) _groups.Remove(group.GroupId);
                return results;
            }
            // Pending from the moment the append is issued (as Kafka's coordinator does), so that a RequireStable fetch
            // already answers UNSTABLE_OFFSET_COMMIT and a tombstone issued meanwhile removes them, as replay would.
            foreach (var (partition, pending, _) in commits) AddPendingOffset(group, args.ProducerId, partition, pending);
            group.InFlightCommits++;
            append = StartTransactionalAppend(group.Partition, args.ProducerId, args.ProducerEpoch, records);
        }

        var appendError = ErrorCode.None;
        try
        {
            await append.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            appendError = CommitAppendError(e);
            _logger.LogWarning(e, "Transactional offset commit of group {Group} by transactional id {TransactionalId} failed ({Error})",
                group.GroupId, args.TransactionalId, appendError);
        }

        lock (_lock)
        {
            group.InFlightCommits--;
            var live = _groups.TryGetValue(group.GroupId, out var current) && ReferenceEquals(current, group);
            foreach (var (partition, pending, index) in commits)
            {
                if (live) SettlePendingOffset(group, args.ProducerId, partition, pending, appendError == ErrorCode.None);
                results[index] = new PartitionResult(partition.Topic, partition.Partition, appendError);
            }
            if (appendError == ErrorCode.None) Counters.Committed(commits.Count);
            if (group.InFlightCommits == 0) group.RecentDeletions.Clear();
            if (live && group.IsUnused) _groups.Remove(group.GroupId);
        }
        return results;
    }

    /// <summary>
    /// Ends a producer's transaction in the given __consumer_offsets partitions, whose COMMIT or ABORT marker is durable:
    /// on commit its pending offsets there become the committed ones — each only if written after the offset it would
    /// replace, as Kafka compares record offsets — and on abort they are dropped. Partitions this coordinator does not
    /// own are ignored (a reload replays their markers). The producer epoch is not checked, as in Kafka: the log already
    /// fenced older epochs when the offsets were written.
    /// </summary>
    /// <remarks>
    /// Completes synchronously. A partition still loading is completed too, for what it has loaded so far; its later
    /// replay of the same marker (<see cref="ReplayControl"/>) then finds nothing of the transaction left to complete.
    /// </remarks>
    public ValueTask CompleteTransactionAsync(long producerId, short producerEpoch, bool committed, IReadOnlyList<int> offsetsPartitions,
        CancellationToken cancellationToken = default)
    {
        lock (_lock) CompletePendingTransaction(producerId, committed, offsetsPartitions);
        return ValueTask.CompletedTask;
    }

    ValueTask ITransactionCompletionListener.OnTransactionCompletedAsync(long producerId, short producerEpoch, bool committed,
        IReadOnlyList<int> offsetsPartitions, CancellationToken cancellationToken) =>
        CompleteTransactionAsync(producerId, producerEpoch, committed, offsetsPartitions, cancellationToken);

    /// <summary>
    /// Applies a COMMIT (<paramref name="commit"/> true) or ABORT control record of a loading partition, in log order
    /// with <see cref="Replay"/>: the producer's pending offsets of that partition are committed or dropped, exactly as
    /// <see cref="CompleteTransactionAsync"/> does live. A marker of a producer with nothing pending is ignored.
    /// </summary>
    public void ReplayControl(int partition, long producerId, bool commit)
    {
        lock (_lock)
        {
            if (!IsLoadingPartition(partition))
                throw new InvalidOperationException($"__consumer_offsets partition {partition} is not loading");
            CompletePendingTransaction(producerId, commit, [partition]);
        }
    }

    /// <summary>
    /// Kafka's TxnOffsetCommit checks (see <see cref="TxnCommitOffsetsAsync"/>): those of OffsetCommit, except that
    /// a request without group metadata is accepted whatever the group's state, and a rebalance does not block it.
    /// </summary>
    private static ErrorCode ValidateTxnOffsetCommit(ClassicGroup group, TxnOffsetCommitArgs args)
    {
        if (group.Is(GroupState.Dead)) return ErrorCode.CoordinatorNotAvailable;
        if (group.Consumer is { } consumer)
        {
            if (args.GenerationId < 0 && consumer.Members.Count == 0) return ErrorCode.None;
            if (!consumer.Members.TryGetValue(args.MemberId ?? "", out var member)) return ErrorCode.UnknownMemberId;
            return args.GenerationId == member.MemberEpoch ? ErrorCode.None : ErrorCode.IllegalGeneration;
        }
        if (args.GenerationId < 0 && group.Is(GroupState.Empty)) return ErrorCode.None;
        if (args.GenerationId >= 0 || !string.IsNullOrEmpty(args.MemberId) || args.GroupInstanceId is not null)
        {
            var error = group.ValidateMember(args.MemberId ?? "", args.GroupInstanceId);
            if (error != ErrorCode.None) return error;
            if (args.GenerationId != group.GenerationId) return ErrorCode.IllegalGeneration;
        }
        return ErrorCode.None;
    }

    /// <summary>As <see cref="StartAppend"/>, for a transactional batch of the producer.</summary>
    private Task<long> StartTransactionalAppend(int partition, long producerId, short producerEpoch, List<(byte[] Key, byte[]? Value)> records)
    {
        try
        {
            return _log.AppendTransactionalAsync(partition, producerId, producerEpoch, records, _shutdown.Token).AsTask();
        }
        catch (Exception e)
        {
            return Task.FromException<long>(e);
        }
    }

    /// <summary>Records a pending offset, after (and so above) the producer's earlier ones for the same partition.</summary>
    private void AddPendingOffset(ClassicGroup group, long producerId, TopicPartition partition, CommittedOffset pending)
    {
        if (!group.PendingTransactions.TryGetValue(producerId, out var offsets))
        {
            offsets = [];
            group.PendingTransactions.Add(producerId, offsets);
            if (!_groupsByPendingProducer.TryGetValue(producerId, out var groups))
            {
                groups = [];
                _groupsByPendingProducer.Add(producerId, groups);
            }
            groups.Add(group);
        }
        if (!offsets.TryGetValue(partition, out var commits))
        {
            commits = new List<CommittedOffset>(1);
            offsets.Add(partition, commits);
        }
        commits.Add(pending);
    }

    /// <summary>
    /// Once its append has completed, a pending offset (if no tombstone or marker removed it meanwhile) either stays,
    /// and the producer's older ones for the partition can no longer matter, or, failed, is removed, uncovering them.
    /// </summary>
    private void SettlePendingOffset(ClassicGroup group, long producerId, TopicPartition partition, CommittedOffset pending, bool appended)
    {
        if (!group.PendingTransactions.TryGetValue(producerId, out var offsets) || !offsets.TryGetValue(partition, out var commits)) return;
        var index = commits.FindIndex(c => ReferenceEquals(c, pending));
        if (index < 0) return;
        if (appended)
        {
            commits.RemoveRange(0, index);
            return;
        }
        commits.RemoveAt(index);
        if (commits.Count > 0) return;
        offsets.Remove(partition);
        if (offsets.Count == 0) ForgetPendingProducer(group, producerId);
    }

    /// <summary>
    /// An offset tombstone (OffsetDelete, or one replayed) also removes every open transaction's pending offset of that
    /// partition, as Kafka does: a COMMIT marker after the tombstone must not bring it back.
    /// </summary>
    private void RemovePendingOffsets(ClassicGroup group, TopicPartition partition)
    {
        if (group.PendingTransactions.Count == 0) return;
        List<long>? emptied = null;
        foreach (var (producerId, offsets) in group.PendingTransactions)
            if (offsets.Remove(partition) && offsets.Count == 0) (emptied ??= []).Add(producerId);
        if (emptied is null) return;
        foreach (var producerId in emptied) ForgetPendingProducer(group, producerId);
    }

    private void ForgetPendingProducer(ClassicGroup group, long producerId)
    {
        group.PendingTransactions.Remove(producerId);
        if (_groupsByPendingProducer.TryGetValue(producerId, out var groups) && groups.Remove(group) && groups.Count == 0)
            _groupsByPendingProducer.Remove(producerId);
    }

    /// <summary>Forgets every pending offset of a group leaving memory (deleted, unloaded): the log keeps what it must.</summary>
    private void ForgetPendingTransactions(ClassicGroup group)
    {
        foreach (var producerId in group.PendingTransactions.Keys)
            if (_groupsByPendingProducer.TryGetValue(producerId, out var groups) && groups.Remove(group) && groups.Count == 0)
                _groupsByPendingProducer.Remove(producerId);
        group.PendingTransactions.Clear();
    }

    /// <summary>Partitions with a pending offset but no committed one: DeleteGroups writes tombstones for them too.</summary>
    private static List<TopicPartition> PendingOnlyPartitions(ClassicGroup group)
    {
        var result = new List<TopicPartition>();
        if (group.PendingTransactions.Count == 0) return result;
        var seen = new HashSet<TopicPartition>();
        foreach (var offsets in group.PendingTransactions.Values)
            foreach (var tp in offsets.Keys)
                if (!group.Offsets.ContainsKey(tp) && seen.Add(tp)) result.Add(tp);
        return result;
    }

    /// <summary>
    /// The one place a transaction's pending offsets end, shared by live markers and replayed ones: in the groups of
    /// <paramref name="partitions"/>, committed ones replace the committed offset unless that was written later.
    /// </summary>
    private void CompletePendingTransaction(long producerId, bool commit, IReadOnlyList<int> partitions)
    {
        if (!_groupsByPendingProducer.TryGetValue(producerId, out var groups)) return;
        List<ClassicGroup>? completed = null;
        foreach (var group in groups)
            if (partitions.Contains(group.Partition)) (completed ??= []).Add(group);
        if (completed is null) return;

        foreach (var group in completed)
        {
            groups.Remove(group);
            group.PendingTransactions.Remove(producerId, out var offsets);
            if (commit && offsets is not null)
            {
                foreach (var (tp, commits) in offsets)
                {
                    var pending = commits[^1];
                    if (group.Offsets.TryGetValue(tp, out var existing) && existing.Sequence > pending.Sequence)
                    {
                        // A plain commit written after the transactional one wins, whatever order they complete in.
                        _logger.LogDebug("Transactional offset of producer {ProducerId} for {Topic}-{Partition} in group {Group} is older than the committed one; skipped",
                            producerId, tp.Topic, tp.Partition, group.GroupId);
                        continue;
                    }
                    group.Offsets[tp] = pending;
                }
            }
            _logger.LogDebug("Transaction of producer {ProducerId} {Outcome} {Count} offsets of group {Group}", producerId,
                commit ? "committed" : "aborted", offsets?.Count ?? 0, group.GroupId);
            if (group.IsUnused && _groups.TryGetValue(group.GroupId, out var current) && ReferenceEquals(current, group))
                _groups.Remove(group.GroupId);
        }
        if (groups.Count == 0) _groupsByPendingProducer.Remove(producerId);
    }
}
