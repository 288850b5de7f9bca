using Brook.Common;
using Brook.Protocol.Records;
using Brook.Protocol.Records.Compression;

namespace Brook.Storage.Compaction;

/// <summary>
/// One compaction pass over one log (the work behind <see cref="LogCleaner.Clean"/>), with its own buffers so passes over
/// different logs can run in parallel.
/// </summary>
internal sealed class CompactionPass : IDisposable
{
    private readonly PartitionLog _log;
    private readonly CleaningView _view;
    private readonly LogConfig _config;
    private readonly long _nowMs;
    private readonly LogCleanerOptions _options;
    private readonly KeyOffsetMap _map;
    private readonly PooledBufferWriter _decompressed = new(64 * 1024);
    private readonly PooledBufferWriter _output;
    private readonly RetainedBatchWriter _writer = new();
    private readonly List<BatchInfo> _batches = [];
    /// <summary>Position and length, in the records section, of each record the current batch keeps.</summary>
    private readonly List<(int Start, int Length)> _retained = [];
    private Dictionary<long, long> _producerLastOffsets = [];
    /// <summary>Per producer id, the offset ranges (first batch to ABORT marker) of its aborted transactions in the cleanable range.</summary>
    private readonly Dictionary<long, List<(long First, long Last)>> _aborted = [];
    private long _endOffset;
    private long _earliestHorizon = long.MaxValue;
    private long _dirtyBytesMapped, _bytesRead, _bytesWritten, _kept, _removed, _tombstonesRemoved;
    private int _segmentsRead, _segmentsWritten;

    public CompactionPass(PartitionLog log, CleaningView view, long nowMs, LogCleanerOptions options)
    {
        _log = log;
        _view = view;
        _config = view.Config;
        _nowMs = nowMs;
        _options = options;
        _map = new KeyOffsetMap(options.MaxKeysPerPass);
        _output = new PooledBufferWriter(Math.Max(4096, options.WriteBufferBytes));
    }

    /// <summary>Tombstones kept by this pass (and not yet stamped) get this horizon.</summary>
    private long NewDeleteHorizon => _config.DeleteRetentionMs >= long.MaxValue - _nowMs ? long.MaxValue : _nowMs + _config.DeleteRetentionMs;

    public LogCleanResult Run(long firstDirty, long firstUncleanable)
    {
        // Every transaction below the first uncleanable offset has ended, so its marker is in the log and an abort in the index.
        foreach (var txn in _log.CollectAbortedTransactionEntries(_view.Segments[0].BaseOffset, firstUncleanable) ?? [])
        {
            if (!_aborted.TryGetValue(txn.ProducerId, out var ranges)) _aborted[txn.ProducerId] = ranges = [];
            ranges.Add((txn.FirstOffset, txn.LastOffset));
        }
        try
        {
            _endOffset = BuildOffsetMap(firstDirty, firstUncleanable);
        }
        catch (Exception e) when (IsReadFailure(e))
        {
            return Result(LogCleanOutcome.Aborted, "reading the dirty range failed: " + e.Message, firstDirty);
        }

        _producerLastOffsets = _log.ProducerState.LastDataOffsets();
        var maxBytes = Math.Min(_config.SegmentBytes, int.MaxValue / 2);
        var group = new List<LogSegment>();
        var sizes = new List<long>();
        LogSegment? cleaned = null;
        try
        {
            foreach (var source in SegmentsToRewrite())
            {
                var size = source.Size;
                // Kafka groups segments by their sizes before cleaning; grouping by what the group has become so far
                // (plus all of the next segment, in case it keeps everything) merges already compacted logs in one pass.
                if (cleaned is not null
                    && (cleaned.Size + _output.WrittenCount + size > maxBytes || source.NextOffset - 1 - cleaned.BaseOffset > int.MaxValue))
                {
                    var swapped = FinishGroup(cleaned, group, sizes);
                    cleaned = null;
                    if (!swapped) return Abort("the log changed during the pass (retention, truncation or close)", firstDirty);
                }
                cleaned ??= _log.CreateCleanedSegment(source.BaseOffset, _config);
                group.Add(source);
                sizes.Add(size);
                // Markers are all kept with their offsets, so the index entries (which live with their marker) carry over.
                foreach (var entry in source.TxnIndex.Entries) cleaned.AddAbortedTransaction(entry);
                CleanSegmentInto(source, size, cleaned);
            }
            if (cleaned is not null)
            {
                var swapped = FinishGroup(cleaned, group, sizes);
                cleaned = null;
                if (!swapped) return Abort("the log changed during the pass (retention, truncation or close)", firstDirty);
            }
        }
        catch (Exception e) when (IsReadFailure(e))
        {
            cleaned?.DeleteFiles();
            return Abort("rewriting segments failed: " + e.Message, firstDirty);
        }
        _log.CompleteCleaning(_endOffset, _earliestHorizon);
        return Result(LogCleanOutcome.Cleaned, null, firstDirty);
    }

    /// <summary>
    /// Seals the compacted segment built from <paramref name="group"/> and swaps it in; false (its files removed) when
    /// the log no longer holds the group as it was read.
    /// </summary>
    private bool FinishGroup(LogSegment cleaned, List<LogSegment> group, List<long> sizes)
    {
        try
        {
            WriteOut(cleaned);
            cleaned.LastModifiedMs = group[^1].LastModifiedMs;
            cleaned.Seal();
            if (!_log.ReplaceSegments([.. group], [.. sizes], cleaned))
            {
                cleaned.DeleteFiles();
                return false;
            }
        }
        catch
        {
            cleaned.DeleteFiles();
            throw;
        }
        _segmentsRead += group.Count;
        _segmentsWritten++;
        group.Clear();
        sizes.Clear();
        return true;
    }

    private LogCleanResult Abort(string reason, long firstDirty)
    {
        // Groups swapped before the failure hold tombstones with horizons of their own.
        _log.NoteDeleteHorizon(_earliestHorizon);
        return Result(LogCleanOutcome.Aborted, reason, firstDirty);
    }

    private LogCleanResult Result(LogCleanOutcome outcome, string? reason, long firstDirty) =>
        new(outcome, reason, firstDirty, _endOffset, _dirtyBytesMapped, _bytesRead, _bytesWritten, _kept, _removed, _tombstonesRemoved,
            _segmentsRead, _segmentsWritten, TimeSpan.Zero);

    private static bool IsReadFailure(Exception e) =>
        e is IOException or ObjectDisposedException or InvalidDataException or NotSupportedException;

    /// <summary>
    /// Maps every keyed record of [<paramref name="firstDirty"/>, <paramref name="firstUncleanable"/>) to its latest offset,
    /// batch by batch, and returns where the mapping ended: <paramref name="firstUncleanable"/>, or the base offset of the
    /// first batch that did not fit in the map (only whole batches are mapped, so everything below the returned offset is).
    /// </summary>
    private long BuildOffsetMap(long firstDirty, long firstUncleanable)
    {
        var segments = _view.Segments;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var segment = segments[i];
            if (segment.BaseOffset >= firstUncleanable) break;
            if (segments[i + 1].BaseOffset <= firstDirty) continue;
            using var scanner = new BatchScanner(segment.Log, segment.OffsetIndex.Lookup(firstDirty).Position, segment.Size, _options.ReadBufferBytes);
            ScanStatus status;
            while ((status = scanner.MoveNext(wholeBatch: true)) == ScanStatus.Batch)
            {
                var header = scanner.Header;
                if (header.LastOffset < firstDirty) continue;
                if (header.BaseOffset >= firstUncleanable) return firstUncleanable; // the high watermark may end it mid-segment
                // A first batch larger than the whole map is still mapped, so that every pass makes progress.
                if (_map.Count > 0 && _map.Count + header.RecordCount > _map.Capacity) return header.BaseOffset;
                _dirtyBytesMapped += scanner.Size;
                // An aborted record never happened for read_committed consumers: it must not replace an earlier value.
                if (header.IsControl || IsAborted(header)) continue;
                foreach (var record in Records(scanner.Batch))
                {
                    if (record.Offset >= firstDirty && !record.IsKeyNull) _map.Put(record.Key, record.Offset);
                }
            }
            if (status != ScanStatus.End) throw new InvalidDataException($"segment {segment.LogPath} does not parse: {scanner.Problem}");
        }
        return firstUncleanable;
    }

    /// <summary>The closed segments that hold offsets below the mapped end, except those wholly below the log start.</summary>
    private List<LogSegment> SegmentsToRewrite()
    {
        var segments = _view.Segments;
        var list = new List<LogSegment>();
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (segments[i].BaseOffset >= _endOffset) break;
            if (segments[i + 1].BaseOffset > _view.LogStartOffset) list.Add(segments[i]);
        }
        return list;
    }

    private void CleanSegmentInto(LogSegment source, long size, LogSegment cleaned)
    {
        using var scanner = new BatchScanner(source.Log, 0, size, _options.ReadBufferBytes);
        ScanStatus status;
        while ((status = scanner.MoveNext(wholeBatch: true)) == ScanStatus.Batch)
        {
            _bytesRead += scanner.Size;
            FilterBatch(scanner.Batch);
            if (_output.WrittenCount >= _options.WriteBufferBytes) WriteOut(cleaned);
        }
        if (status != ScanStatus.End) throw new InvalidDataException($"segment {source.LogPath} does not parse: {scanner.Problem}");
    }

    /// <summary>Appends what the output buffer gathered to the compacted segment (which indexes it as it goes).</summary>
    private void WriteOut(LogSegment cleaned)
    {
        if (_output.WrittenCount == 0) return;
        var (error, message) = BatchInfo.Frame(_output.WrittenSpan, cleaned.NextOffset, null, int.MaxValue, _batches, assignOffsets: false);
        if (error != ErrorCode.None) throw new InvalidDataException("compacted batches do not frame: " + message);
        cleaned.Append(_output.WrittenSpan, _batches);
        _bytesWritten += _output.WrittenCount;
        _output.Reset();
    }

    /// <summary>
    /// Writes what one batch keeps: the batch as it is when it keeps every record and needs no new delete horizon (also
    /// control batches and batches past the mapped end), nothing when it keeps none (but an empty batch when it is its
    /// producer's latest, which keeps the producer's sequence in the log), else a re-encoded batch. A batch of an
    /// aborted transaction keeps no record.
    /// </summary>
    private void FilterBatch(ReadOnlySpan<byte> batch)
    {
        var header = new RecordBatchHeader(batch);
        if (header.IsControl || header.BaseOffset >= _endOffset)
        {
            if (!header.IsControl) _kept += header.RecordCount;
            Copy(batch);
            return;
        }
        if (IsAborted(header))
        {
            _removed += header.RecordCount;
            KeepEmptyIfProducersLatest(batch, header);
            return;
        }

        var hasHorizon = (header.Attributes & RecordBatchHeader.DeleteHorizonBit) != 0;
        var section = Section(batch);
        _retained.Clear();
        var keptTombstone = false;
        var maxTimestamp = RecordBatchHeader.NoTimestamp;
        var position = 0;
        foreach (var record in new RecordReader(section, header.RecordCount, header.BaseOffset, header.BaseTimestamp))
        {
            if (Retain(record, hasHorizon, header.BaseTimestamp))
            {
                _retained.Add((position, record.SizeInBytes));
                keptTombstone |= record.IsValueNull;
                maxTimestamp = Math.Max(maxTimestamp, record.Timestamp);
            }
            else
            {
                _removed++;
                if (record.IsValueNull && !record.IsKeyNull) _tombstonesRemoved++;
            }
            position += record.SizeInBytes;
        }
        _kept += _retained.Count;

        // KIP-534: a batch keeping tombstones carries their delete horizon (attribute bit 6, BaseTimestamp = horizon),
        // set by the first pass that keeps them; a later pass past the horizon drops them.
        var stampHorizon = keptTombstone && !hasHorizon;
        var horizon = hasHorizon ? header.BaseTimestamp : NewDeleteHorizon;
        if (keptTombstone) _earliestHorizon = Math.Min(_earliestHorizon, horizon);

        if (_retained.Count == header.RecordCount && !stampHorizon)
        {
            Copy(batch);
            return;
        }
        _writer.Reset();
        if (_retained.Count == 0)
        {
            KeepEmptyIfProducersLatest(batch, header);
            return;
        }
        if (stampHorizon)
        {
            // Record timestamps are deltas from BaseTimestamp, which becomes the horizon: re-encode them against it.
            var next = 0;
            position = 0;
            foreach (var record in new RecordReader(section, header.RecordCount, header.BaseOffset, header.BaseTimestamp))
            {
                if (next < _retained.Count && _retained[next].Start == position)
                {
                    _writer.AddRebased(record, horizon);
                    next++;
                }
                position += record.SizeInBytes;
            }
        }
        else
        {
            foreach (var (start, length) in _retained) _writer.AddEncoded(section.Slice(start, length));
        }
        // LogAppendTime batches keep their append time; CreateTime ones get the largest timestamp they still hold.
        var max = header.IsLogAppendTime ? header.MaxTimestamp : maxTimestamp;
        _writer.Write(_output, batch, stampHorizon ? horizon : header.BaseTimestamp, max, deleteHorizon: stampHorizon);
    }

    /// <summary>A batch that keeps no record still leaves its header behind when it is its producer's latest (the sequence survives).</summary>
    private void KeepEmptyIfProducersLatest(ReadOnlySpan<byte> batch, RecordBatchHeader header)
    {
        if (header.ProducerId < 0 || !_producerLastOffsets.TryGetValue(header.ProducerId, out var last) || last != header.LastOffset) return;
        _writer.Reset();
        _writer.Write(_output, batch, header.MaxTimestamp, header.MaxTimestamp, deleteHorizon: false);
    }

    /// <summary>Whether a data batch belongs to an aborted transaction: its producer's, spanning the batch's offsets.</summary>
    private bool IsAborted(RecordBatchHeader header)
    {
        if (!header.IsTransactional || header.IsControl || !_aborted.TryGetValue(header.ProducerId, out var ranges)) return false;
        foreach (var (first, last) in ranges)
        {
            if (header.BaseOffset >= first && header.BaseOffset <= last) return true;
        }
        return false;
    }

    /// <summary>Kafka's rule: a keyed record stays if no later record of its key is in the map, and a tombstone only until its horizon.</summary>
    private bool Retain(in RecordView record, bool hasHorizon, long horizon)
    {
        if (record.IsKeyNull) return false; // a compacted log cannot hold keyless records; Kafka's cleaner drops them
        if (_map.TryGetLatest(record.Key, out var latest) && record.Offset < latest) return false;
        if (!record.IsValueNull) return true;
        return !hasHorizon || _nowMs < horizon;
    }

    private void Copy(ReadOnlySpan<byte> batch)
    {
        batch.CopyTo(_output.GetSpan(batch.Length));
        _output.Advance(batch.Length);
    }

    /// <summary>The batch's records section, decompressed into the pass's scratch buffer when needed.</summary>
    private ReadOnlySpan<byte> Section(ReadOnlySpan<byte> batch)
    {
        var header = new RecordBatchHeader(batch);
        var section = batch[RecordBatchHeader.Size..header.TotalSize];
        if (header.Compression == CompressionType.None) return section;
        _decompressed.Reset();
        CompressionCodecs.Decompress(header.Compression, section, _decompressed);
        return _decompressed.WrittenSpan;
    }

    private RecordReader Records(ReadOnlySpan<byte> batch)
    {
        var header = new RecordBatchHeader(batch);
        return new RecordReader(Section(batch), header.RecordCount, header.BaseOffset, header.BaseTimestamp);
    }

    public void Dispose()
    {
        _decompressed.Dispose();
        _output.Dispose();
        _writer.Dispose();
    }
}
