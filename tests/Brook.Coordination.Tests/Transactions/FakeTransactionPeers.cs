using Brook.Common;
using Brook.Coordination.Transactions;

namespace Brook.Coordination.Tests.Transactions;

/// <summary>Producer ids 1000, 1001, ... in order.</summary>
public sealed class CountingProducerIds : IProducerIdSource
{
    private long _next = 1000;

    public ValueTask<long> NextProducerIdAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Interlocked.Increment(ref _next) - 1);
}

/// <summary>One WriteMarkers call as the coordinator made it.</summary>
public sealed record MarkerCall(long ProducerId, short ProducerEpoch, int CoordinatorEpoch, bool Commit, IReadOnlyList<(string Topic, int Partition)> Partitions);

/// <summary>
/// Records marker calls (and "markers:commit"/"markers:abort" events). Partitions answer NONE unless <see cref="Respond"/>
/// says otherwise; <see cref="Hold"/> parks calls until <see cref="Release"/>.
/// </summary>
public sealed class RecordingMarkerWriter(List<string>? events = null) : ITransactionMarkerWriter
{
    private readonly List<string> _events = events ?? [];
    private readonly List<TaskCompletionSource> _held = [];

    public List<MarkerCall> Calls { get; } = [];

    /// <summary>The error for one partition of one call (call index from 0); NONE when null.</summary>
    public Func<int, (string Topic, int Partition), ErrorCode>? Respond { get; set; }

    public bool Hold { get; set; }

    public async ValueTask<IReadOnlyList<(string Topic, int Partition, ErrorCode Error)>> WriteMarkersAsync(long producerId, short producerEpoch,
        int coordinatorEpoch, bool commit, IReadOnlyList<(string Topic, int Partition)> partitions, CancellationToken cancellationToken)
    {
        int index;
        TaskCompletionSource? gate = null;
        lock (Calls)
        {
            index = Calls.Count;
            Calls.Add(new MarkerCall(producerId, producerEpoch, coordinatorEpoch, commit, partitions.ToList()));
            if (Hold)
            {
                gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _held.Add(gate);
            }
        }
        lock (_events) _events.Add(commit ? "markers:commit" : "markers:abort");
        if (gate is not null) await gate.Task.WaitAsync(cancellationToken);
        return partitions.Select(p => (p.Topic, p.Partition, Respond?.Invoke(index, p) ?? ErrorCode.None)).ToList();
    }

    public void Release()
    {
        List<TaskCompletionSource> gates;
        lock (Calls)
        {
            Hold = false;
            gates = [.. _held];
            _held.Clear();
        }
        foreach (var gate in gates) gate.SetResult();
    }
}

/// <summary>Records what the group coordinator would be told.</summary>
public sealed class RecordingCompletionListener : ITransactionCompletionListener
{
    public List<(long ProducerId, short ProducerEpoch, bool Committed, IReadOnlyList<int> OffsetsPartitions)> Calls { get; } = [];

    public ValueTask OnTransactionCompletedAsync(long producerId, short producerEpoch, bool committed, IReadOnlyList<int> offsetsPartitions,
        CancellationToken cancellationToken)
    {
        lock (Calls) Calls.Add((producerId, producerEpoch, committed, offsetsPartitions.ToList()));
        return ValueTask.CompletedTask;
    }
}
