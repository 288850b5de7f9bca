using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Brook.Storage.IO;

/// <summary>
/// Bounded write-back of segment files (brook.log.writeback.interval.bytes): every interval of appended bytes is handed
/// to the kernel for write-out at once, and the interval before it is waited for, on one dedicated thread. Without it
/// the kernel lets gigabytes of dirty pages pile up and then flushes them in a burst, during which appends stall in
/// balance_dirty_pages and every fsync (a segment roll, a checkpoint, an acks=all group commit) waits behind the
/// backlog. Nothing here makes data durable — fsync still does that — and the request path never waits for it.
/// </summary>
public sealed class LogWriteBack : IDisposable
{
    private readonly BlockingCollection<Range> _queue = new(new ConcurrentQueue<Range>());
    private readonly Thread _thread;
    private readonly ILogger _logger;
    private long _bytesStarted;
    private long _bytesCompleted;
    private long _submitted;
    private long _processed;
    private int _failuresLogged;

    /// <param name="intervalBytes">Bytes appended to one file between two hand-overs (at least one page).</param>
    public LogWriteBack(long intervalBytes, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(intervalBytes, 1);
        IntervalBytes = Math.Max(intervalBytes, PageSize);
        _logger = logger ?? NullLogger.Instance;
        // A dedicated thread, not the pool: sync_file_range blocks for as long as the device is busy.
        _thread = new Thread(Run) { IsBackground = true, Name = "brook-log-writeback" };
        _thread.Start();
    }

    /// <summary>The page size ranges are aligned to: a page still being appended to is never put under write-back.</summary>
    public static long PageSize { get; } = Environment.SystemPageSize;

    public long IntervalBytes { get; }

    /// <summary>The start of the page <paramref name="position"/> is on.</summary>
    public static long PageStart(long position) => position / PageSize * PageSize;

    /// <summary>Bytes handed to the kernel for write-out so far.</summary>
    public long BytesStarted => Interlocked.Read(ref _bytesStarted);

    /// <summary>Bytes whose write-out has been waited for (they were clean, or on the device, afterwards).</summary>
    public long BytesCompleted => Interlocked.Read(ref _bytesCompleted);

    /// <summary>Ranges handed over and not yet processed (started and their predecessors waited for).</summary>
    public long Backlog => Interlocked.Read(ref _submitted) - Interlocked.Read(ref _processed);

    /// <summary>
    /// Queues the start of write-back of [<paramref name="offset"/>, +<paramref name="length"/>) of the file and a wait for
    /// the range before it, [<paramref name="previousOffset"/>, <paramref name="offset"/>). The handle stays open (its
    /// reference is held) until the thread is done with it, even if the file is closed meanwhile.
    /// </summary>
    internal void Submit(SafeFileHandle handle, long previousOffset, long offset, long length)
    {
        var added = false;
        var queued = false;
        try
        {
            handle.DangerousAddRef(ref added);
            Interlocked.Increment(ref _submitted);
            queued = _queue.TryAdd(new Range(handle, previousOffset, offset, length));
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            // A closed file, or write-back stopping: nothing to write back.
        }
        if (queued) return;
        if (added)
        {
            Interlocked.Decrement(ref _submitted);
            handle.DangerousRelease();
        }
    }

    private void Run()
    {
        foreach (var range in _queue.GetConsumingEnumerable())
        {
            try
            {
                var fd = (int)range.Handle.DangerousGetHandle();
                // Start the new range first, so the device has it queued while this thread waits for the older one.
                Check(SyncFileRange.Run(fd, range.Offset, range.Length, SyncFileRange.Write), range);
                Interlocked.Add(ref _bytesStarted, range.Length);
                if (range.Offset > range.PreviousOffset)
                {
                    Check(SyncFileRange.Run(fd, range.PreviousOffset, range.Offset - range.PreviousOffset,
                        SyncFileRange.WaitBefore | SyncFileRange.Write | SyncFileRange.WaitAfter), range);
                    Interlocked.Add(ref _bytesCompleted, range.Offset - range.PreviousOffset);
                }
            }
            finally
            {
                range.Handle.DangerousRelease();
                Interlocked.Increment(ref _processed);
            }
        }
    }

    private void Check(int errno, Range range)
    {
        // An I/O error here is only advisory: the fsync that makes the data durable reports it to whoever waits for it.
        if (errno != 0 && Interlocked.Increment(ref _failuresLogged) <= 5)
            _logger.LogWarning("sync_file_range at {Offset}+{Length} failed with errno {Errno}; write-back of that range is left to the kernel",
                range.Offset, range.Length, errno);
    }

    /// <summary>Stops taking ranges, finishes those queued, and ends the thread.</summary>
    public void Dispose()
    {
        if (_queue.IsAddingCompleted) return;
        _queue.CompleteAdding();
        _thread.Join();
        _queue.Dispose();
    }

    private readonly record struct Range(SafeFileHandle Handle, long PreviousOffset, long Offset, long Length);
}
