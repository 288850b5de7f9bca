using System.Buffers.Binary;
using Brook.Protocol.Records;
using Brook.Storage.IO;
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
    /// segment are rebuilt from the log. Producer state comes from the latest snapshot plus the batch headers after it.
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
        try
        {
            for (var i = 0; i < baseOffsets.Count; i++)
            {
                var segment = LogSegment.OpenExisting(_fs, Directory, baseOffsets[i], Config);
                segments.Add(segment);
                var nextBase = i + 1 < baseOffsets.Count ? baseOffsets[i + 1] : long.MaxValue;
                var mustRecover = nextBase > recoverFrom;
                if (!mustRecover && segment.TryLoad()) continue;
                if (!mustRecover)
                    _logger.LogWarning("Index files of {Segment} are missing or corrupt; rebuilding them from the log", segment.LogPath);
                var (truncated, problem) = segment.Recover();
                recovered.Add(segment);
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
            }
        }
        catch
        {
            foreach (var segment in segments) segment.Dispose();
            throw;
        }

        _segments = [.. segments];
        _logEndOffset = Active.NextOffset;
        if (Active.FirstBatchMaxTimestamp() is { } firstTimestamp)
        {
            var now = NowMs();
            Active.RollBaseTimeMs = firstTimestamp >= 0 && firstTimestamp <= now ? firstTimestamp : now;
        }

        LoadProducerState(snapshotOffsets);
        LoadLeaderEpochs();

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
        _recoveryPoint = _logEndOffset;

        if (clean) _fs.DeleteFile(Path.Combine(Directory, LogFileNames.CleanShutdown));
        _fs.SyncDirectory(Directory);
    }

    private void DeleteOrphanIndexes(IReadOnlyList<string> names, List<long> baseOffsets)
    {
        foreach (var name in names)
        {
            if ((LogFileNames.TryParseOffset(name, LogFileNames.IndexSuffix, out var offset)
                 || LogFileNames.TryParseOffset(name, LogFileNames.TimeIndexSuffix, out offset))
                && baseOffsets.BinarySearch(offset) < 0)
                _fs.DeleteFile(Path.Combine(Directory, name));
        }
    }

    private void DeleteSegmentFiles(long baseOffset)
    {
        _fs.DeleteFile(Path.Combine(Directory, LogFileNames.OffsetFileName(baseOffset, LogFileNames.LogSuffix)));
        _fs.DeleteFile(Path.Combine(Directory, LogFileNames.OffsetFileName(baseOffset, LogFileNames.IndexSuffix)));
        _fs.DeleteFile(Path.Combine(Directory, LogFileNames.OffsetFileName(baseOffset, LogFileNames.TimeIndexSuffix)));
    }

    /// <summary>Latest usable snapshot, then the headers of every batch after it (no record decoding).</summary>
    private void LoadProducerState(List<long> snapshotOffsets)
    {
        snapshotOffsets.Sort();
        var logStart = LogStartOffset;
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
            if (!loaded)
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
        ReplayProducerBatches(replayFrom);
    }

    private void ReplayProducerBatches(long fromOffset)
    {
        if (fromOffset >= _logEndOffset) return;
        var segments = _segments;
        for (var i = FloorSegmentIndex(segments, fromOffset); i < segments.Length; i++)
        {
            var segment = segments[i];
            using var scanner = new BatchScanner(segment.Log, segment.OffsetIndex.Lookup(fromOffset).Position, segment.Size, ReplayBufferSize);
            while (scanner.MoveNext(wholeBatch: false) == ScanStatus.Batch)
            {
                var header = scanner.Header;
                if (header.LastOffset >= fromOffset) ProducerState.Replay(header);
            }
        }
    }

    private string SnapshotPath(long offset) => Path.Combine(Directory, LogFileNames.OffsetFileName(offset, LogFileNames.SnapshotSuffix));

    /// <summary>Snapshot of producer state covering every batch below <paramref name="offset"/>; keeps the newest few.</summary>
    private void WriteProducerSnapshot(long offset)
    {
        DurableFile.WriteAtomically(_fs, Directory, LogFileNames.OffsetFileName(offset, LogFileNames.SnapshotSuffix), ProducerState.SerializeSnapshot());
        if (!_snapshotOffsets.Contains(offset))
        {
            _snapshotOffsets.Add(offset);
            _snapshotOffsets.Sort();
        }
        while (_snapshotOffsets.Count > RetainedSnapshots)
        {
            _fs.DeleteFile(SnapshotPath(_snapshotOffsets[0]));
            _snapshotOffsets.RemoveAt(0);
        }
    }

    // Checkpoint file: the offset (int64) and a CRC-32C of it, big-endian.
    private void WriteRecoveryCheckpoint(long offset)
    {
        Span<byte> bytes = stackalloc byte[12];
        BinaryPrimitives.WriteInt64BigEndian(bytes, offset);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[8..], Crc32C.Compute(bytes[..8]));
        DurableFile.WriteAtomically(_fs, Directory, LogFileNames.RecoveryPointCheckpoint, bytes);
    }

    private long? ReadRecoveryCheckpoint()
    {
        var bytes = DurableFile.ReadAll(_fs, Path.Combine(Directory, LogFileNames.RecoveryPointCheckpoint));
        if (bytes is null) return null;
        if (bytes.Length == 12 && BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(8)) == Crc32C.Compute(bytes.AsSpan(0, 8)))
            return BinaryPrimitives.ReadInt64BigEndian(bytes);
        _logger.LogWarning("Recovery checkpoint of {Directory} is corrupt; recovering every segment", Directory);
        return null;
    }
}
