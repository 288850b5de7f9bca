using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Brook.Storage;

/// <summary>
/// Group commit for the whole broker: producers that need their appends durable (acks with fsync) queue a wait here;
/// one loop takes every queued request at once, fsyncs each distinct log once (in parallel across logs), and
/// completes every waiter the new recovery points cover. Requests that arrive during a round share the next one, so
/// many producers on many partitions pay for one fsync per log per round instead of one each.
/// </summary>
/// <remarks>
/// The loop and its helpers are dedicated threads, not thread-pool work: an fsync blocks its thread for milliseconds,
/// and on a small machine (two cores: a pool of two threads until it injects more) a blocked pool thread is a network
/// read, a produce or a fetch that waits behind the disk.
/// </remarks>
public sealed class GroupCommitFlusher : IDisposable
{
    private readonly BlockingCollection<Waiter> _requests = new(new ConcurrentQueue<Waiter>());
    /// <summary>Per-log flushes of the current round that the loop hands to its helper threads.</summary>
    private readonly BlockingCollection<FlushJob> _jobs = new(new ConcurrentQueue<FlushJob>());
    private readonly ILogger _logger;
    private readonly Thread _loop;
    private readonly Thread[] _helpers;
    private int _disposed;

    /// <param name="logger">Where failed flushes are logged.</param>
    /// <param name="maxParallelFlushes">How many logs a round fsyncs at once (the loop plus this many minus one helpers).</param>
    public GroupCommitFlusher(ILogger logger, int maxParallelFlushes = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParallelFlushes, 1);
        _logger = logger;
        _helpers = new Thread[maxParallelFlushes - 1];
        for (var i = 0; i < _helpers.Length; i++)
        {
            _helpers[i] = new Thread(RunHelper) { IsBackground = true, Name = $"brook-group-commit-{i + 1}" };
            _helpers[i].Start();
        }
        _loop = new Thread(Run) { IsBackground = true, Name = "brook-group-commit" };
        _loop.Start();
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
        try
        {
            _requests.Add(waiter);
        }
        catch (InvalidOperationException)
        {
            waiter.Fail(new ObjectDisposedException(nameof(GroupCommitFlusher)));
        }
        return new ValueTask(waiter.Completion.Task);
    }

    private void Run()
    {
        var byLog = new Dictionary<PartitionLog, List<Waiter>>(ReferenceEqualityComparer.Instance);
        void Join(Waiter waiter)
        {
            if (waiter.Completion.Task.IsCompleted) return; // cancelled meanwhile
            if (!byLog.TryGetValue(waiter.Log, out var list)) byLog[waiter.Log] = list = [];
            list.Add(waiter);
        }
        try
        {
            // A round is the first request waited for plus every one queued by then.
            foreach (var first in _requests.GetConsumingEnumerable())
            {
                byLog.Clear();
                Join(first);
                while (_requests.TryTake(out var waiter)) Join(waiter);
                FlushRound(byLog);
                Interlocked.Increment(ref _rounds);
            }
        }
        finally
        {
            _jobs.CompleteAdding();
        }
    }

    /// <summary>Flushes every log of a round: the helpers take what they can, the loop takes the rest and waits for them.</summary>
    private void FlushRound(Dictionary<PartitionLog, List<Waiter>> byLog)
    {
        if (byLog.Count == 0) return;
        if (byLog.Count == 1 || _helpers.Length == 0)
        {
            foreach (var (log, waiters) in byLog) FlushAndComplete(log, waiters);
            return;
        }
        using var done = new CountdownEvent(byLog.Count);
        foreach (var (log, waiters) in byLog) _jobs.Add(new FlushJob(log, waiters, done));
        while (_jobs.TryTake(out var job)) job.Run(this);
        done.Wait();
    }

    private void RunHelper()
    {
        foreach (var job in _jobs.GetConsumingEnumerable()) job.Run(this);
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

    /// <summary>Stops accepting waits, lets the loop finish the ones already queued, and waits for its threads.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _requests.CompleteAdding();
        _loop.Join();
        foreach (var helper in _helpers) helper.Join();
        _requests.Dispose();
        _jobs.Dispose();
    }

    /// <summary>One log's flush within a round, run by whichever thread takes it.</summary>
    private sealed record FlushJob(PartitionLog Log, List<Waiter> Waiters, CountdownEvent Done)
    {
        public void Run(GroupCommitFlusher flusher)
        {
            try
            {
                flusher.FlushAndComplete(Log, Waiters);
            }
            finally
            {
                Done.Signal();
            }
        }
    }

    private sealed class Waiter
    {
        private readonly CancellationTokenRegistration _registration;

        public Waiter(PartitionLog log, long offset, CancellationToken ct)
        {
            Log = log;
            Offset = offset;
            // Continuations must not run on the flush threads: a slow producer callback would delay everyone's fsync.
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
