using Brook.Common;
using Brook.Protocol.Records;
using Brook.Storage.Index;
using Brook.Storage.IO;
using Brook.Storage.Producers;
using Microsoft.Extensions.Logging;

namespace Brook.Storage;

/// <summary>
/// The durable log of one partition (Kafka's UnifiedLog): a directory of segments named by base offset, of which only the
/// last is appended to. Appends are serialized by one lock; reads, timestamp lookups and the bounds are lock-free, using
/// the segment array and sizes the appender publishes after the bytes are written; fsync runs under its own lock so
/// appends continue while a flush is in progress.
/// </summary>
public sealed partial class PartitionLog : IDisposable
{
    private const int ReadBufferSize = 8 * 1024;

    private readonly Lock _lock = new();
    private readonly Lock _flushLock = new();
    private readonly ILogFileSystem _fs;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly List<BatchInfo> _batches = [];
    private readonly List<PendingProducerBatch> _pendingProducers = [];
    /// <summary>Transactions the batches being applied aborted, for the segment's aborted-transaction index.</summary>
    private readonly List<AbortedTransaction> _aborted = [];
    private LogConfig _config;
    private LogSegment[] _segments = [];
    private long _logEndOffset;
    private long _recoveryPoint;
    private long _lastFlushMs;
    private bool _closed;
    /// <summary>Rolls so far, and whether a <see cref="FlushRolled"/> is queued or running for them.</summary>
    private long _rolls;
    private int _rollFlushQueued;
    /// <summary>The recovery point last written to its checkpoint file (long.MaxValue until one is written).</summary>
    private long _checkpointed = long.MaxValue;

    private PartitionLog(string directory, LogConfig config, ILogger logger, TimeProvider time, ILogFileSystem fs)
    {
        Directory = directory;
        _config = config;
        _logger = logger;
        _time = time;
        _fs = fs;
        ProducerState = new ProducerStateManager(_lock);
        _lastFlushMs = NowMs();
        _deleter = new DelayedSegmentDeleter(time, logger);
    }

    public string Directory { get; }

    /// <summary>Settings; a new value applies to later appends (index sizes to segments created afterwards).</summary>
    public LogConfig Config
    {
        get => Volatile.Read(ref _config);
        set => Volatile.Write(ref _config, value);
    }

    /// <summary>
    /// First offset in the log (the low watermark): the first segment's base offset, or higher after
    /// <see cref="DeleteRecordsBefore"/>. Reads below it answer OffsetOutOfRange. Survives restarts (log-start-offset-checkpoint).
    /// </summary>
    public long LogStartOffset => Volatile.Read(ref _logStartOffset);

    /// <summary>The offset the next appended record gets.</summary>
    public long LogEndOffset => Volatile.Read(ref _logEndOffset);

    /// <summary>Every offset below this is known to be fsynced.</summary>
    public long RecoveryPoint => Volatile.Read(ref _recoveryPoint);

    public ProducerStateManager ProducerState { get; }

    public IReadOnlyList<long> SegmentBaseOffsets => Array.ConvertAll(Volatile.Read(ref _segments), s => s.BaseOffset);

    /// <summary>Total bytes of all segments' log files.</summary>
    public long SizeInBytes
    {
        get
        {
            long total = 0;
            foreach (var s in Volatile.Read(ref _segments)) total += s.Size;
            return total;
        }
    }

    private LogSegment Active => _segments[^1];

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Appends a validated record set (one or more whole v2 batches) as leader. Offsets are assigned contiguously from
    /// <see cref="LogEndOffset"/> by stamping each batch's BaseOffset and PartitionLeaderEpoch in place (both outside the
    /// CRC); with <paramref name="logAppendTimeMs"/> the LogAppendTime attribute and MaxTimestamp are set too and the CRC
    /// rewritten. Idempotent-producer state is checked per batch first: a retried batch is not appended but answered with
    /// its original offsets (<see cref="AppendResult.Duplicate"/>).
    /// </summary>
    public AppendResult Append(Span<byte> recordSet, int leaderEpoch, long? logAppendTimeMs)
    {
        AppendResult result;
        bool flush;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            var config = Config;
            var logStart = LogStartOffset;
            var firstOffset = _logEndOffset;
            var (error, message) = BatchInfo.Frame(recordSet, firstOffset, logAppendTimeMs, config.MaxMessageBytes, _batches);
            if (error != ErrorCode.None) return AppendResult.Failed(error, message!, logStart);
            if (_batches.Count == 0) return new AppendResult(ErrorCode.None, -1, -1, -1, logStart, null, false);
            if (recordSet.Length > config.SegmentBytes)
                return AppendResult.Failed(ErrorCode.RecordListTooLarge,
                    $"record set of {recordSet.Length} bytes exceeds segment.bytes {config.SegmentBytes}", logStart);

            var check = ProducerState.Check(_batches, _pendingProducers);
            if (check.Error != ErrorCode.None) return AppendResult.Failed(check.Error, check.Message!, logStart);
            if (check.Duplicate is { } original)
                return new AppendResult(ErrorCode.None, original.FirstOffset, original.LastOffset,
                    logAppendTimeMs.HasValue ? original.Timestamp : -1, logStart, null, true);

            var lastOffset = _batches[^1].LastOffset;
            var nowMs = NowMs();
            try
            {
                MaybeRoll(recordSet.Length, lastOffset, nowMs, config);
            }
            catch (IOException e)
            {
                return StorageError("rolling a new segment", e, logStart);
            }

            Stamp(recordSet, leaderEpoch, logAppendTimeMs);
            var segment = Active;
            var position = segment.Size;
            try
            {
                segment.Append(recordSet, _batches);
            }
            catch (IOException e)
            {
                // Later appends write at the same position; cut what a partial write left so a clean close does not keep it.
                try { segment.Log.SetLength(position); }
                catch (IOException) { }
                return StorageError("writing to " + segment.LogPath, e, logStart);
            }
            if (segment.RollBaseTimeMs < 0) segment.RollBaseTimeMs = nowMs;
            segment.LastModifiedMs = nowMs;
            // Producer state (and with it the first unstable offset) before the log end: see FirstUnstableOffset.
            ProducerState.Commit(_pendingProducers, _aborted);
            IndexAborted(segment);
            Volatile.Write(ref _logEndOffset, lastOffset + 1);
            if (_epochs.Assign(leaderEpoch, firstOffset)) PersistEpochs();
            result = new AppendResult(ErrorCode.None, firstOffset, lastOffset, logAppendTimeMs ?? -1, logStart, null, false);
            flush = lastOffset + 1 - _recoveryPoint >= config.FlushIntervalMessages || nowMs - _lastFlushMs >= config.FlushIntervalMs;
        }
        // Outside the append lock: Flush takes the flush lock first, then the append lock.
        if (flush) Flush();
        return result;
    }

    /// <summary>
    /// Adds the transactions just aborted by markers written to <paramref name="segment"/> to its index, then publishes
    /// the first unstable offset those markers moved (in this order: see <see cref="ProducerStateManager.PublishFirstUnstableOffset"/>).
    /// </summary>
    private void IndexAborted(LogSegment segment)
    {
        foreach (var entry in _aborted) segment.AddAbortedTransaction(entry);
        _aborted.Clear();
        ProducerState.PublishFirstUnstableOffset();
    }

    private AppendResult StorageError(string what, IOException e, long logStart)
    {
        _logger.LogError(e, "Storage error in {Directory} while {What}", Directory, what);
        return AppendResult.Failed(ErrorCode.KafkaStorageError, $"storage error while {what}: {e.Message}", logStart);
    }

    private void Stamp(Span<byte> recordSet, int leaderEpoch, long? logAppendTimeMs)
    {
        foreach (var b in _batches)
        {
            var batch = recordSet.Slice(b.Position, b.Size);
            RecordBatchHeader.SetBaseOffset(batch, b.BaseOffset);
            RecordBatchHeader.SetPartitionLeaderEpoch(batch, leaderEpoch);
            if (logAppendTimeMs is { } appendTime)
            {
                var attributes = new RecordBatchHeader(batch).Attributes;
                RecordBatchHeader.SetAttributes(batch, (short)(attributes | RecordBatchHeader.TimestampTypeBit));
                RecordBatchHeader.SetMaxTimestamp(batch, appendTime);
                RecordBatchHeader.WriteCrc(batch);
            }
        }
    }

    private void MaybeRoll(int bytes, long lastOffset, long nowMs, LogConfig config)
    {
        var segment = Active;
        if (segment.IsEmpty) return;
        string? reason = null;
        if (segment.Size + bytes > config.SegmentBytes) reason = "segment.bytes reached";
        else if (segment.Size + bytes > int.MaxValue) reason = "file positions would pass 2 GiB";
        else if (segment.RollBaseTimeMs >= 0 && nowMs - segment.RollBaseTimeMs > config.EffectiveSegmentMs - segment.RollJitterMs) reason = "segment.ms elapsed";
        else if (segment.OffsetIndex.IsFull || segment.TimeIndex.IsFull) reason = "index full";
        else if (lastOffset - segment.BaseOffset > int.MaxValue) reason = "relative offsets would overflow";
        if (reason is not null) Roll(reason);
    }

    /// <summary>
    /// Completes the active segment (indexes written), snapshots producer state and starts a new segment. The old
    /// segment's fsync and the recovery checkpoint follow on the thread pool (<see cref="FlushRolled"/>), as Kafka
    /// schedules its flush after a roll: done here, under the append lock, they stalled every producer of the partition
    /// for as long as the fsync took (2.6 ms on average, up to 13 ms, under a 200 MB/s load).
    /// </summary>
    private void Roll(string reason)
    {
        var newBase = _logEndOffset;
        Active.Complete();
        // Recovery after a crash replays producer state from the newest snapshot at or below the checkpoint, which may
        // still be below this roll until its flush has run: that snapshot is kept too.
        WriteProducerSnapshot(newBase, Math.Min(newBase, Volatile.Read(ref _checkpointed)));
        var segment = NewSegment(newBase, Config);
        _fs.SyncDirectory(Directory);
        Volatile.Write(ref _segments, [.. _segments, segment]);
        _logger.LogInformation("Rolled {Directory} to a new segment at offset {Offset} ({Reason})", Directory, newBase, reason);
        // One flush in flight per log at most, taking every roll made meanwhile: a burst of rolls must not queue a
        // blocking fsync each on the thread pool ahead of everyone else's work.
        Interlocked.Increment(ref _rolls);
        if (Interlocked.Exchange(ref _rollFlushQueued, 1) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(static log => log.FlushRolled(), this, preferLocal: false);
    }

    /// <summary>The thread-pool work item of <see cref="Roll"/>: flushes up to the newest roll until no roll is left unflushed.</summary>
    private void FlushRolled()
    {
        while (true)
        {
            var seen = Interlocked.Read(ref _rolls);
            FlushToActiveBase();
            // A full fence, so the re-check reads the roll count after the flag is down: a roll that saw the flag still
            // up queued nothing, and this loop goes again for it.
            Interlocked.Exchange(ref _rollFlushQueued, 0);
            if (Interlocked.Read(ref _rolls) == seen || Interlocked.Exchange(ref _rollFlushQueued, 1) != 0) return;
        }
    }

    /// <summary>
    /// After a roll: fsyncs the segments below the active one that are not durable yet, writes the recovery checkpoint
    /// at the active segment's base, then moves the recovery point there. Never throws (it runs on the thread pool): a
    /// failure leaves the recovery point where it was, so a crash recovers those segments, and the next flush meets the
    /// error again.
    /// </summary>
    private void FlushToActiveBase()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                lock (_flushLock)
                {
                    LogSegment[] segments;
                    long from;
                    lock (_lock)
                    {
                        if (_closed) return;
                        from = _recoveryPoint;
                        segments = _segments;
                    }
                    FlushRolledSegments(segments, from);
                    // The newest roll is where the active segment starts, whatever truncations came between. The
                    // checkpoint goes before the recovery point, so whoever sees the new recovery point finds it on disk
                    // too. Truncations and closes, which could move either back, take the flush lock this holds.
                    var rolledAt = segments[^1].BaseOffset;
                    WriteRecoveryCheckpoint(rolledAt);
                    lock (_lock)
                    {
                        if (rolledAt > _recoveryPoint) Volatile.Write(ref _recoveryPoint, rolledAt);
                    }
                }
                return;
            }
            catch (ObjectDisposedException) when (attempt < 2)
            {
                // A segment replaced by compaction or removed by retention meanwhile: take the segments again.
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Flushing {Directory} after a segment roll failed; the recovery point stays at {RecoveryPoint}",
                    Directory, RecoveryPoint);
                return;
            }
        }
    }

    /// <summary>fsyncs the segments below the active one, from the one holding <paramref name="from"/> (the recovery point) on.</summary>
    private static void FlushRolledSegments(LogSegment[] segments, long from)
    {
        for (var i = FloorSegmentIndex(segments, from); i < segments.Length - 1; i++) segments[i].Flush();
    }

    /// <summary>A new active segment with its segment.jitter.ms drawn (Kafka draws it per segment too).</summary>
    private LogSegment NewSegment(long baseOffset, LogConfig config)
    {
        var segment = LogSegment.Create(_fs, Directory, baseOffset, config);
        segment.LastModifiedMs = NowMs();
        segment.RollJitterMs = RollJitter(config);
        return segment;
    }

    private static long RollJitter(LogConfig config) =>
        config.SegmentJitterMs > 0 ? Random.Shared.NextInt64(Math.Min(config.SegmentJitterMs, config.EffectiveSegmentMs)) : 0;

    /// <summary>
    /// Whole batches from the one holding <paramref name="offset"/>: as many as fit in <paramref name="maxBytes"/> and end
    /// below <paramref name="maxOffsetExclusive"/> (high watermark or last stable offset); with
    /// <paramref name="minOneBatch"/> the first batch is returned even when larger than maxBytes. The records are a
    /// <see cref="FileRecordSet"/> that copies straight from the segment file. OffsetOutOfRange when the offset is below
    /// the log start or beyond the log end; an empty set at the end or when nothing fits.
    /// </summary>
    public LogReadResult Read(long offset, int maxBytes, long maxOffsetExclusive, bool minOneBatch)
    {
        for (var attempt = 0; ; attempt++)
        {
            // Log end first: the segment array read after it covers every offset below it. The array before the log
            // start: retention publishes the new start first, so whoever sees the trimmed array sees its start too.
            var logEnd = LogEndOffset;
            var segments = Volatile.Read(ref _segments);
            var logStart = LogStartOffset;
            if (offset < logStart || offset > logEnd)
                return new LogReadResult(ErrorCode.OffsetOutOfRange, LogReadResult.NoRecords, logStart, logEnd);
            var empty = new LogReadResult(ErrorCode.None, LogReadResult.NoRecords, logStart, logEnd);
            if (offset == logEnd || offset >= maxOffsetExclusive) return empty;
            try
            {
                for (var i = FloorSegmentIndex(segments, offset); i < segments.Length; i++)
                {
                    var records = ReadSegment(segments[i], offset, maxBytes, maxOffsetExclusive, minOneBatch, out var found);
                    if (records is not null) return new LogReadResult(ErrorCode.None, records, logStart, logEnd);
                    if (found) return empty;
                }
                return empty;
            }
            catch (Exception e) when (e is ObjectDisposedException or IOException && attempt < 3 && SegmentsChangedSince(segments))
            {
                // A segment left the log (retention, compaction) and its file was closed while we scanned it: look again
                // at the current segments, which answer OffsetOutOfRange if the offset is now below the log start.
            }
        }
    }

    private bool SegmentsChangedSince(LogSegment[] segments) => !ReferenceEquals(segments, Volatile.Read(ref _segments));

    /// <summary>
    /// Reads from one segment; <paramref name="found"/> tells whether the segment holds the batch with the offset
    /// (if not, the caller moves on to the next segment).
    /// </summary>
    private static FileRecordSet? ReadSegment(LogSegment segment, long offset, int maxBytes, long maxOffsetExclusive, bool minOneBatch, out bool found)
    {
        found = false;
        var limit = segment.Size;
        using var scanner = new BatchScanner(segment.Log, segment.OffsetIndex.Lookup(offset).Position, limit, ReadBufferSize);
        while (true)
        {
            if (scanner.MoveNext(wholeBatch: false) != ScanStatus.Batch) return null;
            if (scanner.Header.LastOffset >= offset) break;
        }
        found = true;
        var firstPosition = scanner.Position;
        var firstBaseOffset = scanner.Header.BaseOffset;
        if (scanner.Header.LastOffset >= maxOffsetExclusive) return null;
        if (scanner.Size > maxBytes)
            return minOneBatch ? new FileRecordSet(segment.Log, firstPosition, scanner.Size, firstBaseOffset, scanner.Header.LastOffset + 1) : null;

        var end = firstPosition + scanner.Size;
        var nextOffset = scanner.Header.LastOffset + 1;
        var budgetEnd = firstPosition + maxBytes;
        // Batches before an index entry that is within budget and visible are all whole and visible: jump over them.
        if (segment.OffsetIndex.LastEntryWithin(maxOffsetExclusive, Math.Min(budgetEnd, limit)) is { } entry && entry.Position > end)
        {
            end = entry.Position;
            nextOffset = entry.Offset; // the base offset of the batch at the entry: past everything before it
            scanner.Seek(end);
        }
        while (scanner.MoveNext(wholeBatch: false) == ScanStatus.Batch)
        {
            if (scanner.Header.LastOffset >= maxOffsetExclusive || scanner.Position + scanner.Size > budgetEnd) break;
            end = scanner.Position + scanner.Size;
            nextOffset = scanner.Header.LastOffset + 1;
        }
        return new FileRecordSet(segment.Log, firstPosition, (int)(end - firstPosition), firstBaseOffset, nextOffset);
    }

    /// <summary>
    /// The first record whose timestamp is &gt;= <paramref name="timestampMs"/>, as (offset, timestamp), or null when
    /// there is none. The time index narrows the search to a position, then batch headers are walked; inside an
    /// uncompressed CreateTime batch the records' timestamps give the exact record. For a compressed batch the answer is
    /// its base offset (with its base timestamp if that already qualifies, else its max timestamp); for a LogAppendTime
    /// batch, whose records all share the batch timestamp, it is exact.
    /// </summary>
    public (long Offset, long Timestamp)? OffsetForTimestamp(long timestampMs)
    {
        for (var attempt = 0; ; attempt++)
        {
            var segments = Volatile.Read(ref _segments);
            var logStart = LogStartOffset;
            try
            {
                foreach (var segment in segments)
                {
                    if (segment.MaxTimestamp < timestampMs || segment.NextOffset <= logStart) continue;
                    if (SearchSegment(segment, timestampMs, logStart) is { } found) return found;
                }
                return null;
            }
            catch (Exception e) when (e is ObjectDisposedException or IOException && attempt < 3 && SegmentsChangedSince(segments))
            {
                // A segment was deleted under us; search the current ones.
            }
        }
    }

    /// <summary>The search inside one segment, ignoring records below <paramref name="logStart"/> (removed by DeleteRecords).</summary>
    private static (long Offset, long Timestamp)? SearchSegment(LogSegment segment, long target, long logStart)
    {
        var start = segment.OffsetIndex.Lookup(Math.Max(segment.TimeIndex.LookupBefore(target), logStart)).Position;
        using var scanner = new BatchScanner(segment.Log, start, segment.Size, ReadBufferSize);
        while (scanner.MoveNext(wholeBatch: false) == ScanStatus.Batch)
        {
            var header = scanner.Header;
            if (header.MaxTimestamp < target || header.LastOffset < logStart) continue;
            var firstOffset = Math.Max(header.BaseOffset, logStart);
            if (header.IsLogAppendTime) return (firstOffset, header.MaxTimestamp);
            if (header.Compression != CompressionType.None)
            {
                // With the delete-horizon bit (set by compaction) BaseTimestamp is the horizon, not a record's timestamp.
                var hasHorizon = (header.Attributes & RecordBatchHeader.DeleteHorizonBit) != 0;
                return (firstOffset, !hasHorizon && header.BaseTimestamp >= target ? header.BaseTimestamp : header.MaxTimestamp);
            }
            long maxTimestamp = header.MaxTimestamp;
            scanner.Seek(scanner.Position);
            if (scanner.MoveNext(wholeBatch: true) != ScanStatus.Batch) return (firstOffset, maxTimestamp);
            // None found: the qualifying records all lie below the log start; the next batch may still answer.
            if (RecordTimestampSearch.FindFirstAtOrAfter(scanner.Batch, target, logStart) is { } found) return found;
        }
        return null;
    }

    /// <summary>
    /// The largest timestamp in the log and the offset of the first record carrying it, for ListOffsets MAX_TIMESTAMP
    /// (-3); (-1, -1) when the log has no timestamped batch.
    /// </summary>
    public (long Offset, long Timestamp) MaxTimestampAndOffset
    {
        get
        {
            var max = RecordBatchHeader.NoTimestamp;
            foreach (var segment in Volatile.Read(ref _segments)) max = Math.Max(max, segment.MaxTimestamp);
            if (max < 0) return (-1, -1);
            return OffsetForTimestamp(max) ?? (-1, -1);
        }
    }

    /// <summary>fsyncs everything appended so far and advances <see cref="RecoveryPoint"/>; appends continue meanwhile.</summary>
    public void Flush()
    {
        lock (_flushLock)
        {
            long target;
            LogSegment[] segments;
            long from;
            lock (_lock)
            {
                if (_closed) return;
                target = _logEndOffset;
                from = _recoveryPoint;
                segments = _segments;
                _lastFlushMs = NowMs();
            }
            if (target <= from) return;
            for (var i = FloorSegmentIndex(segments, from); i < segments.Length; i++) segments[i].Flush();
            lock (_lock)
            {
                if (target > _recoveryPoint) Volatile.Write(ref _recoveryPoint, target);
            }
        }
    }

    /// <summary>
    /// Clean close: seals the active segment (index files written, fsync), writes a producer-state snapshot and the
    /// recovery checkpoint, then the clean-shutdown marker that lets the next open skip recovery.
    /// </summary>
    public void Dispose()
    {
        lock (_highWatermarkFileLock)
        lock (_flushLock)
        lock (_lock)
        {
            if (_closed) return;
            _closed = true;
            try
            {
                // Rolled segments whose background flush has not run yet, then the active one.
                FlushRolledSegments(_segments, _recoveryPoint);
                Active.Seal();
                WriteProducerSnapshot(_logEndOffset, Active.BaseOffset);
                WriteRecoveryCheckpoint(_logEndOffset);
                Volatile.Write(ref _recoveryPoint, _logEndOffset);
                using (var marker = _fs.OpenFile(Path.Combine(Directory, LogFileNames.CleanShutdown), createIfMissing: true)) marker.Flush();
                _fs.SyncDirectory(Directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogError(e, "Clean close of {Directory} failed; it will be recovered when opened again", Directory);
            }
            finally
            {
                CloseFiles();
            }
        }
    }

    /// <summary>Closes the log without the clean-close work and removes its directory (topic deletion).</summary>
    public void Delete()
    {
        lock (_highWatermarkFileLock)
        lock (_flushLock)
        lock (_lock)
        {
            _closed = true;
            CloseFiles();
            _fs.DeleteDirectory(Directory);
        }
    }

    private void CloseFiles()
    {
        foreach (var segment in _segments) segment.Dispose();
        foreach (var segment in _retired) segment.Dispose();
        _retired.Clear();
        // Segments waiting for file.delete.delay.ms keep their .deleted files; the next open removes them.
        _deleter.Dispose();
    }

    /// <summary>Index of the last segment whose base offset is &lt;= <paramref name="offset"/> (0 if none).</summary>
    private static int FloorSegmentIndex(LogSegment[] segments, long offset)
    {
        int lo = 0, hi = segments.Length - 1, found = 0;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (segments[mid].BaseOffset <= offset) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }
}
