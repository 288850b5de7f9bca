using System.Buffers.Binary;
using Brook.Protocol.Records;
using Brook.Storage.IO;
using Brook.Storage.Producers;
using Microsoft.Extensions.Logging;

namespace Brook.Storage;

// Opening a log: loading segments, recovery after a crash, producer-state snapshots and the recovery checkpoint.
public sealed partial class PartitionLog
{
    private const int RetainedSnapshots = 2;
    private const int ReplayBufferSize = 64 * 1024;

    private readonly List<long> _snapshotOffsets = [];

    /// <summary>Opens (or creates) the log in <paramref name="directory"/>, recovering it if it was not closed cleanly.</summary>
    public static PartitionLog Open(string directory, LogConfig config, ILogger logger, TimeProvider time) =>
        Open(directory, config, logger, time, PhysicalLogFileSystem.Instance);

    /// <summary>
    /// Opens the log through <paramref name="fileSystem"/>. Without a clean-shutdown marker every segment from the one
    /// holding the recovery checkpoint onwards (at least the active one) is validated batch by batch (header sanity,
    /// CRC-32C) and cut at the first bad or torn batch, later segments dropped; missing or corrupt index files of any
    /// segment are rebuilt from the log. Producer state comes from the latest snapshot plus the batch headers after it;
    /// aborted-transaction indexes of recovered segments, or whose file is missing or corrupt, are rebuilt by that replay.
    /// The marker is always removed, so a crash from now on is detected.
    /// </summary>
    public static PartitionLog Open(string directory, LogConfig config, ILogger logger, TimeProvider time, ILogFileSystem fileSystem)
    {
        var log = new PartitionLog(directory, config, logger, time, fileSystem);
        try
        {
            log.Load();
        }
        catch
        {
            log.CloseFiles();
            throw;
        }
        return log;
    }

    private void Load()
    {
        _fs.CreateDirectory(Directory);
        var swapped = FinishInterruptedFileOperations(_fs.ListFiles(Directory));
        var names = _fs.ListFiles(Directory);
        var clean = names.Contains(LogFileNames.CleanShutdown);
        var baseOffsets = new List<long>();
        var snapshotOffsets = new List<long>();
        foreach (var name in names)
        {
            if (name.EndsWith(LogFileNames.TempSuffix, StringComparison.Ordinal)) _fs.DeleteFile(Path.Combine(Directory, name));
            else if (LogFileNames.TryParseOffset(name, LogFileNames.LogSuffix, out var offset)) baseOffsets.Add(offset);
            else if (LogFileNames.TryParseOffset(name, LogFileNames.SnapshotSuffix, out offset)) snapshotOffsets.Add(offset);
        }
        baseOffsets.Sort();
        DeleteOrphanIndexes(names, baseOffsets);

        // Segments that hold offsets at or past the checkpoint may have lost unsynced writes; those before were sealed.
        var recoverFrom = clean ? long.MaxValue : ReadRecoveryCheckpoint() ?? long.MinValue;
        var segments = new List<LogSegment>();
        var recovered = new List<LogSegment>();
        // Segments whose aborted-transaction index must be rebuilt by the producer-state replay.
        var txnRebuild = new HashSet<LogSegment>();
        try
        {
            for (var i = 0; i < baseOffsets.Count; i++)
            {
                var segment = LogSegment.OpenExisting(_fs, Directory, baseOffsets[i], Config);
                segments.Add(segment);
                var nextBase = i + 1 < baseOffsets.Count ? baseOffsets[i + 1] : long.MaxValue;
                // A segment that a compaction swap put in place gets its indexes rebuilt (see FinishInterruptedFileOperations).
                var mustRecover = nextBase > recoverFrom || swapped.Contains(baseOffsets[i]);
                if (!mustRecover && segment.TryLoad())
                {
                    if (!segment.TryLoadTxnIndex()) txnRebuild.Add(segment);
                    continue;
                }
                if (!mustRecover)
                    _logger.LogWarning("Index files of {Segment} are missing or corrupt; rebuilding them from the log", segment.LogPath);
                var (truncated, problem) = segment.Recover();
                recovered.Add(segment);
                txnRebuild.Add(segment);
                if (truncated == 0) continue;
                _logger.LogWarning(
                    "Recovery of {Segment} truncated {Bytes} bytes at position {Position} (offsets from {Offset} on are gone): {Problem}",
                    segment.LogPath, truncated, segment.Size, segment.NextOffset, problem);
                if (i + 1 < baseOffsets.Count)
                {
                    // Offsets must stay contiguous: nothing after a damaged point can be kept.
                    for (var j = i + 1; j < baseOffsets.Count; j++) DeleteSegmentFiles(baseOffsets[j]);
                    _logger.LogWarning("Recovery of {Directory} deleted {Count} segments after the damaged one", Directory, baseOffsets.Count - i - 1);
                }
                break;
            }
            if (segments.Count == 0)
            {
                var first = LogSegment.Create(_fs, Directory, 0, Config);
                segments.Add(first);
                recovered.Add(first);
                txnRebuild.Add(first);
            }
        }
        catch
        {
            foreach (var segment in segments) segment.Dispose();
            throw;
        }

        _segments = [.. segments];
        _logEndOffset = Active.NextOffset;
        _logStartOffset = _segments[0].BaseOffset;
        var now = NowMs();
        foreach (var segment in _segments) segment.LastModifiedMs = now;
        Active.RollJitterMs = RollJitter(Config);
        if (Active.FirstBatchMaxTimestamp() is { } firstTimestamp)
            Active.RollBaseTimeMs = firstTimestamp >= 0 && firstTimestamp <= now ? firstTimestamp : now;

        var rebuiltSealed = txnRebuild.Count(s => !recovered.Contains(s));
        if (rebuiltSealed > 0)
            _logger.LogWarning("Aborted-transaction indexes of {Count} segments of {Directory} are missing or corrupt; rebuilding them from the log",
                rebuiltSealed, Directory);
        LoadProducerState(snapshotOffsets, txnRebuild);
        foreach (var segment in txnRebuild)
        {
            // Sealed segments that kept their other indexes: only the rebuilt aborted-transaction index is written.
            if (!recovered.Contains(segment) && segment != Active) segment.WriteIndexes();
        }
        LoadLeaderEpochs();
        LoadLogStartOffset();
        LoadCleanerCheckpoint();

        if (recovered.Count > 0)
        {
            // Make recovered data durable (and sealed segments' rebuilt indexes) so the checkpoint may move past it.
            foreach (var segment in recovered)
            {
                if (segment == Active) segment.Flush();
                else segment.Seal();
            }
            WriteRecoveryCheckpoint(_logEndOffset);
        }
        // Otherwise the checkpoint on disk is the one read (a clean close wrote the log end).
        else _checkpointed = clean ? _logEndOffset : recoverFrom;
        _recoveryPoint = _logEndOffset;

        if (clean) _fs.DeleteFile(Path.Combine(Directory, LogFileNames.CleanShutdown));
        _fs.SyncDirectory(Directory);
    }

    /// <summary>
    /// Finishes what a crash interrupted before the segments are read: .deleted files (retention, replaced segments) are
    /// removed; .cleaned files (a compaction pass that never committed) are removed, rolling the pass back; a .log.swap
    /// (a committed compaction result) replaces every segment whose base offset falls in its offset range and takes its
    /// final name. Its index files are deleted so they are rebuilt: a crash between renames can leave an index of
    /// either generation under the final name. Returns the base offsets of the swapped-in segments.
    /// </summary>
    private HashSet<long> FinishInterruptedFileOperations(IReadOnlyList<string> names)
    {
        var swapped = new HashSet<long>();
        var logBases = new List<long>();
        var swapBases = new List<long>();
        var changed = false;
        foreach (var name in names)
        {
            if (name.EndsWith(LogFileNames.DeletedSuffix, StringComparison.Ordinal) || name.EndsWith(LogFileNames.CleanedSuffix, StringComparison.Ordinal))
            {
                _fs.DeleteFile(Path.Combine(Directory, name));
                changed = true;
            }
            else if (LogFileNames.TryParseOffset(name, LogFileNames.LogSuffix, out var offset)) logBases.Add(offset);
            else if (LogFileNames.TryParseOffset(name, LogFileNames.LogSuffix + LogFileNames.SwapSuffix, out offset)) swapBases.Add(offset);
        }
        swapBases.Sort();
        foreach (var swapBase in swapBases)
        {
            long next;
            using (var swap = LogSegment.OpenExisting(_fs, Directory, swapBase, Config, LogFileNames.SwapSuffix))
            {
                swap.Recover();
                next = swap.NextOffset;
            }
            var replaced = 0;
            foreach (var logBase in logBases)
            {
                if (logBase < swapBase || logBase >= Math.Max(next, swapBase + 1)) continue;
                DeleteSegmentFiles(logBase);
                replaced++;
            }
            foreach (var suffix in (ReadOnlySpan<string>)[LogFileNames.IndexSuffix, LogFileNames.TimeIndexSuffix, LogFileNames.TxnIndexSuffix])
            {
                var path = Path.Combine(Directory, LogFileNames.OffsetFileName(swapBase, suffix));
                _fs.DeleteFile(path + LogFileNames.SwapSuffix);
                _fs.DeleteFile(path);
            }
            var logPath = Path.Combine(Directory, LogFileNames.OffsetFileName(swapBase, LogFileNames.LogSuffix));
            _fs.MoveFile(logPath + LogFileNames.SwapSuffix, logPath);
            swapped.Add(swapBase);
            changed = true;
            _logger.LogInformation("Completed an interrupted compaction swap in {Directory}: segment {Base} replaced {Count} segments",
                Directory, swapBase, replaced);
        }
        foreach (var name in names)
        {
            // Index files staged for a swap whose log file never became .swap (the pass did not commit), or leftovers of
            // a swap completed above.
            if (name.EndsWith(LogFileNames.SwapSuffix, StringComparison.Ordinal)
                && !name.EndsWith(LogFileNames.LogSuffix + LogFileNames.SwapSuffix, StringComparison.Ordinal))
            {
                _fs.DeleteFile(Path.Combine(Directory, name));
                changed = true;
            }
        }
        if (changed) _fs.SyncDirectory(Directory);
        return swapped;
    }

    private void DeleteOrphanIndexes(IReadOnlyList<string> names, List<long> baseOffsets)
    {
        foreach (var name in names)
        {
            if ((LogFileNames.TryParseOffset(name, LogFileNames.IndexSuffix, out var offset)
                 || LogFileNames.TryParseOffset(name, LogFileNames.TimeIndexSuffix, out offset)
                 || LogFileNames.TryParseOffset(name, LogFileNames.TxnIndexSuffix, out offset))
                && baseOffsets.BinarySearch(offset) < 0)
                _fs.DeleteFile(Path.Combine(Directory, name));
        }
    }

    private void DeleteSegmentFiles(long baseOffset)
    {
        _fs.DeleteFile(Path.Combine(Directory, LogFileNames.OffsetFileName(baseOffset, LogFileNames.LogSuffix)));
        _fs.DeleteFile(Path.Combine(Directory, LogFileNames.OffsetFileName(baseOffset, LogFileNames.IndexSuffix)));
        _fs.DeleteFile(Path.Combine(Directory, LogFileNames.OffsetFileName(baseOffset, LogFileNames.TimeIndexSuffix)));
        _fs.DeleteFile(Path.Combine(Directory, LogFileNames.OffsetFileName(baseOffset, LogFileNames.TxnIndexSuffix)));
    }

    /// <summary>
    /// Latest usable snapshot, then the headers of every batch after it (no record decoding, except the one record of
    /// each transaction marker). The aborted-transaction entries of the segments in <paramref name="rebuildTxnIndexes"/>
    /// are recreated on the way; since an entry needs the producers' open transactions as they were before its
    /// marker, the replay then starts from a snapshot at or below the first such segment (or from the first segment).
    /// </summary>
    private void LoadProducerState(List<long> snapshotOffsets, IReadOnlySet<LogSegment> rebuildTxnIndexes)
    {
        ProducerState.SuspendPublishing();
        try
        {
            LoadProducerStateFrom(snapshotOffsets, rebuildTxnIndexes);
        }
        finally
        {
            ProducerState.ResumePublishing();
        }
    }

    private void LoadProducerStateFrom(List<long> snapshotOffsets, IReadOnlySet<LogSegment> rebuildTxnIndexes)
    {
        snapshotOffsets.Sort();
        ProducerState.Clear();
        // The first segment, not the log start: producer state is about batches, which may lie below a DeleteRecords start.
        var logStart = _segments[0].BaseOffset;
        var usableUpTo = _logEndOffset;
        foreach (var segment in rebuildTxnIndexes) usableUpTo = Math.Min(usableUpTo, segment.BaseOffset);
        var replayFrom = logStart;
        var loaded = false;
        for (var i = snapshotOffsets.Count - 1; i >= 0; i--)
        {
            var offset = snapshotOffsets[i];
            var path = SnapshotPath(offset);
            if (offset > _logEndOffset || offset < logStart)
            {
                // Taken past a tail that recovery cut off, or before the log start: it describes another history.
                _fs.DeleteFile(path);
                continue;
            }
            if (!loaded && offset <= usableUpTo)
            {
                var bytes = DurableFile.ReadAll(_fs, path);
                if (bytes is null || !ProducerState.TryLoadSnapshot(bytes))
                {
                    _logger.LogWarning("Producer snapshot {Path} is corrupt; ignoring it", path);
                    _fs.DeleteFile(path);
                    continue;
                }
                replayFrom = offset;
                loaded = true;
            }
            _snapshotOffsets.Insert(0, offset);
        }
        ReplayProducerBatches(replayFrom, rebuildTxnIndexes);
    }

    private void ReplayProducerBatches(long fromOffset, IReadOnlySet<LogSegment> rebuildTxnIndexes)
    {
        if (fromOffset >= _logEndOffset) return;
        var segments = _segments;
        for (var i = FloorSegmentIndex(segments, fromOffset); i < segments.Length; i++)
        {
            var segment = segments[i];
            var aborted = rebuildTxnIndexes.Contains(segment) ? _aborted : null;
            using var scanner = new BatchScanner(segment.Log, segment.OffsetIndex.Lookup(fromOffset).Position, segment.Size, ReplayBufferSize);
            while (scanner.MoveNext(wholeBatch: false) == ScanStatus.Batch)
            {
                if (scanner.Header.LastOffset < fromOffset) continue;
                EndTxnMarker? marker = null;
                if (scanner.Header.IsControl && scanner.Header.ProducerId >= 0)
                {
                    // The marker's type is in its record: read the (small) batch whole.
                    scanner.Seek(scanner.Position);
                    if (scanner.MoveNext(wholeBatch: true) != ScanStatus.Batch)
                        throw new IOException($"control batch at position {scanner.Position} of {segment.LogPath} cannot be read: {scanner.Problem}");
                    marker = EndTxnMarker.TryRead(scanner.Batch);
                }
                ProducerState.Replay(scanner.Header, marker, aborted);
                IndexAborted(segment);
            }
        }
    }

    private string SnapshotPath(long offset) => Path.Combine(Directory, LogFileNames.OffsetFileName(offset, LogFileNames.SnapshotSuffix));

    /// <summary>
    /// Snapshot of producer state covering every batch below <paramref name="offset"/>. Keeps the newest few, and also
    /// the newest at or below <paramref name="activeBaseOffset"/> (the active segment's base): after a crash the active
    /// segment's aborted-transaction index is rebuilt by a replay that must start there.
    /// </summary>
    private void WriteProducerSnapshot(long offset, long activeBaseOffset)
    {
        DurableFile.WriteAtomically(_fs, Directory, LogFileNames.OffsetFileName(offset, LogFileNames.SnapshotSuffix), ProducerState.SerializeSnapshot());
        if (!_snapshotOffsets.Contains(offset))
        {
            _snapshotOffsets.Add(offset);
            _snapshotOffsets.Sort();
        }
        var anchor = long.MinValue;
        foreach (var o in _snapshotOffsets)
        {
            if (o <= activeBaseOffset) anchor = o;
        }
        for (var i = _snapshotOffsets.Count - RetainedSnapshots - 1; i >= 0; i--)
        {
            if (_snapshotOffsets[i] == anchor) continue;
            _fs.DeleteFile(SnapshotPath(_snapshotOffsets[i]));
            _snapshotOffsets.RemoveAt(i);
        }
    }

    private void WriteRecoveryCheckpoint(long offset)
    {
        CheckpointFile.Write(_fs, Directory, LogFileNames.RecoveryPointCheckpoint, offset);
        Volatile.Write(ref _checkpointed, offset);
    }

    private long? ReadRecoveryCheckpoint() =>
        CheckpointFile.ReadSingle(_fs, Directory, LogFileNames.RecoveryPointCheckpoint, _logger, "Recovery checkpoint", "recovering every segment");
}
