using Brook.Common;
using Brook.Protocol.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Storage;

// What replication needs beyond the leader path: the leader-epoch cache, appends that keep the leader's offsets, and
// truncation of a diverged tail.
public sealed partial class PartitionLog
{
    private const string LeaderEpochCheckpoint = "leader-epoch-checkpoint";

    private readonly LeaderEpochCache _epochs = new();
    /// <summary>Segments removed by truncation: their files are gone but readers may still hold them until close.</summary>
    private readonly List<LogSegment> _retired = [];

    /// <summary>The newest leader epoch in the log and the offset it starts at, if any.</summary>
    public (int Epoch, long StartOffset)? LatestLeaderEpoch => _epochs.Latest;

    /// <summary>Every (epoch, start offset) known, oldest first.</summary>
    public IReadOnlyList<(int Epoch, long StartOffset)> LeaderEpochs => _epochs.Entries;

    /// <summary>
    /// OffsetForLeaderEpoch: the largest epoch &lt;= <paramref name="requestedEpoch"/> in this log and the offset where
    /// the epoch after it starts (the log end offset for the latest epoch); (-1, -1) when the epoch is unknown or newer.
    /// </summary>
    public (int Epoch, long EndOffset) EndOffsetForEpoch(int requestedEpoch) => _epochs.EndOffsetFor(requestedEpoch, LogEndOffset);

    /// <summary>
    /// Marks the start of a new leader epoch at the current log end (on becoming leader, before any append, so
    /// OffsetForLeaderEpoch answers correctly right away). Ignored unless newer than the latest epoch.
    /// </summary>
    public void BeginLeaderEpoch(int epoch)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_epochs.Assign(epoch, _logEndOffset)) PersistEpochs();
        }
    }

    /// <summary>
    /// Appends batches fetched from the leader as they are: offsets, epochs and timestamps are kept (the first batch must
    /// start at or after <see cref="LogEndOffset"/>, offsets must increase), CRCs are verified, producer state and the
    /// leader-epoch cache follow the batches without checks.
    /// </summary>
    public AppendResult AppendAsFollower(ReadOnlySpan<byte> recordSet)
    {
        AppendResult result;
        bool flush;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            var config = Config;
            var logStart = LogStartOffset;
            var (error, message) = BatchInfo.Frame(recordSet, _logEndOffset, null, int.MaxValue, _batches, assignOffsets: false);
            if (error != ErrorCode.None) return AppendResult.Failed(error, message!, logStart);
            if (_batches.Count == 0) return new AppendResult(ErrorCode.None, -1, -1, -1, logStart, null, false);
            foreach (var b in _batches)
            {
                var batch = recordSet.Slice(b.Position, b.Size);
                if (new RecordBatchHeader(batch).Crc != RecordBatchHeader.ComputeCrc(batch))
                    return AppendResult.Failed(ErrorCode.CorruptMessage, $"batch at offset {b.BaseOffset} fails its CRC", logStart);
            }
            if (recordSet.Length > config.SegmentBytes)
                return AppendResult.Failed(ErrorCode.RecordListTooLarge,
                    $"record set of {recordSet.Length} bytes exceeds segment.bytes {config.SegmentBytes}", logStart);

            var firstOffset = _batches[0].BaseOffset;
            var lastOffset = _batches[^1].LastOffset;
            var nowMs = NowMs();
            var segment = Active;
            try
            {
                MaybeRoll(recordSet.Length, lastOffset, nowMs, config);
                segment = Active;
                var position = segment.Size;
                try
                {
                    segment.Append(recordSet, _batches);
                }
                catch (IOException)
                {
                    try { segment.Log.SetLength(position); }
                    catch (IOException) { }
                    throw;
                }
            }
            catch (IOException e)
            {
                return StorageError("appending as follower to " + segment.LogPath, e, logStart);
            }
            if (segment.RollBaseTimeMs < 0) segment.RollBaseTimeMs = nowMs;
            segment.LastModifiedMs = nowMs;
            var epochsChanged = false;
            foreach (var b in _batches)
            {
                ProducerState.Replay(b, _aborted);
                epochsChanged |= _epochs.Assign(b.PartitionLeaderEpoch, b.BaseOffset);
            }
            IndexAborted(segment);
            Volatile.Write(ref _logEndOffset, lastOffset + 1);
            if (epochsChanged) PersistEpochs();
            result = new AppendResult(ErrorCode.None, firstOffset, lastOffset, -1, logStart, null, false);
            flush = lastOffset + 1 - _recoveryPoint >= config.FlushIntervalMessages || nowMs - _lastFlushMs >= config.FlushIntervalMs;
        }
        if (flush) Flush();
        return result;
    }

    /// <summary>
    /// Removes every batch from the one holding <paramref name="offset"/> on (a follower's diverged tail), so the log end
    /// becomes that batch's base offset (<paramref name="offset"/> itself when it is a batch boundary, as the truncation
    /// points of replication are). Producer state is rebuilt and later leader epochs are forgotten. Readers racing with
    /// a truncation may fail to copy the removed bytes.
    /// </summary>
    public void TruncateTo(long offset)
    {
        lock (_flushLock)
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (offset >= _logEndOffset) return;
            var oldEnd = _logEndOffset;
            var segments = _segments;
            offset = Math.Max(offset, segments[0].BaseOffset);
            var keep = FloorSegmentIndex(segments, offset);
            if (keep < segments.Length - 1)
            {
                Volatile.Write(ref _segments, segments[..(keep + 1)]);
                for (var i = keep + 1; i < segments.Length; i++)
                {
                    _retired.Add(segments[i]);
                    DeleteSegmentFiles(segments[i].BaseOffset);
                }
            }
            var active = Active;
            active.TruncateTo(offset);
            // Unsynced, a cut could be undone by a crash and the diverged batches come back.
            active.Flush();
            Volatile.Write(ref _logEndOffset, active.NextOffset);
            if (_recoveryPoint > _logEndOffset) Volatile.Write(ref _recoveryPoint, _logEndOffset);
            // The kept segment may have been sealed; from now on it is the active one and must be recovered after a crash.
            WriteRecoveryCheckpoint(Math.Min(_recoveryPoint, active.BaseOffset));
            _fs.SyncDirectory(Directory);

            if (_logStartOffset > _logEndOffset)
            {
                Volatile.Write(ref _logStartOffset, Math.Max(_logEndOffset, _segments[0].BaseOffset));
                TryWriteLogStartCheckpoint(_logStartOffset);
            }
            OnTruncatedForCleaning();
            ReloadProducerState();
            if (_epochs.TruncateFromEnd(_logEndOffset)) PersistEpochs();
            _logger.LogInformation("Truncated {Directory} from log end {OldEnd} to {NewEnd}", Directory, oldEnd, _logEndOffset);
        }
    }

    /// <summary>
    /// Replaces the whole log by an empty one that starts at <paramref name="offset"/> (Kafka's truncateFullyAndStartAt):
    /// a replica that installed a snapshot of everything below it, which may lie beyond this log's end. Every segment,
    /// producer snapshot and leader epoch goes; the start and recovery checkpoints move to the offset. Durable on
    /// return. A crash part-way leaves either the old log or an empty one, and the caller (which holds the snapshot)
    /// repeats the call when it sees the log does not start at the snapshot's end.
    /// </summary>
    public void TruncateFullyAndStartAt(long offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        lock (_flushLock)
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            var oldEnd = _logEndOffset;
            foreach (var segment in _segments)
            {
                _retired.Add(segment);
                DeleteSegmentFiles(segment.BaseOffset);
            }
            foreach (var snapshot in _snapshotOffsets) _fs.DeleteFile(SnapshotPath(snapshot));
            _snapshotOffsets.Clear();
            var fresh = NewSegment(offset, Config);
            Volatile.Write(ref _segments, [fresh]);
            // Start before end, as retention publishes them: a reader that sees the new end sees the new start.
            WriteLogStartCheckpoint(offset);
            Volatile.Write(ref _logStartOffset, offset);
            Volatile.Write(ref _logEndOffset, offset);
            Volatile.Write(ref _recoveryPoint, offset);
            WriteRecoveryCheckpoint(offset);
            ProducerState.Clear();
            _epochs.Clear();
            PersistEpochs();
            OnTruncatedForCleaning();
            _fs.SyncDirectory(Directory);
            _logger.LogInformation("Replaced {Directory} (log end {OldEnd}) by an empty log starting at {Offset}", Directory, oldEnd, offset);
        }
    }

    /// <summary>Producer state after a truncation (the kept segments' aborted-transaction indexes were truncated with them).</summary>
    private void ReloadProducerState()
    {
        var offsets = new List<long>(_snapshotOffsets);
        _snapshotOffsets.Clear();
        LoadProducerState(offsets, new HashSet<LogSegment>());
    }

    private void PersistEpochs()
    {
        try
        {
            DurableFile.WriteAtomically(_fs, Directory, LeaderEpochCheckpoint, _epochs.Serialize());
        }
        catch (IOException e)
        {
            // The cache in memory stays right; a crash before the next successful write rebuilds it from the batches.
            _logger.LogError(e, "Writing the leader epoch checkpoint of {Directory} failed", Directory);
            _fs.DeleteFile(Path.Combine(Directory, LeaderEpochCheckpoint));
        }
    }

    /// <summary>Loads the leader-epoch checkpoint, or rebuilds it from the batches' PartitionLeaderEpoch if missing or corrupt.</summary>
    private void LoadLeaderEpochs()
    {
        var bytes = DurableFile.ReadAll(_fs, Path.Combine(Directory, LeaderEpochCheckpoint));
        if (bytes is not null && _epochs.TryLoad(bytes))
        {
            if (_epochs.TruncateFromEnd(_logEndOffset)) PersistEpochs();
            return;
        }
        if (bytes is not null) _logger.LogWarning("Leader epoch checkpoint of {Directory} is corrupt; rebuilding it from the log", Directory);
        _epochs.Clear();
        foreach (var segment in _segments)
        {
            using var scanner = new BatchScanner(segment.Log, 0, segment.Size, ReplayBufferSize);
            while (scanner.MoveNext(wholeBatch: false) == ScanStatus.Batch)
                _epochs.Assign(scanner.Header.PartitionLeaderEpoch, scanner.Header.BaseOffset);
        }
        // Written even when empty so a log with data is scanned once, not on every open; a new log has nothing to scan.
        if (_logEndOffset > LogStartOffset) PersistEpochs();
    }
}
