using Brook.Protocol.Records;
using Brook.Storage.Index;
using Brook.Storage.IO;

namespace Brook.Storage;

/// <summary>
/// One segment of a partition log: the <c>.log</c> file of whole record batches starting at <see cref="BaseOffset"/>,
/// its sparse offset and time indexes, its aborted-transaction index, and the running facts (size, next offset, largest timestamp) readers need.
/// Appends come from one thread at a time (the log's lock); readers use the published <see cref="Size"/> without locking.
/// </summary>
internal sealed class LogSegment : IDisposable
{
    private const int RecoveryReadBufferSize = 1 << 20;
    private const int TailReadBufferSize = 64 * 1024;

    private readonly ILogFileSystem _fs;
    private readonly LogConfig _config;
    private long _size;
    private long _nextOffset;
    private long _maxTimestamp = RecordBatchHeader.NoTimestamp;
    private long _offsetOfMaxTimestamp = -1;
    private int _bytesSinceLastIndexEntry;
    /// <summary>Appended to the four file names while the segment is staged (.cleaned, .swap) or leaving (.deleted).</summary>
    private string _suffix;

    private LogSegment(ILogFileSystem fs, string directory, long baseOffset, LogConfig config, bool create, string suffix)
    {
        _fs = fs;
        _config = config;
        _suffix = suffix;
        BaseOffset = baseOffset;
        LogPath = Path.Combine(directory, LogFileNames.OffsetFileName(baseOffset, LogFileNames.LogSuffix));
        IndexPath = Path.Combine(directory, LogFileNames.OffsetFileName(baseOffset, LogFileNames.IndexSuffix));
        TimeIndexPath = Path.Combine(directory, LogFileNames.OffsetFileName(baseOffset, LogFileNames.TimeIndexSuffix));
        TxnIndexPath = Path.Combine(directory, LogFileNames.OffsetFileName(baseOffset, LogFileNames.TxnIndexSuffix));
        OffsetIndex = new OffsetIndex(baseOffset, config.MaxOffsetIndexEntries);
        TimeIndex = new TimeIndex(baseOffset, config.MaxTimeIndexEntries);
        TxnIndex = new TransactionIndex(baseOffset);
        Log = fs.OpenFile(LogPath + suffix, createIfMissing: create);
        _nextOffset = baseOffset;
    }

    /// <summary>A new, empty segment (stale index files of the same name are removed).</summary>
    public static LogSegment Create(ILogFileSystem fs, string directory, long baseOffset, LogConfig config) =>
        Create(fs, directory, baseOffset, config, suffix: "");

    /// <summary>
    /// A new, empty segment whose files carry <paramref name="suffix"/> (a compacted segment being built); stale files of
    /// that name are replaced. <see cref="RenameFiles"/> later gives it its final names.
    /// </summary>
    public static LogSegment Create(ILogFileSystem fs, string directory, long baseOffset, LogConfig config, string suffix)
    {
        var segment = new LogSegment(fs, directory, baseOffset, config, create: true, suffix);
        if (segment.Log.Length != 0)
        {
            if (suffix.Length == 0)
            {
                segment.Dispose();
                throw new IOException($"cannot create segment {segment.LogPath}: a non-empty file is already there");
            }
            segment.Log.SetLength(0);
        }
        fs.DeleteFile(segment.IndexPath + suffix);
        fs.DeleteFile(segment.TimeIndexPath + suffix);
        fs.DeleteFile(segment.TxnIndexPath + suffix);
        segment.IndexesDirty = true;
        return segment;
    }

    /// <summary>An existing segment; call <see cref="TryLoad"/> or <see cref="Recover"/> next.</summary>
    public static LogSegment OpenExisting(ILogFileSystem fs, string directory, long baseOffset, LogConfig config, string suffix = "") =>
        new(fs, directory, baseOffset, config, create: false, suffix);

    public long BaseOffset { get; }
    public ILogFile Log { get; }
    public OffsetIndex OffsetIndex { get; }
    public TimeIndex TimeIndex { get; }
    /// <summary>The aborted transactions whose ABORT marker is in this segment.</summary>
    public TransactionIndex TxnIndex { get; }
    public string LogPath { get; }
    public string IndexPath { get; }
    public string TimeIndexPath { get; }
    public string TxnIndexPath { get; }

    /// <summary>Bytes of whole batches in the log file; everything below is readable.</summary>
    public long Size => Volatile.Read(ref _size);

    /// <summary>Offset after the segment's last batch (its base offset while empty).</summary>
    public long NextOffset => Volatile.Read(ref _nextOffset);

    /// <summary>Largest batch max-timestamp in the segment, -1 when none.</summary>
    public long MaxTimestamp => Volatile.Read(ref _maxTimestamp);

    /// <summary>Wall-clock time segment.ms counts from: the first append, or the first batch's timestamp for a reopened segment; -1 while empty.</summary>
    public long RollBaseTimeMs { get; set; } = -1;

    /// <summary>Wall-clock time of the last append (or of creation / opening): retention's age for a segment without timestamps.</summary>
    public long LastModifiedMs { get; set; }

    /// <summary>How much earlier than segment.ms this segment rolls on time (segment.jitter.ms, drawn when it is created).</summary>
    public long RollJitterMs { get; set; }

    /// <summary>The age retention.ms is measured against: the largest timestamp, or the last modification when there is none.</summary>
    public long LargestTimestampForRetention => MaxTimestamp >= 0 ? MaxTimestamp : LastModifiedMs;

    /// <summary>The in-memory indexes differ from the files.</summary>
    public bool IndexesDirty { get; private set; }

    public bool IsEmpty => Size == 0;

    /// <summary>Writes stamped batches at the end of the file and indexes them.</summary>
    public void Append(ReadOnlySpan<byte> records, List<BatchInfo> batches)
    {
        var start = _size;
        Log.Write(records, start);
        foreach (var b in batches) Track(b.BaseOffset, b.LastOffset, b.MaxTimestamp, start + b.Position, b.Size);
        Volatile.Write(ref _size, start + records.Length);
    }

    /// <summary>Records an ABORT marker just appended to this segment (the entry is persisted with the other indexes).</summary>
    public void AddAbortedTransaction(in AbortedTransaction entry)
    {
        TxnIndex.Append(entry);
        IndexesDirty = true;
    }

    /// <summary>Per-batch bookkeeping shared by appends and index rebuilds.</summary>
    private void Track(long baseOffset, long lastOffset, long maxTimestamp, long position, int size)
    {
        if (maxTimestamp > _maxTimestamp)
        {
            _offsetOfMaxTimestamp = baseOffset;
            Volatile.Write(ref _maxTimestamp, maxTimestamp);
        }
        // The first batch of a segment needs no entry: a lookup below every entry starts at position 0.
        if (_bytesSinceLastIndexEntry > _config.IndexIntervalBytes)
        {
            OffsetIndex.Append(baseOffset, checked((int)position));
            TimeIndex.MaybeAppend(_maxTimestamp, _offsetOfMaxTimestamp);
            _bytesSinceLastIndexEntry = 0;
            IndexesDirty = true;
        }
        _bytesSinceLastIndexEntry += size;
        Volatile.Write(ref _nextOffset, lastOffset + 1);
    }

    private void ResetState()
    {
        OffsetIndex.Clear();
        TimeIndex.Clear();
        TxnIndex.Clear();
        Volatile.Write(ref _size, 0);
        Volatile.Write(ref _nextOffset, BaseOffset);
        Volatile.Write(ref _maxTimestamp, RecordBatchHeader.NoTimestamp);
        _offsetOfMaxTimestamp = -1;
        _bytesSinceLastIndexEntry = 0;
    }

    /// <summary>
    /// Validates every batch (header sanity, increasing offsets, CRC-32C), rebuilds the offset and time indexes and
    /// truncates the file at the first batch that fails. The aborted-transaction index is left empty: its entries need
    /// producer state from before the segment, so the log rebuilds it. Returns the number of bytes cut off and why.
    /// </summary>
    public (long TruncatedBytes, string? Problem) Recover()
    {
        ResetState();
        var fileLength = Log.Length;
        string? problem = null;
        using (var scanner = new BatchScanner(Log, 0, fileLength, (int)Math.Min(RecoveryReadBufferSize, Math.Max(fileLength, RecordBatchHeader.Size))))
        {
            var expected = BaseOffset;
            while (true)
            {
                var status = scanner.MoveNext(wholeBatch: true);
                if (status == ScanStatus.End) break;
                if (status != ScanStatus.Batch)
                {
                    problem = scanner.Problem;
                    break;
                }
                var header = scanner.Header;
                if (header.BaseOffset < expected || header.LastOffsetDelta < 0 || header.LastOffset - BaseOffset > int.MaxValue)
                {
                    problem = $"batch at position {scanner.Position} has offsets {header.BaseOffset}..{header.LastOffset}, expected from {expected}";
                    break;
                }
                var crc = RecordBatchHeader.ComputeCrc(scanner.Batch);
                if (crc != header.Crc)
                {
                    problem = $"batch at offset {header.BaseOffset} (position {scanner.Position}) has CRC {header.Crc:x8}, computed {crc:x8}";
                    break;
                }
                Track(header.BaseOffset, header.LastOffset, header.MaxTimestamp, scanner.Position, scanner.Size);
                expected = header.LastOffset + 1;
            }
            var valid = scanner.Position;
            if (valid < fileLength) Log.SetLength(valid);
            Volatile.Write(ref _size, valid);
            IndexesDirty = true;
            return (fileLength - valid, problem);
        }
    }

    /// <summary>
    /// Loads the persisted indexes of a segment that needs no recovery and finds its end by walking the few batches
    /// after the last offset-index entry. False when an index file is missing or not sane, or the tail does not parse:
    /// the caller then recovers (and so rebuilds) the segment.
    /// </summary>
    public bool TryLoad()
    {
        ResetState();
        var length = Log.Length;
        if (!OffsetIndex.TryLoad(_fs, IndexPath, length) || !TimeIndex.TryLoad(_fs, TimeIndexPath))
        {
            ResetState();
            return false;
        }
        Volatile.Write(ref _size, length);
        if (RebuildTail()) return true;
        ResetState();
        return false;
    }

    /// <summary>
    /// Loads the persisted aborted-transaction index (after <see cref="TryLoad"/>); false when the file is missing or not
    /// sane, and the log must rebuild it. Sealed segments always have the file, empty when they hold no ABORT marker.
    /// </summary>
    public bool TryLoadTxnIndex()
    {
        if (TxnIndex.TryLoad(_fs, TxnIndexPath + _suffix, NextOffset)) return true;
        IndexesDirty = true; // the rebuilt index must reach the file even when it stays empty
        return false;
    }

    /// <summary>
    /// Re-derives next offset, largest timestamp and index spacing from the (trusted) indexes plus a walk over the batches
    /// after the last offset-index entry, up to <see cref="Size"/>. False if those batches do not parse or do not agree
    /// with the indexes.
    /// </summary>
    private bool RebuildTail()
    {
        Volatile.Write(ref _maxTimestamp, RecordBatchHeader.NoTimestamp);
        _offsetOfMaxTimestamp = -1;
        _bytesSinceLastIndexEntry = 0;
        Volatile.Write(ref _nextOffset, BaseOffset);
        if (TimeIndex.Last is { } lastTime)
        {
            Volatile.Write(ref _maxTimestamp, lastTime.Timestamp);
            _offsetOfMaxTimestamp = lastTime.Offset;
        }
        var lastEntry = OffsetIndex.Last;
        using var scanner = new BatchScanner(Log, lastEntry?.Position ?? 0, Size, TailReadBufferSize);
        var expected = lastEntry?.Offset ?? BaseOffset;
        var first = true;
        while (true)
        {
            var status = scanner.MoveNext(wholeBatch: false);
            if (status == ScanStatus.End) break;
            if (status != ScanStatus.Batch) return false;
            var header = scanner.Header;
            if (header.BaseOffset < expected || header.LastOffsetDelta < 0) return false;
            if (first && lastEntry is { } entry)
            {
                // The indexed batch itself: it must be where the index says, and it is already indexed.
                if (header.BaseOffset != entry.Offset) return false;
                if (header.MaxTimestamp > _maxTimestamp)
                {
                    Volatile.Write(ref _maxTimestamp, header.MaxTimestamp);
                    _offsetOfMaxTimestamp = header.BaseOffset;
                }
                _bytesSinceLastIndexEntry = scanner.Size;
                Volatile.Write(ref _nextOffset, header.LastOffset + 1);
            }
            else
            {
                Track(header.BaseOffset, header.LastOffset, header.MaxTimestamp, scanner.Position, scanner.Size);
            }
            first = false;
            expected = header.LastOffset + 1;
        }
        if (first && lastEntry is not null) return false; // the index points at or past the end
        return TimeIndex.Last is not { } t || t.Offset < NextOffset;
    }

    /// <summary>
    /// Removes the batch holding <paramref name="offset"/> and every later one (follower truncation). Returns the bytes
    /// removed; <see cref="NextOffset"/> is then the base offset of the first removed batch.
    /// </summary>
    public long TruncateTo(long offset)
    {
        var size = Size;
        long cut = -1, cutBaseOffset = -1;
        using (var scanner = new BatchScanner(Log, OffsetIndex.Lookup(offset).Position, size, TailReadBufferSize))
        {
            while (scanner.MoveNext(wholeBatch: false) == ScanStatus.Batch)
            {
                if (scanner.Header.LastOffset < offset) continue;
                cut = scanner.Position;
                cutBaseOffset = scanner.Header.BaseOffset;
                break;
            }
        }
        if (cut < 0) return 0;
        OffsetIndex.TruncateToPosition(cut);
        TimeIndex.TruncateToOffset(cutBaseOffset);
        TxnIndex.TruncateTo(cutBaseOffset);
        Volatile.Write(ref _size, cut);
        Log.SetLength(cut);
        IndexesDirty = true;
        if (!RebuildTail()) throw new IOException($"segment {LogPath} does not parse after truncation to {offset}");
        if (cut == 0) RollBaseTimeMs = -1;
        return size - cut;
    }

    /// <summary>MaxTimestamp of the first batch, or null when the segment is empty.</summary>
    public long? FirstBatchMaxTimestamp()
    {
        if (Size < RecordBatchHeader.Size) return null;
        Span<byte> header = stackalloc byte[RecordBatchHeader.Size];
        DurableFile.ReadFully(Log, header, 0);
        return new RecordBatchHeader(header).MaxTimestamp;
    }

    public void WriteIndexes()
    {
        OffsetIndex.WriteTo(_fs, IndexPath + _suffix);
        TimeIndex.WriteTo(_fs, TimeIndexPath + _suffix);
        TxnIndex.WriteTo(_fs, TxnIndexPath + _suffix);
        IndexesDirty = false;
    }

    /// <summary>
    /// Makes the segment complete on disk, for a roll or a clean close: the last largest timestamp gets its time-index
    /// entry, index files are written, bytes of a failed write beyond <see cref="Size"/> are cut, and all is fsynced.
    /// </summary>
    public void Seal()
    {
        Complete();
        Log.Flush();
    }

    /// <summary>
    /// <see cref="Seal"/> without its fsync, for a roll: the segment is complete and takes no more appends; its fsync
    /// follows off the append path (<see cref="Flush"/>).
    /// </summary>
    public void Complete()
    {
        var entries = TimeIndex.Count;
        TimeIndex.MaybeAppend(_maxTimestamp, _offsetOfMaxTimestamp);
        if (TimeIndex.Count != entries) IndexesDirty = true;
        if (IndexesDirty) WriteIndexes();
        if (Log.Length > Size) Log.SetLength(Size);
    }

    /// <summary>fsync of the log file (indexes are rebuilt after a crash, so they need not be synced here).</summary>
    public void Flush() => Log.Flush();

    public void Dispose() => Log.Dispose();

    /// <summary>Closes the log file and removes the four files under their current names.</summary>
    public void DeleteFiles()
    {
        Log.Dispose();
        _fs.DeleteFile(LogPath + _suffix);
        _fs.DeleteFile(IndexPath + _suffix);
        _fs.DeleteFile(TimeIndexPath + _suffix);
        _fs.DeleteFile(TxnIndexPath + _suffix);
    }

    /// <summary>
    /// Renames the files from their current suffix to <paramref name="suffix"/> ("" = the final names), index files
    /// first so that the log file's name is always the last to change (an open judges a staged segment by it). The open
    /// handle stays valid, so readers holding it are not disturbed. The directory is not synced here.
    /// </summary>
    public void RenameFiles(string suffix)
    {
        if (suffix == _suffix) return;
        foreach (var path in (ReadOnlySpan<string>)[IndexPath, TimeIndexPath, TxnIndexPath])
        {
            if (_fs.FileExists(path + _suffix)) _fs.MoveFile(path + _suffix, path + suffix);
            else _fs.DeleteFile(path + suffix);
        }
        _fs.MoveFile(LogPath + _suffix, LogPath + suffix);
        _suffix = suffix;
    }
}
