using Brook.Protocol.Records;

namespace Brook.Raft.Storage;

/// <summary>
/// An <see cref="IRaftLog"/> in memory, for tests and the simulation. It models durability: batches appended since
/// the last <see cref="Flush"/> are lost by <see cref="Crash"/> with loseUnflushed, as a power cut loses the page cache.
/// Truncation and prefix deletion are durable at once, as on disk.
/// </summary>
public sealed class MemoryRaftLog : IRaftLog
{
    private readonly List<StoredBatch> _batches = [];
    private readonly List<EpochStart> _epochs = [];
    private long _start;
    private int _flushedCount;

    public long StartOffset => _start;
    public long EndOffset => _batches.Count > 0 ? _batches[^1].LastOffset + 1 : _start;
    public long FlushedEndOffset => _flushedCount > 0 ? _batches[_flushedCount - 1].LastOffset + 1 : _start;
    public IReadOnlyList<EpochStart> Epochs => _epochs;
    /// <summary>Number of <see cref="Flush"/> calls, for tests.</summary>
    public int FlushCount { get; private set; }

    public void Append(ReadOnlySpan<byte> batches)
    {
        var e = new RecordSetBatches(batches);
        var added = new List<StoredBatch>();
        var next = EndOffset;
        var lastEpoch = _epochs.Count > 0 ? _epochs[^1].Epoch : -1;
        while (e.MoveNext())
        {
            var header = new RecordBatchHeader(e.Current);
            if (header.BaseOffset != next) throw new ArgumentException($"batch at offset {header.BaseOffset} does not continue the log at {next}");
            if (header.PartitionLeaderEpoch < lastEpoch) throw new ArgumentException($"batch epoch {header.PartitionLeaderEpoch} is older than {lastEpoch}");
            if (header.Crc != RecordBatchHeader.ComputeCrc(e.Current)) throw new ArgumentException($"batch at offset {header.BaseOffset} fails its CRC");
            added.Add(new StoredBatch(header.BaseOffset, header.LastOffset, header.PartitionLeaderEpoch, e.Current.ToArray()));
            next = header.LastOffset + 1;
            lastEpoch = header.PartitionLeaderEpoch;
        }
        if (e.RemainingBytes != 0) throw new ArgumentException("the record set ends with a partial batch");
        foreach (var batch in added)
        {
            if (_epochs.Count == 0 || _epochs[^1].Epoch < batch.Epoch) _epochs.Add(new EpochStart(batch.Epoch, batch.BaseOffset));
            _batches.Add(batch);
        }
    }

    public ReadOnlyMemory<byte> Read(long offset, int maxBytes)
    {
        if (offset < _start || offset > EndOffset) throw new ArgumentOutOfRangeException(nameof(offset), offset, $"outside {_start}..{EndOffset}");
        var i = IndexOfBatchHolding(offset);
        if (i < 0) return ReadOnlyMemory<byte>.Empty;
        var size = 0;
        var end = i;
        while (end < _batches.Count && (end == i || size + _batches[end].Bytes.Length <= maxBytes)) size += _batches[end++].Bytes.Length;
        if (end == i + 1) return _batches[i].Bytes;
        var result = new byte[size];
        var p = 0;
        for (var j = i; j < end; j++)
        {
            _batches[j].Bytes.CopyTo(result, p);
            p += _batches[j].Bytes.Length;
        }
        return result;
    }

    public void TruncateTo(long offset)
    {
        if (offset >= EndOffset) return;
        if (offset < _start) throw new ArgumentOutOfRangeException(nameof(offset), offset, $"below the log start {_start}");
        var i = IndexOfBatchHolding(offset);
        if (_batches[i].BaseOffset != offset) throw new ArgumentException($"offset {offset} is inside the batch at {_batches[i].BaseOffset}");
        _batches.RemoveRange(i, _batches.Count - i);
        _flushedCount = Math.Min(_flushedCount, _batches.Count);
        _epochs.RemoveAll(x => x.StartOffset >= offset);
    }

    public void Flush()
    {
        _flushedCount = _batches.Count;
        FlushCount++;
    }

    public void TruncateFullyAndStartAt(long offset)
    {
        _batches.Clear();
        _epochs.Clear();
        _flushedCount = 0;
        _start = offset;
    }

    public void DeletePrefixBefore(long offset)
    {
        if (offset <= _start) return;
        if (offset >= EndOffset)
        {
            TruncateFullyAndStartAt(offset);
            return;
        }
        var i = IndexOfBatchHolding(offset);
        if (_batches[i].BaseOffset != offset) throw new ArgumentException($"offset {offset} is inside the batch at {_batches[i].BaseOffset}");
        _batches.RemoveRange(0, i);
        _flushedCount = Math.Max(0, _flushedCount - i);
        _start = offset;
        var inForce = _epochs.FindLastIndex(x => x.StartOffset <= offset);
        var epoch = _epochs[inForce].Epoch;
        _epochs.RemoveRange(0, inForce + 1);
        _epochs.Insert(0, new EpochStart(epoch, offset));
    }

    /// <summary>A simulated crash: with <paramref name="loseUnflushed"/> every batch appended since the last flush is gone.</summary>
    public void Crash(bool loseUnflushed)
    {
        if (!loseUnflushed || _flushedCount == _batches.Count) return;
        TruncateTo(_batches[_flushedCount].BaseOffset);
    }

    /// <summary>Every batch held, for checks: (base offset, last offset, epoch, bytes).</summary>
    public IReadOnlyList<StoredBatch> Batches => _batches;

    private int IndexOfBatchHolding(long offset)
    {
        int lo = 0, hi = _batches.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_batches[mid].LastOffset < offset) lo = mid + 1;
            else if (_batches[mid].BaseOffset > offset) hi = mid - 1;
            else return mid;
        }
        return -1;
    }
}
