using Brook.Common;
using Microsoft.Extensions.Logging;

namespace Brook.Storage;

// Retention (cleanup.policy=delete), DeleteRecords and the log start offset: only whole closed segments ever leave the
// log, first renamed to .deleted and removed file.delete.delay.ms later.
public sealed partial class PartitionLog
{
    private readonly DelayedSegmentDeleter _deleter;
    private long _logStartOffset;

    /// <summary>Segments that left the log but whose files wait for file.delete.delay.ms.</summary>
    public int PendingSegmentDeletions => _deleter.PendingCount;

    /// <summary>
    /// One retention pass (the broker calls it every log.retention.check.interval.ms). From the oldest segment on, closed
    /// segments are deleted while one of Kafka's rules holds, in its order: the segment's largest timestamp is more than
    /// retention.ms before <paramref name="nowMs"/>; the log without the segment is still at least retention.bytes; the
    /// segment lies entirely below the log start offset (after DeleteRecords). The first two apply only when cleanup.policy
    /// includes delete. The active segment is never deleted, nor a segment holding offsets at or past
    /// <paramref name="highWatermark"/> (not yet replicated). The log start offset moves to the first remaining segment's
    /// base offset if that is higher. Segment files whose delay has passed are removed too.
    /// </summary>
    public RetentionResult ApplyRetention(long nowMs, long highWatermark = long.MaxValue)
    {
        _deleter.DeleteDue(NowMs());
        lock (_lock)
        {
            if (_closed) return new RetentionResult(0, 0, 0, 0, LogStartOffset);
            var config = Config;
            var segments = _segments;
            var active = segments.Length - 1;
            // A segment may go only when it is closed and every offset in it is below the high watermark.
            bool Deletable(int i) => i < active && segments[i + 1].BaseOffset <= highWatermark;

            int n = 0, byTime = 0, bySize = 0, byStart = 0;
            if (config.DeletesByRetention && config.RetentionMs >= 0)
            {
                // A timestamp in the future makes the difference negative: such a segment is kept, as in Kafka.
                while (Deletable(n) && nowMs - segments[n].LargestTimestampForRetention > config.RetentionMs) n++;
                byTime = n;
            }
            if (config.DeletesByRetention && config.RetentionBytes >= 0)
            {
                long excess = -config.RetentionBytes;
                for (var i = n; i < segments.Length; i++) excess += segments[i].Size;
                while (Deletable(n) && excess - segments[n].Size >= 0)
                {
                    excess -= segments[n].Size;
                    n++;
                }
                bySize = n - byTime;
            }
            var logStart = _logStartOffset;
            while (Deletable(n) && segments[n + 1].BaseOffset <= logStart) n++;
            byStart = n - byTime - bySize;
            if (n == 0) return new RetentionResult(0, 0, 0, 0, logStart);

            long bytes = 0;
            for (var i = 0; i < n; i++) bytes += segments[i].Size;
            RemoveOldestSegments(n, config);
            _logger.LogInformation(
                "Retention deleted {Count} segments ({Bytes} bytes) of {Directory}: {ByTime} by retention.ms, {BySize} by retention.bytes, " +
                "{ByStart} below the log start; log start offset is now {LogStart}",
                n, bytes, Directory, byTime, bySize, byStart, _logStartOffset);
            return new RetentionResult(byTime, bySize, byStart, bytes, _logStartOffset);
        }
    }

    /// <summary>
    /// DeleteRecords: moves the log start offset (low watermark) up to <paramref name="offset"/>; -1 means the high
    /// watermark. Reads below it answer OffsetOutOfRange at once; the segments that end below it are deleted by the
    /// next <see cref="ApplyRetention"/>. An offset at or below the current start changes nothing. OFFSET_OUT_OF_RANGE
    /// beyond <paramref name="highWatermark"/> (capped at the log end); POLICY_VIOLATION when cleanup.policy lacks
    /// delete, as in Kafka.
    /// </summary>
    public DeleteRecordsResult DeleteRecordsBefore(long offset, long highWatermark = long.MaxValue, string reason = "DeleteRecords")
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            var logStart = _logStartOffset;
            if (!Config.DeletesByRetention)
                return new DeleteRecordsResult(ErrorCode.PolicyViolation, logStart,
                    "records cannot be deleted from a partition whose cleanup.policy does not include delete");
            var limit = Math.Min(highWatermark, _logEndOffset);
            if (offset == -1) offset = limit;
            if (offset < 0 || offset > limit)
                return new DeleteRecordsResult(ErrorCode.OffsetOutOfRange, logStart,
                    $"offset {offset} is outside the deletable range (up to the high watermark {limit})");
            if (offset <= logStart) return new DeleteRecordsResult(ErrorCode.None, logStart);
            try
            {
                // Durable before visible: a restart must not bring back records a client was told are gone.
                WriteLogStartCheckpoint(offset);
            }
            catch (IOException e)
            {
                _logger.LogError(e, "Writing the log start offset checkpoint of {Directory} failed", Directory);
                return new DeleteRecordsResult(ErrorCode.KafkaStorageError, logStart, "storage error while writing the log start offset: " + e.Message);
            }
            Volatile.Write(ref _logStartOffset, offset);
            if (_epochs.TruncateFromStart(offset)) PersistEpochs();
            _logger.LogInformation("{Reason} moved the log start offset of {Directory} from {Old} to {New}", reason, Directory, logStart, offset);
            return new DeleteRecordsResult(ErrorCode.None, offset);
        }
    }

    /// <summary>
    /// Takes the oldest <paramref name="count"/> segments out of the log (under the append lock): the log start moves to
    /// the next segment's base offset if that is higher, the files are renamed to .deleted and queued for removal.
    /// </summary>
    private void RemoveOldestSegments(int count, LogConfig config)
    {
        var segments = _segments;
        var removed = segments[..count];
        var newStart = Math.Max(_logStartOffset, segments[count].BaseOffset);
        // The start before the array: readers load the array first, so whoever sees the trimmed array sees the new start.
        var startMoved = newStart != _logStartOffset;
        Volatile.Write(ref _logStartOffset, newStart);
        Volatile.Write(ref _segments, segments[count..]);
        RetireSegments(removed, config);
        if (startMoved)
        {
            TryWriteLogStartCheckpoint(newStart);
            if (_epochs.TruncateFromStart(newStart)) PersistEpochs();
        }
        // Snapshots below the first segment describe batches that are gone; an open would discard them anyway.
        var firstBase = _segments[0].BaseOffset;
        while (_snapshotOffsets.Count > 0 && _snapshotOffsets[0] < firstBase)
        {
            _fs.DeleteFile(SnapshotPath(_snapshotOffsets[0]));
            _snapshotOffsets.RemoveAt(0);
        }
    }

    /// <summary>
    /// Renames segments that are no longer in the segment array to .deleted and queues them for removal after
    /// file.delete.delay.ms; their open handles keep serving reads that already hold them until then.
    /// </summary>
    private void RetireSegments(IEnumerable<LogSegment> segments, LogConfig config)
    {
        foreach (var segment in segments)
        {
            try
            {
                segment.RenameFiles(LogFileNames.DeletedSuffix);
            }
            catch (IOException e)
            {
                // Still queued: removal deletes whatever names the files have.
                _logger.LogWarning(e, "Renaming {Segment} for deletion failed", segment.LogPath);
            }
            _deleter.Schedule(segment, config.FileDeleteDelayMs);
        }
        _fs.SyncDirectory(Directory);
    }

    private void WriteLogStartCheckpoint(long offset) =>
        CheckpointFile.Write(_fs, Directory, LogFileNames.LogStartOffsetCheckpoint, offset);

    /// <summary>
    /// For moves that need no write-before-visible ordering (retention: after a crash the remaining segments imply the
    /// same start; truncation: the start only goes down), so a failed write is logged, not reported.
    /// </summary>
    private void TryWriteLogStartCheckpoint(long offset)
    {
        try
        {
            WriteLogStartCheckpoint(offset);
        }
        catch (IOException e)
        {
            _logger.LogError(e, "Writing the log start offset checkpoint of {Directory} failed", Directory);
        }
    }

    /// <summary>The log start after loading: the checkpoint if it is higher than the first segment's base, capped at the log end.</summary>
    private void LoadLogStartOffset()
    {
        var first = _segments[0].BaseOffset;
        var checkpointed = CheckpointFile.ReadSingle(_fs, Directory, LogFileNames.LogStartOffsetCheckpoint, _logger, "Log start offset checkpoint",
            "using the first segment's base offset");
        var start = Math.Max(first, checkpointed ?? first);
        if (start > _logEndOffset)
        {
            // The tail that DeleteRecords covered was lost in a crash (unflushed): nothing below the end remains visible.
            _logger.LogWarning("Log start offset {Start} of {Directory} is beyond the recovered log end {End}; using the log end",
                start, Directory, _logEndOffset);
            start = _logEndOffset;
        }
        _logStartOffset = start;
        if (start > first && _epochs.TruncateFromStart(start)) PersistEpochs();
    }
}
