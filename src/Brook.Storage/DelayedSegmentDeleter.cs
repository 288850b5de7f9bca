using Microsoft.Extensions.Logging;

namespace Brook.Storage;

/// <summary>
/// Kafka's asynchronous segment deletion: a segment that left the log (retention, DeleteRecords, a compaction swap)
/// already carries the <c>.deleted</c> suffix and keeps its open file handle, so a fetch that picked it up just before
/// can still copy from it; its files are removed and the handle closed file.delete.delay.ms later, by a timer of the
/// log's <see cref="TimeProvider"/> (and by any <see cref="DeleteDue"/> sweep that comes first). On close the pending
/// files stay behind for the next open to remove.
/// </summary>
internal sealed class DelayedSegmentDeleter : IDisposable
{
    private readonly Lock _sync = new();
    private readonly List<(LogSegment Segment, long DueMs)> _pending = [];
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private ITimer? _timer;
    private long _armedForMs = long.MaxValue;
    private bool _closed;

    public DelayedSegmentDeleter(TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
    }

    /// <summary>Segments whose files are still waiting for removal.</summary>
    public int PendingCount
    {
        get
        {
            lock (_sync) return _pending.Count;
        }
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Queues an already renamed segment for removal <paramref name="delayMs"/> from now (0 = at once).</summary>
    public void Schedule(LogSegment segment, long delayMs)
    {
        var now = NowMs();
        var due = delayMs >= long.MaxValue - now ? long.MaxValue : now + Math.Max(0, delayMs);
        lock (_sync)
        {
            if (_closed)
            {
                segment.Dispose();
                return;
            }
            _pending.Add((segment, due));
        }
        if (due <= now) DeleteDue(now);
        else Arm();
    }

    /// <summary>Removes every queued segment whose delay has passed at <paramref name="nowMs"/>.</summary>
    public void DeleteDue(long nowMs)
    {
        List<LogSegment>? due = null;
        lock (_sync)
        {
            for (var i = _pending.Count - 1; i >= 0; i--)
            {
                if (_pending[i].DueMs > nowMs) continue;
                (due ??= []).Add(_pending[i].Segment);
                _pending.RemoveAt(i);
            }
        }
        if (due is null) return;
        foreach (var segment in due)
        {
            try
            {
                segment.DeleteFiles();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left behind: the next open deletes every .deleted file.
                _logger.LogWarning(e, "Deleting the files of segment {Segment} failed", segment.LogPath);
            }
        }
        _logger.LogDebug("Deleted {Count} segments whose file.delete.delay.ms had passed", due.Count);
    }

    /// <summary>Points the timer at the earliest pending deletion (if it is not already set for it or earlier).</summary>
    private void Arm()
    {
        lock (_sync)
        {
            if (_closed || _pending.Count == 0) return;
            var earliest = long.MaxValue;
            foreach (var (_, dueMs) in _pending) earliest = Math.Min(earliest, dueMs);
            if (earliest >= _armedForMs || earliest == long.MaxValue) return;
            _armedForMs = earliest;
            var delay = TimeSpan.FromMilliseconds(Math.Max(0, earliest - NowMs()));
            if (_timer is null) _timer = _time.CreateTimer(static s => ((DelayedSegmentDeleter)s!).OnTimer(), this, delay, Timeout.InfiniteTimeSpan);
            else _timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        lock (_sync) _armedForMs = long.MaxValue;
        DeleteDue(NowMs());
        Arm();
    }

    /// <summary>Stops the timer and closes the pending segments' files without removing them.</summary>
    public void Dispose()
    {
        lock (_sync)
        {
            if (_closed) return;
            _closed = true;
            _timer?.Dispose();
            foreach (var (segment, _) in _pending) segment.Dispose();
            _pending.Clear();
        }
    }
}
