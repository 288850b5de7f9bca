using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Brook.Storage;

/// <summary>
/// Group commit for the whole broker: producers that need their appends durable (acks with fsync) queue a wait here;
/// one background loop takes every queued request at once, fsyncs each distinct log once (in parallel across logs), and
/// completes every waiter the new recovery points cover. Requests that arrive during a round share the next one, so
/// many producers on many partitions pay for one fsync per log per round instead of one each.
/// </summary>
public sealed class GroupCommitFlusher : IDisposable
{
    private readonly Channel<Waiter> _requests = Channel.CreateUnbounded<Waiter>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly int _maxParallelFlushes;
    private readonly Task _loop;
    private int _disposed;

    public GroupCommitFlusher(ILogger logger, int maxParallelFlushes = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParallelFlushes, 1);
        _logger = logger;
        _maxParallelFlushes = maxParallelFlushes;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Rounds completed so far (each fsyncs every log that had waiters once).</summary>
    public long Rounds => Interlocked.Read(ref _rounds);
    private long _rounds;

    /// <summary>
    /// Completes once the record at <paramref name="offset"/> (e.g. <see cref="AppendResult.LastOffset"/>) is fsynced,
    /// i.e. <see cref="PartitionLog.RecoveryPoint"/> &gt; offset; at once if it already is. Faults if the flush fails or
    /// the log is closed first.
    /// </summary>
    public ValueTask WaitForDurabilityAsync(PartitionLog log, long offset, CancellationToken ct)
    {
        if (log.RecoveryPoint > offset) return ValueTask.CompletedTask;
        if (ct.IsCancellationRequested) return ValueTask.FromCanceled(ct);
        if (offset >= log.LogEndOffset)
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"offset is not in the log (log end offset {log.LogEndOffset})");
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var waiter = new Waiter(log, offset, ct);
        if (!_requests.Writer.TryWrite(waiter))
            waiter.Fail(new ObjectDisposedException(nameof(GroupCommitFlusher)));
        return new ValueTask(waiter.Completion.Task);
    }

    private async Task RunAsync()
    {
        var batch = new List<Waiter>();
        var byLog = new Dictionary<PartitionLog, List<Waiter>>(ReferenceEqualityComparer.Instance);
        var reader = _requests.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (reader.TryRead(out var waiter)) batch.Add(waiter);
            byLog.Clear();
            foreach (var waiter in batch)
            {
                if (waiter.Completion.Task.IsCompleted) continue; // cancelled meanwhile
                if (!byLog.TryGetValue(waiter.Log, out var list)) byLog[waiter.Log] = list = [];
                list.Add(waiter);
            }
            if (byLog.Count == 1)
            {
                foreach (var (log, waiters) in byLog) FlushAndComplete(log, waiters);
            }
            else if (byLog.Count > 1)
            {
                Parallel.ForEach(byLog, new ParallelOptions { MaxDegreeOfParallelism = _maxParallelFlushes },
                    pair => FlushAndComplete(pair.Key, pair.Value));
            }
            Interlocked.Increment(ref _rounds);
        }
    }

    private void FlushAndComplete(PartitionLog log, List<Waiter> waiters)
    {
        try
        {
            var needed = long.MinValue;
            foreach (var w in waiters) needed = Math.Max(needed, w.Offset);
            if (log.RecoveryPoint <= needed) log.Flush();
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Group commit flush of {Directory} failed", log.Directory);
            foreach (var w in waiters) w.Fail(e);
            return;
        }
        var recoveryPoint = log.RecoveryPoint;
        foreach (var w in waiters)
        {
            if (w.Offset < recoveryPoint) w.Succeed();
            else w.Fail(new InvalidOperationException($"log {log.Directory} was closed before offset {w.Offset} became durable"));
        }
    }

    /// <summary>Stops accepting waits, lets the loop finish the ones already queued, and waits for it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _requests.Writer.TryComplete();
        try
        {
            _loop.Wait();
        }
        catch (AggregateException e)
        {
            _logger.LogError(e, "Group commit loop failed");
        }
    }

    private sealed class Waiter
    {
        private readonly CancellationTokenRegistration _registration;

        public Waiter(PartitionLog log, long offset, CancellationToken ct)
        {
            Log = log;
            Offset = offset;
            // Continuations must not run on the flush loop: a slow producer callback would delay everyone's fsync.
            Completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (ct.CanBeCanceled) _registration = ct.Register(static s => ((Waiter)s!).Completion.TrySetCanceled(), this);
        }

        public PartitionLog Log { get; }
        public long Offset { get; }
        public TaskCompletionSource Completion { get; }

        public void Succeed()
        {
            Completion.TrySetResult();
            _registration.Dispose();
        }

        public void Fail(Exception e)
        {
            Completion.TrySetException(e);
            _registration.Dispose();
        }
    }
}
