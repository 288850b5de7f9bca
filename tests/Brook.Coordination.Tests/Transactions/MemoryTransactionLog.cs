using Brook.Common;
using Brook.Coordination.Transactions;
using Brook.Coordination.Transactions.Records;

namespace Brook.Coordination.Tests.Transactions;

/// <summary>
/// An in-memory __transaction_state: every appended record in order, per partition. Appends complete at once unless a
/// test asks to fail them or to hold them until <see cref="ReleaseHeld"/>. Each append is also noted in the shared
/// event list as "append:&lt;state or tombstone&gt;".
/// </summary>
public sealed class MemoryTransactionLog(List<string>? events = null) : ITransactionLog
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, List<(byte[] Key, byte[]? Value)>> _partitions = [];
    private readonly List<string> _events = events ?? [];
    private readonly List<(TaskCompletionSource<long> Done, long Offset)> _held = [];

    /// <summary>When set, appends fail with this error code.</summary>
    public ErrorCode? FailWith { get; set; }

    /// <summary>When set, an append fails with the error this returns for its first record's value (null: tombstone).</summary>
    public Func<TransactionLogValue?, ErrorCode?>? FailWhen { get; set; }

    /// <summary>When set, appends are recorded but complete only when <see cref="ReleaseHeld"/> is called.</summary>
    public bool Hold { get; set; }

    /// <summary>Completes every held append (as written), and stops holding.</summary>
    public void ReleaseHeld()
    {
        List<(TaskCompletionSource<long> Done, long Offset)> held;
        lock (_lock)
        {
            Hold = false;
            held = [.. _held];
            _held.Clear();
        }
        foreach (var (done, offset) in held) done.SetResult(offset);
    }

    public ValueTask<long> AppendAsync(int partition, IReadOnlyList<(byte[] Key, byte[]? Value)> records, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var first = records.Count > 0 && records[0].Value is { } v ? TransactionLogValue.Decode(v) : null;
            if ((FailWith ?? FailWhen?.Invoke(first)) is { } error)
                return ValueTask.FromException<long>(new KafkaException(error, "append failed (test)"));
            if (!_partitions.TryGetValue(partition, out var log)) _partitions[partition] = log = [];
            foreach (var (key, value) in records)
            {
                log.Add((key, value));
                lock (_events) _events.Add(value is null ? "append:tombstone" : $"append:{TransactionLogValue.Decode(value).State}");
            }
            if (!Hold) return ValueTask.FromResult((long)log.Count - 1);
            var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            _held.Add((done, log.Count - 1));
            return new ValueTask<long>(done.Task);
        }
    }

    public IReadOnlyList<(byte[] Key, byte[]? Value)> Records(int partition)
    {
        lock (_lock) return _partitions.TryGetValue(partition, out var log) ? log.ToList() : [];
    }

    /// <summary>The decoded values written for one id, oldest first (null for a tombstone).</summary>
    public IReadOnlyList<TransactionLogValue?> ValuesOf(string transactionalId)
    {
        lock (_lock)
        {
            return _partitions.Values.SelectMany(p => p)
                .Where(r => TransactionLogKey.Decode(r.Key) == transactionalId)
                .Select(r => r.Value is null ? null : TransactionLogValue.Decode(r.Value))
                .ToList();
        }
    }
}
