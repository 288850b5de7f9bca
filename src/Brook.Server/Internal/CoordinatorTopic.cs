using Brook.Common;
using Brook.Metadata;
using Brook.Replication;
using Brook.Storage;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Internal;

/// <summary>Where one partition of a coordinator topic stands on this broker.</summary>
public enum CoordinatorLoadPhase
{
    /// <summary>This broker does not lead the partition: requests for its keys get NOT_COORDINATOR.</summary>
    NotLeader,

    /// <summary>Led here and being replayed: requests for its keys get COORDINATOR_LOAD_IN_PROGRESS.</summary>
    Loading,

    /// <summary>Led here and loaded: the coordinator serves its keys.</summary>
    Loaded,

    /// <summary>Led here but its load failed (logged); requests get NOT_COORDINATOR until the next election.</summary>
    Failed,
}

/// <summary>A coordinator topic partition's phase here and the leader epoch (coordinator epoch) it refers to.</summary>
public readonly record struct CoordinatorPartitionStatus(CoordinatorLoadPhase Phase, int LeaderEpoch);

/// <summary>
/// An internal compacted topic that feeds a coordinator state machine: created on first use (as Kafka does on the
/// first FindCoordinator), and each partition this broker leads loaded by replaying its records — the same records
/// normal operation wrote, so a new leader (or a restarted broker) rebuilds exactly the committed state.
/// <para>
/// Loading follows leadership as Kafka's coordinators do (GroupCoordinator onElection/onResignation,
/// TransactionStateManager load/removeTransactionsForTxnTopicPartition): <see cref="ReplicaManager.LeadershipChanged"/>,
/// raised once the replica manager applied an image, queues a transition for the partition — load in leader epoch e
/// (the coordinator epoch), or unload — and the transitions of one partition run one after another on the thread pool,
/// never on the metadata thread. A newer transition cancels the one before it, and the coordinators refuse stale
/// epochs, so a load that finishes after its partition moved on is discarded.
/// </para>
/// <para>
/// A load replays the log from its start to its end, scanning on until it has caught up (what is appended meanwhile
/// is only transaction markers, since the coordinator does not serve the partition yet), then waits for the high
/// watermark to reach that end before it opens the partition. Kafka's loaders also read to the log end (a new
/// leader's high watermark may still lag records its whole ISR has); waiting for the high watermark keeps the
/// coordinator from answering with records a fail-over could still take back, since these coordinators keep no
/// snapshot at the last committed offset as Kafka's runtime does. On a single broker the two are the same.
/// </para>
/// </summary>
public abstract class CoordinatorTopic(MetadataView metadata, IControllerChannel controller, ReplicaManager replicas, ILogger logger)
{
    private readonly SemaphoreSlim _createLock = new(1, 1);

    /// <summary>Guards <see cref="_slots"/> and every slot's fields; leadership changes are queued under it.</summary>
    private readonly Lock _slotsLock = new();
    private readonly Dictionary<int, Slot> _slots = [];
    private bool _following;
    private bool _stopped;

    /// <summary>One partition's queue of transitions and the leadership it was last told about.</summary>
    private sealed class Slot
    {
        /// <summary>The transition queued last; the next one runs after it, whatever its outcome.</summary>
        public Task Tail = Task.CompletedTask;

        /// <summary>Cancels the transition queued last, once a newer one makes it pointless.</summary>
        public CancellationTokenSource? Current;

        /// <summary>The leader epoch this broker leads the partition in, per the last change queued; null when it does not lead it.</summary>
        public int? LedEpoch;

        public CoordinatorPartitionStatus Status = new(CoordinatorLoadPhase.NotLeader, -1);
    }

    /// <summary>The internal topic's name.</summary>
    public abstract string TopicName { get; }

    /// <summary>The partition of the internal topic that holds <paramref name="key"/> (a group or transactional id).</summary>
    public abstract int PartitionFor(string key);

    /// <summary>
    /// The broker leading the partition that holds <paramref name="key"/>, per the current image: the coordinator a
    /// client must use. Null while the topic does not exist or that partition has no leader.
    /// </summary>
    public BrokerRegistration? CoordinatorFor(string key)
    {
        var image = metadata.Image;
        if (!image.TopicsByName.TryGetValue(TopicName, out var topic)) return null;
        var index = PartitionFor(key);
        if (index >= topic.Partitions.Length) return null;
        var leader = topic.Partitions[index].Leader;
        return leader >= 0 && image.Brokers.TryGetValue(leader, out var broker) ? broker : null;
    }

    /// <summary>How to create the topic: partition count, replication factor and configs (always compacted).</summary>
    protected abstract CreateTopicSpec CreationSpec(MetadataImage image);

    /// <summary>Claims <paramref name="partition"/> for loading in <paramref name="leaderEpoch"/>; false if the coordinator refuses the epoch as stale.</summary>
    protected abstract bool BeginLoading(int partition, int leaderEpoch);

    protected abstract void Replay(int partition, in LogScanner.BatchContext batch, long offset, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool valueIsNull);

    /// <summary>Opens the loaded partition; false if the load was overtaken (the coordinator discards it).</summary>
    protected abstract bool CompleteLoading(int partition, int leaderEpoch);

    /// <summary>Gives the partition up; <paramref name="leaderEpoch"/> is the epoch in which this broker stopped leading it (null: unconditionally).</summary>
    protected abstract void Unload(int partition, int? leaderEpoch);

    /// <summary>Hands the coordinator <see cref="IsAboutToLoad"/>, so that it tells "loading soon" from "not here".</summary>
    protected abstract void AnnouncePendingLoads(Func<int, bool> isAboutToLoad);

    /// <summary>
    /// Whether the current image makes this broker the leader of <paramref name="partition"/> although its load has not
    /// claimed it yet: between the image naming this broker (FindCoordinator answers from it) and the queued load
    /// starting, requests for its keys should be told to wait (COORDINATOR_LOAD_IN_PROGRESS) rather than to look
    /// elsewhere. A load that failed in that leader epoch is not pending: NOT_COORDINATOR until the next election.
    /// </summary>
    public bool IsAboutToLoad(int partition)
    {
        var image = metadata.Image;
        if (!image.TopicsByName.TryGetValue(TopicName, out var topic) || partition >= topic.Partitions.Length) return false;
        var state = topic.Partitions[partition];
        if (state.Leader != replicas.BrokerId) return false;
        lock (_slotsLock)
            return !_slots.TryGetValue(partition, out var slot)
                || slot.Status.Phase != CoordinatorLoadPhase.Failed || slot.Status.LeaderEpoch != state.LeaderEpoch;
    }

    /// <summary>
    /// True once the topic exists. Whether the coordinator serves a given key is that partition's load state:
    /// NOT_COORDINATOR where this broker does not lead it, COORDINATOR_LOAD_IN_PROGRESS while it loads.
    /// </summary>
    public bool IsReady => metadata.Image.TopicsByName.ContainsKey(TopicName);

    /// <summary>
    /// Creates the topic if it does not exist yet (FindCoordinator and every coordinator request may be the first use);
    /// false if it cannot be created. After creating it, waits for the loads the new partitions led here set off —
    /// they are empty, so this is immediate — so that the first request after FindCoordinator is served at once, as
    /// on a single broker before.
    /// </summary>
    public async ValueTask<bool> EnsureReadyAsync(CancellationToken ct)
    {
        if (IsReady) return true;
        await _createLock.WaitAsync(ct);
        try
        {
            if (IsReady) return true;
            var result = (await controller.CreateTopicsAsync([CreationSpec(metadata.Image)], validateOnly: false, ct))[0];
            if (result.ErrorCode is not (ErrorCode.None or ErrorCode.TopicAlreadyExists))
            {
                // Too few unfenced brokers for its replication factor is a passing state of a starting or healing
                // cluster (clients get COORDINATOR_NOT_AVAILABLE and retry), not a fault: Kafka logs it at INFO.
                if (result.ErrorCode == ErrorCode.InvalidReplicationFactor)
                    logger.LogWarning("Cannot create {Topic} yet: {Message}; coordinator requests are refused until enough brokers are unfenced",
                        TopicName, result.ErrorMessage);
                else
                    logger.LogError("Cannot create {Topic}: {Error} {Message}", TopicName, result.ErrorCode, result.ErrorMessage);
                return false;
            }
            // Created here: its partitions are empty, so their loads end at once. (Waiting on a topic someone else
            // created could mean waiting for followers, which FindCoordinator should not.)
            if (result.ErrorCode == ErrorCode.None) await WhenSettledAsync(ct);
            return IsReady;
        }
        finally
        {
            _createLock.Release();
        }
    }

    /// <summary>
    /// Starts following this broker's leadership of the topic's partitions: loads every partition it leads now (in the
    /// background) and from then on loads and unloads them as <see cref="ReplicaManager.LeadershipChanged"/> reports.
    /// Call once the replica manager has applied the current image (broker start-up).
    /// </summary>
    public void Start()
    {
        lock (_slotsLock)
        {
            if (_following || _stopped) return;
            _following = true;
            AnnouncePendingLoads(IsAboutToLoad);
            replicas.LeadershipChanged += OnLeadershipChanged;
            // Changes raised before the subscription are in the partitions' state already (the replica manager applies
            // before it raises), so catching up from that state under the slots lock misses none and reorders none.
            foreach (var partition in replicas.Partitions)
            {
                if (partition.Id.Topic != TopicName || !partition.IsLeader) continue;
                QueueLocked(new LeadershipChange(partition.Id, IsLeader: true, partition.LeaderEpoch));
            }
        }
    }

    /// <summary>
    /// Stops following leadership (broker shutdown): cancels loads in progress and waits briefly for the running
    /// transitions to end, so that nothing reads a log after the replica manager closed it.
    /// </summary>
    public void Stop()
    {
        Task[] running;
        lock (_slotsLock)
        {
            if (_stopped) return;
            _stopped = true;
            if (_following) replicas.LeadershipChanged -= OnLeadershipChanged;
            foreach (var slot in _slots.Values) slot.Current?.Cancel();
            running = [.. _slots.Values.Select(s => s.Tail)];
        }
        if (!Task.WaitAll(running, TimeSpan.FromSeconds(10)))
            logger.LogWarning("{Topic}: coordinator loads still running at shutdown", TopicName);
    }

    /// <summary>Where <paramref name="partition"/> stands on this broker: not led, loading, loaded or failed, and in which leader epoch.</summary>
    public CoordinatorPartitionStatus StatusOf(int partition)
    {
        lock (_slotsLock) return _slots.TryGetValue(partition, out var slot) ? slot.Status : new CoordinatorPartitionStatus(CoordinatorLoadPhase.NotLeader, -1);
    }

    /// <summary>Completes when every load and unload queued so far has run (tests, and the first creation of the topic).</summary>
    public Task WhenSettledAsync(CancellationToken ct = default)
    {
        Task[] tails;
        lock (_slotsLock) tails = [.. _slots.Values.Select(s => s.Tail)];
        return Task.WhenAll(tails).WaitAsync(ct);
    }

    private void OnLeadershipChanged(LeadershipChange change)
    {
        if (change.Partition.Topic != TopicName) return;
        lock (_slotsLock)
        {
            if (_stopped) return;
            QueueLocked(change);
        }
    }

    /// <summary>Queues the transition a leadership change calls for, cancelling the one queued before it. Under the slots lock.</summary>
    private void QueueLocked(LeadershipChange change)
    {
        var index = change.Partition.Partition;
        if (!_slots.TryGetValue(index, out var slot)) _slots[index] = slot = new Slot();
        // Repeats (the start-up catch-up racing the event) and unloads of partitions never led here change nothing.
        if (change.IsLeader ? slot.LedEpoch == change.LeaderEpoch : slot.LedEpoch is null) return;
        slot.LedEpoch = change.IsLeader ? change.LeaderEpoch : null;
        slot.Current?.Cancel();
        var cts = new CancellationTokenSource();
        slot.Current = cts;
        var epoch = change.LeaderEpoch;
        Func<Task> transition = change.IsLeader
            ? () => LoadAsync(index, epoch, cts.Token)
            : () => UnloadAsync(index, epoch);
        // Transitions catch their own failures, so the chain never faults; the token source is left to the collector
        // (it holds no timer), as a newer change may still cancel it after its transition ended.
        slot.Tail = slot.Tail
            .ContinueWith(_ => transition(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default)
            .Unwrap();
    }

    private void SetStatus(int index, CoordinatorLoadPhase phase, int epoch)
    {
        lock (_slotsLock)
        {
            if (_slots.TryGetValue(index, out var slot)) slot.Status = new CoordinatorPartitionStatus(phase, epoch);
        }
    }

    private Task UnloadAsync(int index, int epoch)
    {
        try
        {
            Unload(index, epoch);
            logger.LogDebug("Unloaded {Topic}-{Partition}: this broker no longer leads it (leader epoch {Epoch})", TopicName, index, epoch);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Unloading {Topic}-{Partition} failed", TopicName, index);
        }
        SetStatus(index, CoordinatorLoadPhase.NotLeader, epoch);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Loads a partition led here in <paramref name="epoch"/>: claims it (COORDINATOR_LOAD_IN_PROGRESS), replays its log
    /// to the end, waits for the high watermark to cover what was replayed, and opens it. Gives up quietly when
    /// <paramref name="ct"/> fires: a newer transition is queued behind and takes over.
    /// </summary>
    private async Task LoadAsync(int index, int epoch, CancellationToken ct)
    {
        var id = new TopicPartition(TopicName, index);
        if (ct.IsCancellationRequested) return;
        // The partition may have moved on already; the change that says so is queued right behind.
        if (!replicas.TryGetPartition(id, out var partition) || !partition.IsLeader || partition.LeaderEpoch != epoch) return;
        if (!BeginLoading(index, epoch)) return;
        SetStatus(index, CoordinatorLoadPhase.Loading, epoch);
        try
        {
            var next = partition.LogStartOffset;
            long records = 0;
            while (true)
            {
                var end = partition.Log.LogEndOffset;
                if (next < end)
                {
                    records += Scan(partition, next, end, ct);
                    next = end;
                }
                await WaitForHighWatermarkAsync(partition, next, ct).ConfigureAwait(false);
                // Anything appended meanwhile (transaction markers) is replayed too before the partition opens.
                if (partition.Log.LogEndOffset <= next) break;
            }
            ct.ThrowIfCancellationRequested();
            if (!CompleteLoading(index, epoch)) return;
            SetStatus(index, CoordinatorLoadPhase.Loaded, epoch);
            logger.Log(records > 0 ? LogLevel.Information : LogLevel.Debug, "Replayed {Records} records of {Topic}-{Partition} up to offset {End} (leader epoch {Epoch})",
                records, TopicName, index, next, epoch);
        }
        catch (Exception e) when (ct.IsCancellationRequested)
        {
            // Superseded: leadership moved on (or the broker is stopping) and the next transition takes over.
            logger.LogDebug(e, "Loading {Topic}-{Partition} at leader epoch {Epoch} was overtaken", TopicName, index, epoch);
        }
        catch (Exception e)
        {
            // As Kafka: the partition is given up (NOT_COORDINATOR) until leadership changes again.
            logger.LogError(e, "Loading {Topic}-{Partition} at leader epoch {Epoch} failed", TopicName, index, epoch);
            Unload(index, epoch);
            SetStatus(index, CoordinatorLoadPhase.Failed, epoch);
        }
    }

    /// <summary>Replays the records in [<paramref name="from"/>, <paramref name="end"/>); returns how many it visited.</summary>
    private long Scan(Partition partition, long from, long end, CancellationToken ct)
    {
        var index = partition.Id.Partition;
        return LogScanner.Scan(partition.Log, from, end,
            (in LogScanner.BatchContext batch, long offset, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull) =>
            {
                ct.ThrowIfCancellationRequested();
                if (keyIsNull) return;
                try
                {
                    Replay(index, in batch, offset, key, value, valueIsNull);
                }
                catch (Exception e) when (e is InvalidDataException or ArgumentException or IndexOutOfRangeException or KafkaException)
                {
                    // One undecodable record must not keep every other record of the partition from loading.
                    logger.LogWarning("Skipping undecodable record at offset {Offset} of {Topic}-{Partition}: {Reason}", offset, TopicName, index, e.Message);
                }
            });
    }

    /// <summary>Waits until the partition's high watermark reaches <paramref name="offset"/>: everything below it is committed.</summary>
    private static async Task WaitForHighWatermarkAsync(Partition partition, long offset, CancellationToken ct)
    {
        while (true)
        {
            var moved = partition.HighWatermarkMoved.WaitTask;
            if (partition.HighWatermark >= offset) return;
            await moved.WaitAsync(ct).ConfigureAwait(false);
        }
    }
}
