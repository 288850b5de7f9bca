using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Brook.Storage.Compaction;

/// <summary>
/// Log compaction (cleanup.policy=compact), Kafka's LogCleaner for one log per call: the broker's cleaner loop asks
/// <see cref="Inspect"/> which logs are due and runs <see cref="Clean"/> on them, one pass per log at a time (any number
/// of logs in parallel). A pass maps each key of the dirty range to its latest offset, then rewrites every closed
/// segment below the end of that range keeping only each key's latest record (and tombstones until delete.retention.ms
/// after the pass that first kept them), offsets unchanged, into new <c>.cleaned</c> files that are swapped in under
/// the log's lock. Producers keep appending meanwhile: the active segment is never touched.
/// </summary>
/// <remarks>
/// Transactions (KIP-98): nothing at or past the first unstable offset is cleaned (an open transaction's outcome is
/// unknown); records of aborted transactions, found through the aborted-transaction index, neither replace earlier
/// values of their keys nor survive the pass; transaction markers are always kept (Kafka eventually drops markers
/// of transactions with no records left, after delete.retention.ms; Brook does not), and so are the aborted-transaction
/// index entries of the rewritten segments.
/// </remarks>
public sealed class LogCleaner(LogCleanerOptions options, ILogger logger)
{
    /// <summary>
    /// Whether <paramref name="log"/> is due for a pass at <paramref name="nowMs"/>: it is compacted and either the dirty
    /// share of its cleanable bytes reached min.cleanable.dirty.ratio, or its oldest dirty batch is older than
    /// max.compaction.lag.ms, or tombstones it kept have reached their delete horizon. Nothing at or past
    /// <paramref name="highWatermark"/>, or past the first batch of an open transaction, counts as cleanable.
    /// </summary>
    public LogCleanability Inspect(PartitionLog log, long nowMs, long highWatermark = long.MaxValue) =>
        Inspect(log.CaptureCleaningView(), nowMs, highWatermark);

    /// <summary>Shorthand for <c>Inspect(...).NeedsCleaning</c>.</summary>
    public bool NeedsCleaning(PartitionLog log, long nowMs, long highWatermark = long.MaxValue) =>
        Inspect(log, nowMs, highWatermark).NeedsCleaning;

    /// <summary>
    /// Runs one compaction pass over <paramref name="log"/> if it is due (<see cref="Inspect"/>), or regardless with
    /// <paramref name="force"/> (still only for a compacted log). Returns the pass statistics; failures to read the log
    /// and changes to it during the pass end in <see cref="LogCleanOutcome.Aborted"/>, not an exception.
    /// </summary>
    public LogCleanResult Clean(PartitionLog log, long nowMs, long highWatermark = long.MaxValue, bool force = false)
    {
        if (!log.TryBeginCleaning()) return LogCleanResult.Skipped(LogCleanOutcome.Busy, "another pass is running on this log");
        var started = Stopwatch.GetTimestamp();
        try
        {
            CleaningView view;
            try
            {
                view = log.CaptureCleaningView();
            }
            catch (ObjectDisposedException)
            {
                return LogCleanResult.Skipped(LogCleanOutcome.Aborted, "the log is closed");
            }
            var plan = Inspect(view, nowMs, highWatermark);
            if (!view.Config.Compacts || (!plan.NeedsCleaning && !force)) return LogCleanResult.Skipped(LogCleanOutcome.NotNeeded, plan.Reason);

            using var pass = new CompactionPass(log, view, nowMs, options);
            var result = pass.Run(plan.FirstDirtyOffset, plan.FirstUncleanableOffset) with
            {
                Duration = Stopwatch.GetElapsedTime(started),
            };
            if (result.Outcome == LogCleanOutcome.Cleaned)
                logger.LogInformation(
                    "Compacted {Directory} up to offset {End} ({Reason}): {Read} bytes in {Segments} segments became {Written} bytes in {Written2}; " +
                    "kept {Kept} records, removed {Removed} ({Tombstones} tombstones) in {Duration} ms",
                    log.Directory, result.EndOffset, plan.Reason, result.BytesRead, result.SegmentsRead, result.BytesWritten, result.SegmentsWritten,
                    result.RecordsKept, result.RecordsRemoved, result.TombstonesRemoved, (long)result.Duration.TotalMilliseconds);
            else
                logger.LogWarning("Compaction of {Directory} aborted: {Reason}", log.Directory, result.Reason);
            return result;
        }
        finally
        {
            log.EndCleaning();
        }
    }

    private static LogCleanability Inspect(in CleaningView view, long nowMs, long highWatermark)
    {
        var config = view.Config;
        if (!config.Compacts) return new LogCleanability(false, "cleanup.policy does not include compact", -1, -1, 0, 0);
        var segments = view.Segments;
        var closed = segments.Length - 1;
        var firstDirty = view.CleanerCheckpoint;
        if (firstDirty < view.LogStartOffset || firstDirty > view.LogEndOffset) firstDirty = view.LogStartOffset;

        var firstUncleanable = Math.Min(Math.Min(segments[^1].BaseOffset, highWatermark), view.FirstUnstableOffset);
        if (config.MinCompactionLagMs > 0)
        {
            // A segment holding a record younger than the lag, and everything after it, waits.
            for (var i = 0; i < closed; i++)
            {
                if (segments[i + 1].BaseOffset <= firstDirty) continue;
                if (segments[i].LargestTimestampForRetention > nowMs - config.MinCompactionLagMs)
                {
                    firstUncleanable = Math.Min(firstUncleanable, segments[i].BaseOffset);
                    break;
                }
            }
        }
        firstUncleanable = Math.Max(firstUncleanable, firstDirty);

        long cleanBytes = 0, dirtyBytes = 0;
        LogSegment? firstDirtySegment = null;
        for (var i = 0; i < closed; i++)
        {
            var next = segments[i + 1].BaseOffset;
            if (next <= view.LogStartOffset) continue; // wholly below the log start: retention removes it
            if (next <= firstDirty) cleanBytes += segments[i].Size;
            else if (segments[i].BaseOffset < firstUncleanable)
            {
                dirtyBytes += segments[i].Size;
                firstDirtySegment ??= segments[i];
            }
        }

        LogCleanability Result(bool needed, string reason) => new(needed, reason, firstDirty, firstUncleanable, cleanBytes, dirtyBytes);
        if (dirtyBytes > 0)
        {
            var ratio = (double)dirtyBytes / (cleanBytes + dirtyBytes);
            if (ratio >= config.MinCleanableDirtyRatio)
                return Result(true, $"dirty ratio {ratio:0.###} reached min.cleanable.dirty.ratio {config.MinCleanableDirtyRatio}");
            if (config.MaxCompactionLagMs < long.MaxValue && FirstBatchTimestamp(firstDirtySegment!) is { } first && first >= 0
                && nowMs - first > config.MaxCompactionLagMs)
                return Result(true, $"the oldest dirty batch ({first}) is older than max.compaction.lag.ms {config.MaxCompactionLagMs}");
        }
        if (cleanBytes > 0 && view.EarliestDeleteHorizonMs <= nowMs)
            return Result(true, "tombstones reached their delete horizon (delete.retention.ms)");
        return Result(false, dirtyBytes == 0
            ? "no dirty closed segments"
            : $"dirty ratio {(double)dirtyBytes / (cleanBytes + dirtyBytes):0.###} is below min.cleanable.dirty.ratio {config.MinCleanableDirtyRatio}");
    }

    private static long? FirstBatchTimestamp(LogSegment segment)
    {
        try
        {
            return segment.FirstBatchMaxTimestamp();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return null; // deleted meanwhile
        }
    }
}
