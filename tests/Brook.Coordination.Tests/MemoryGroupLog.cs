using Brook.Common;

namespace Brook.Coordination.Tests;

/// <summary>One record of a <see cref="MemoryGroupLog"/> partition with what its batch says about it.</summary>
/// <param name="ControlCommit">For a transaction marker (control record): true for COMMIT, false for ABORT; null for data.</param>
public sealed record GroupLogEntry(byte[] Key, byte[]? Value, long ProducerId = -1, short ProducerEpoch = -1, bool IsTransactional = false,
    bool? ControlCommit = null);

/// <summary>
/// An in-memory __consumer_offsets: every appended record in order, per partition. Appends complete at once unless a
/// test asks to fail them or to hold them for manual completion. Transactional appends are tagged with their producer
/// (and fail with INVALID_PRODUCER_EPOCH below the producer's newest epoch, as a real partition's producer state does);
/// <see cref="AppendMarker"/> stands in for the transaction coordinator's COMMIT/ABORT markers.
/// </summary>
public sealed class MemoryGroupLog : IGroupLog
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, List<GroupLogEntry>> _partitions = [];
    private readonly Dictionary<(int Partition, long ProducerId), short> _producerEpochs = [];
    private readonly Queue<TaskCompletionSource> _held = new();

    /// <summary>When set, the next appends fail with this error code.</summary>
    public ErrorCode? FailWith { get; set; }

    /// <summary>When set, appends are recorded but complete only when <see cref="ReleaseHeld"/> is called.</summary>
    public bool Hold { get; set; }

    public int AppendCount { get; private set; }

    public ValueTask<long> AppendAsync(int partition, IReadOnlyList<(byte[] Key, byte[]? Value)> records, CancellationToken cancellationToken) =>
        Append(partition, records, -1, -1, transactional: false);

    public ValueTask<long> AppendTransactionalAsync(int partition, long producerId, short producerEpoch,
        IReadOnlyList<(byte[] Key, byte[]? Value)> records, CancellationToken cancellationToken) =>
        Append(partition, records, producerId, producerEpoch, transactional: true);

    private async ValueTask<long> Append(int partition, IReadOnlyList<(byte[] Key, byte[]? Value)> records, long producerId, short producerEpoch,
        bool transactional)
    {
        TaskCompletionSource? gate = null;
        long last;
        lock (_lock)
        {
            AppendCount++;
            if (FailWith is { } error) throw new KafkaException(error, "append failed (test)");
            if (transactional)
            {
                if (_producerEpochs.TryGetValue((partition, producerId), out var newest) && producerEpoch < newest)
                    throw new KafkaException(ErrorCode.InvalidProducerEpoch, "stale producer epoch (test)");
                _producerEpochs[(partition, producerId)] = producerEpoch;
            }
            var log = LogOf(partition);
            foreach (var (key, value) in records) log.Add(new GroupLogEntry(key, value, producerId, producerEpoch, transactional));
            last = log.Count - 1;
            if (Hold)
            {
                gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _held.Enqueue(gate);
            }
        }
        if (gate is not null) await gate.Task;
        return last;
    }

    /// <summary>Appends a COMMIT or ABORT control record of the producer, as the transaction coordinator's marker writer would.</summary>
    public long AppendMarker(int partition, long producerId, short producerEpoch, bool commit)
    {
        lock (_lock)
        {
            var log = LogOf(partition);
            log.Add(new GroupLogEntry([], null, producerId, producerEpoch, IsTransactional: true, ControlCommit: commit));
            return log.Count - 1;
        }
    }

    private List<GroupLogEntry> LogOf(int partition)
    {
        if (!_partitions.TryGetValue(partition, out var log)) _partitions[partition] = log = [];
        return log;
    }

    public void ReleaseHeld()
    {
        List<TaskCompletionSource> gates;
        lock (_lock)
        {
            gates = [.. _held];
            _held.Clear();
        }
        foreach (var gate in gates) gate.SetResult();
    }

    /// <summary>Fails the oldest (or newest) held append with <paramref name="error"/>; its records stay in the log, as after a lost ack.</summary>
    public void FailOneHeld(ErrorCode error, bool newest = false)
    {
        TaskCompletionSource gate;
        lock (_lock)
        {
            var all = _held.ToList();
            gate = newest ? all[^1] : all[0];
            _held.Clear();
            foreach (var g in all) if (!ReferenceEquals(g, gate)) _held.Enqueue(g);
        }
        gate.SetException(new KafkaException(error, "append failed (test)"));
    }

    /// <summary>The data records of a partition (control records left out).</summary>
    public IReadOnlyList<(byte[] Key, byte[]? Value)> Records(int partition)
    {
        lock (_lock)
            return _partitions.TryGetValue(partition, out var log) ? log.Where(e => e.ControlCommit is null).Select(e => (e.Key, e.Value)).ToList() : [];
    }

    /// <summary>Every record of a partition, control records included, in offset order.</summary>
    public IReadOnlyList<GroupLogEntry> Entries(int partition)
    {
        lock (_lock) return _partitions.TryGetValue(partition, out var log) ? log.ToList() : [];
    }

    public IReadOnlyList<(byte[] Key, byte[]? Value)> AllRecords()
    {
        lock (_lock)
            return _partitions.OrderBy(p => p.Key).SelectMany(p => p.Value).Where(e => e.ControlCommit is null).Select(e => (e.Key, e.Value)).ToList();
    }

    public IEnumerable<int> Partitions
    {
        get { lock (_lock) return _partitions.Keys.ToList(); }
    }
}
