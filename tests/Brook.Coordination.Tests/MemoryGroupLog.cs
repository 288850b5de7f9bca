using Brook.Common;

namespace Brook.Coordination.Tests;

/// <summary>
/// An in-memory __consumer_offsets: every appended record in order, per partition. Appends complete at once unless a
/// test asks to fail them or to hold them for manual completion.
/// </summary>
public sealed class MemoryGroupLog : IGroupLog
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, List<(byte[] Key, byte[]? Value)>> _partitions = [];
    private readonly Queue<TaskCompletionSource> _held = new();

    /// <summary>When set, the next appends fail with this error code.</summary>
    public ErrorCode? FailWith { get; set; }

    /// <summary>When set, appends are recorded but complete only when <see cref="ReleaseHeld"/> is called.</summary>
    public bool Hold { get; set; }

    public int AppendCount { get; private set; }

    public async ValueTask<long> AppendAsync(int partition, IReadOnlyList<(byte[] Key, byte[]? Value)> records, CancellationToken cancellationToken)
    {
        TaskCompletionSource? gate = null;
        long last;
        lock (_lock)
        {
            AppendCount++;
            if (FailWith is { } error) throw new KafkaException(error, "append failed (test)");
            if (!_partitions.TryGetValue(partition, out var log)) _partitions[partition] = log = [];
            log.AddRange(records);
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

    public IReadOnlyList<(byte[] Key, byte[]? Value)> Records(int partition)
    {
        lock (_lock) return _partitions.TryGetValue(partition, out var log) ? log.ToList() : [];
    }

    public IReadOnlyList<(byte[] Key, byte[]? Value)> AllRecords()
    {
        lock (_lock) return _partitions.OrderBy(p => p.Key).SelectMany(p => p.Value).ToList();
    }

    public IEnumerable<int> Partitions
    {
        get { lock (_lock) return _partitions.Keys.ToList(); }
    }
}
