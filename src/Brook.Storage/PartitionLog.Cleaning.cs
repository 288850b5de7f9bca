using Microsoft.Extensions.Logging;

namespace Brook.Storage;

// What the log offers its compactor (Compaction.LogCleaner): a consistent view to plan from, staged segments, the
// atomic swap of compacted segments and the persisted cleaner position.
public sealed partial class PartitionLog
{
    private int _cleaning;
    private long _cleanerCheckpoint;
    private long _earliestDeleteHorizonMs = long.MaxValue;

    /// <summary>Where the next compaction pass starts: every offset below was compacted by an earlier pass.</summary>
    public long CleanerCheckpoint => Interlocked.Read(ref _cleanerCheckpoint);

    /// <summary>One pass per log at a time; false when another is running.</summary>
    internal bool TryBeginCleaning() => Interlocked.CompareExchange(ref _cleaning, 1, 0) == 0;

    internal void EndCleaning() => Volatile.Write(ref _cleaning, 0);

    /// <summary>The facts a compaction pass plans from, taken together under the append lock.</summary>
    internal CleaningView CaptureCleaningView()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            return new CleaningView(_segments, _logStartOffset, _logEndOffset, Config, _cleanerCheckpoint, _earliestDeleteHorizonMs,
                ProducerState.FirstUnstableOffset ?? long.MaxValue);
        }
    }

    /// <summary>An empty segment with <c>.cleaned</c> file names, for a compaction pass to fill.</summary>
    internal LogSegment CreateCleanedSegment(long baseOffset, LogConfig config) =>
        LogSegment.Create(_fs, Directory, baseOffset, config, LogFileNames.CleanedSuffix);

    /// <summary>
    /// Swaps a sealed compacted segment in for the consecutive closed segments it was built from, if they are still
    /// in the log unchanged (same objects, same sizes, none of them active); false otherwise (retention, truncation or
    /// close got there first), leaving <paramref name="replacement"/> to the caller. Under the append lock, with only
    /// renames: <c>.cleaned</c> → <c>.swap</c> (the commit point an open completes), the old segments → <c>.deleted</c>
    /// (removed after file.delete.delay.ms, their handles serving reads meanwhile), <c>.swap</c> → final names.
    /// </summary>
    internal bool ReplaceSegments(LogSegment[] old, long[] oldSizes, LogSegment replacement)
    {
        lock (_lock)
        {
            if (_closed) return false;
            var segments = _segments;
            var index = Array.IndexOf(segments, old[0]);
            if (index < 0 || index + old.Length > segments.Length - 1) return false;
            for (var i = 0; i < old.Length; i++)
            {
                if (!ReferenceEquals(segments[index + i], old[i]) || old[i].Size != oldSizes[i]) return false;
            }

            var renamed = new List<LogSegment>(old.Length);
            try
            {
                replacement.RenameFiles(LogFileNames.SwapSuffix);
                _fs.SyncDirectory(Directory);
                // The old files must be out of the way before the new ones take the final names (the first shares its base).
                foreach (var segment in old)
                {
                    segment.RenameFiles(LogFileNames.DeletedSuffix);
                    renamed.Add(segment);
                }
            }
            catch (IOException e)
            {
                _logger.LogError(e, "Swapping compacted segment {Segment} into {Directory} failed; rolling back", replacement.LogPath, Directory);
                foreach (var segment in renamed) segment.RenameFiles("");
                replacement.RenameFiles(LogFileNames.CleanedSuffix);
                _fs.SyncDirectory(Directory);
                return false;
            }

            Volatile.Write(ref _segments, [.. segments[..index], replacement, .. segments[(index + old.Length)..]]);
            try
            {
                replacement.RenameFiles("");
            }
            catch (IOException e)
            {
                // Committed: the segment serves from its open handle and the next open gives it its final name.
                _logger.LogError(e, "Renaming compacted segment {Segment} to its final name failed", replacement.LogPath);
            }
            _fs.SyncDirectory(Directory);
            var delay = Config.FileDeleteDelayMs;
            foreach (var segment in old) _deleter.Schedule(segment, delay);
            return true;
        }
    }

    /// <summary>Records a finished pass: the next starts at <paramref name="checkpoint"/>; tombstones kept are due at <paramref name="earliestDeleteHorizonMs"/>.</summary>
    internal void CompleteCleaning(long checkpoint, long earliestDeleteHorizonMs)
    {
        lock (_lock)
        {
            if (_closed) return;
            Interlocked.Exchange(ref _cleanerCheckpoint, checkpoint);
            _earliestDeleteHorizonMs = earliestDeleteHorizonMs;
            try
            {
                CheckpointFile.Write(_fs, Directory, LogFileNames.CleanerCheckpoint, checkpoint, earliestDeleteHorizonMs);
            }
            catch (IOException e)
            {
                // Only costs work: without it the next start compacts the whole log again.
                _logger.LogWarning(e, "Writing the cleaner checkpoint of {Directory} failed", Directory);
            }
        }
    }

    /// <summary>A pass that swapped some groups and then stopped still leaves tombstones whose horizon must be honoured.</summary>
    internal void NoteDeleteHorizon(long deleteHorizonMs)
    {
        lock (_lock) _earliestDeleteHorizonMs = Math.Min(_earliestDeleteHorizonMs, deleteHorizonMs);
    }

    private void LoadCleanerCheckpoint()
    {
        var values = CheckpointFile.Read(_fs, Directory, LogFileNames.CleanerCheckpoint, 2, out var corrupt);
        if (corrupt) _logger.LogWarning("Cleaner checkpoint of {Directory} is corrupt; the whole log counts as dirty", Directory);
        _cleanerCheckpoint = Math.Min(values?[0] ?? _logStartOffset, _logEndOffset);
        // Without a checkpoint the whole log is dirty, so the next pass looks at every tombstone anyway.
        _earliestDeleteHorizonMs = values?[1] ?? long.MaxValue;
    }

    /// <summary>After truncation: offsets at or past the new end are new data, never compacted.</summary>
    private void OnTruncatedForCleaning()
    {
        if (_cleanerCheckpoint <= _logEndOffset) return;
        Interlocked.Exchange(ref _cleanerCheckpoint, _logEndOffset);
        try
        {
            CheckpointFile.Write(_fs, Directory, LogFileNames.CleanerCheckpoint, _logEndOffset, _earliestDeleteHorizonMs);
        }
        catch (IOException e)
        {
            _logger.LogWarning(e, "Writing the cleaner checkpoint of {Directory} failed", Directory);
        }
    }
}

/// <summary>
/// A consistent snapshot of a log's segments and bounds for planning a compaction pass; <see cref="FirstUnstableOffset"/>
/// is long.MaxValue when no transaction is open.
/// </summary>
internal readonly record struct CleaningView(
    LogSegment[] Segments,
    long LogStartOffset,
    long LogEndOffset,
    LogConfig Config,
    long CleanerCheckpoint,
    long EarliestDeleteHorizonMs,
    long FirstUnstableOffset);
