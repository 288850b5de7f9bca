using System.Buffers.Binary;
using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Storage.Producers;

/// <summary>
/// Idempotent-producer bookkeeping of one partition: per producer id the epoch and the last 5 batches, used to fence
/// stale epochs, reject sequence gaps and answer retried batches with their original offsets instead of appending them
/// twice. Mutated only under the owning <see cref="PartitionLog"/>'s lock; the public views take that lock too.
/// Survives restarts through snapshot files (<c>&lt;offset&gt;.snapshot</c>) plus a replay of batch headers after them.
/// </summary>
public sealed class ProducerStateManager
{
    /// <summary>Batches remembered per producer: clients keep at most 5 requests in flight with idempotence on.</summary>
    public const int RetainedBatches = 5;

    private readonly Dictionary<long, ProducerStateEntry> _producers = [];
    private readonly Lock _sync;

    internal ProducerStateManager(Lock sync) => _sync = sync;

    public int Count
    {
        get
        {
            lock (_sync) return _producers.Count;
        }
    }

    /// <summary>A copy of every known producer's state (epoch, last sequence or -1, timestamp of its last batch).</summary>
    public IEnumerable<(long ProducerId, short Epoch, int LastSequence, long LastTimestamp)> Producers
    {
        get
        {
            lock (_sync)
            {
                var list = new List<(long, short, int, long)>(_producers.Count);
                foreach (var e in _producers.Values) list.Add((e.ProducerId, e.Epoch, e.LastSequence, e.LastTimestamp));
                return list;
            }
        }
    }

    public bool TryGetProducer(long producerId, out (short Epoch, int LastSequence, long LastOffset, long LastTimestamp) state)
    {
        lock (_sync)
        {
            if (_producers.TryGetValue(producerId, out var e))
            {
                state = (e.Epoch, e.LastSequence, e.LastOffset, e.LastTimestamp);
                return true;
            }
        }
        state = default;
        return false;
    }

    /// <summary>
    /// Checks the producer batches of one append against the current state, as Kafka's leader does, without changing
    /// it: the accepted updates are collected in <paramref name="pending"/> for <see cref="Commit"/> once the bytes are
    /// written. Batches of one append see the pending updates of earlier batches of the same producer.
    /// </summary>
    internal ProducerCheck Check(List<BatchInfo> batches, List<PendingProducerBatch> pending)
    {
        pending.Clear();
        foreach (var b in batches)
        {
            if (b.ProducerId < 0) continue;
            _producers.TryGetValue(b.ProducerId, out var stored);
            var (known, currentEpoch, lastSequence) = EffectiveState(stored, b.ProducerId, pending);

            if (known && b.ProducerEpoch < currentEpoch)
                return ProducerCheck.Fail(ErrorCode.InvalidProducerEpoch,
                    $"producer {b.ProducerId} epoch {b.ProducerEpoch} is older than the current epoch {currentEpoch}");

            var meta = new BatchMetadata(b.BaseSequence, b.LastSequence, b.BaseOffset, b.LastOffset, b.MaxTimestamp);
            if (b.IsControl)
            {
                // Transaction markers carry no sequence; they only move the epoch forward.
                pending.Add(new PendingProducerBatch(b.ProducerId, b.ProducerEpoch, true, meta));
                continue;
            }

            // Retries are recognised against what is already in the log, as Kafka does.
            if (stored is not null && stored.Epoch == b.ProducerEpoch && stored.TryFindBatch(b.BaseSequence, b.LastSequence, out var original))
                return ProducerCheck.DuplicateOf(original);

            if (known && currentEpoch != RecordBatchHeader.NoProducerEpoch)
            {
                if (b.ProducerEpoch != currentEpoch)
                {
                    // A bumped epoch restarts the sequence.
                    if (b.BaseSequence != 0)
                        return ProducerCheck.Fail(ErrorCode.OutOfOrderSequenceNumber,
                            $"producer {b.ProducerId} started epoch {b.ProducerEpoch} at sequence {b.BaseSequence}, expected 0");
                }
                else if (b.BaseSequence != NextSequence(lastSequence))
                {
                    return ProducerCheck.Fail(ErrorCode.OutOfOrderSequenceNumber,
                        $"producer {b.ProducerId} epoch {b.ProducerEpoch} sent sequence {b.BaseSequence}, expected {NextSequence(lastSequence)}");
                }
            }
            // An unknown producer (never seen, or its state is gone) is accepted at any sequence.
            pending.Add(new PendingProducerBatch(b.ProducerId, b.ProducerEpoch, false, meta));
        }
        return default;
    }

    /// <summary>Applies the updates accepted by <see cref="Check"/> (after the batches were written).</summary>
    internal void Commit(List<PendingProducerBatch> pending)
    {
        foreach (var p in pending) Apply(p.ProducerId, p.Epoch, p.IsControl, p.Batch);
        pending.Clear();
    }

    /// <summary>Replays a batch found in the log (recovery): no checks, the log is the truth.</summary>
    internal void Replay(RecordBatchHeader header)
    {
        if (header.ProducerId < 0) return;
        Apply(header.ProducerId, header.ProducerEpoch, header.IsControl,
            new BatchMetadata(header.BaseSequence, header.LastSequence, header.BaseOffset, header.LastOffset, header.MaxTimestamp));
    }

    /// <summary>Replays a batch appended as follower: no checks, the leader already made them.</summary>
    internal void Replay(in BatchInfo batch)
    {
        if (batch.ProducerId < 0) return;
        Apply(batch.ProducerId, batch.ProducerEpoch, batch.IsControl,
            new BatchMetadata(batch.BaseSequence, batch.LastSequence, batch.BaseOffset, batch.LastOffset, batch.MaxTimestamp));
    }

    private void Apply(long producerId, short epoch, bool isControl, BatchMetadata batch)
    {
        if (!_producers.TryGetValue(producerId, out var entry))
        {
            entry = new ProducerStateEntry(producerId, epoch);
            _producers.Add(producerId, entry);
        }
        if (epoch != entry.Epoch)
        {
            if (isControl && epoch < entry.Epoch) return;
            entry.BumpEpoch(epoch);
        }
        if (isControl) entry.LastTimestamp = batch.Timestamp;
        else entry.AddBatch(batch);
    }

    internal void Clear() => _producers.Clear();

    /// <summary>Per producer id, the last offset of its latest data batch (compaction keeps that batch's header).</summary>
    internal Dictionary<long, long> LastDataOffsets()
    {
        lock (_sync)
        {
            var offsets = new Dictionary<long, long>(_producers.Count);
            foreach (var e in _producers.Values)
            {
                if (e.LastOffset >= 0) offsets[e.ProducerId] = e.LastOffset;
            }
            return offsets;
        }
    }

    /// <summary>The producer's state as it will be once the pending updates of this append are applied (same rules as <see cref="Apply"/>).</summary>
    private static (bool Known, short Epoch, int LastSequence) EffectiveState(ProducerStateEntry? stored, long producerId, List<PendingProducerBatch> pending)
    {
        var known = stored is not null;
        var epoch = stored?.Epoch ?? RecordBatchHeader.NoProducerEpoch;
        var lastSequence = stored?.LastSequence ?? -1;
        foreach (var p in pending)
        {
            if (p.ProducerId != producerId) continue;
            if (!known || p.Epoch != epoch)
            {
                if (known && p.IsControl && p.Epoch < epoch) continue;
                epoch = p.Epoch;
                lastSequence = -1;
                known = true;
            }
            if (!p.IsControl) lastSequence = p.Batch.LastSequence;
        }
        return (known, epoch, lastSequence);
    }

    /// <summary>Sequences are non-negative int32 that wrap from int.MaxValue to 0.</summary>
    private static int NextSequence(int lastSequence) => lastSequence == int.MaxValue ? 0 : lastSequence + 1;

    // Snapshot file: magic "BPS1", version int16, CRC-32C (uint32) of everything after it, producer count int32, then
    // per producer: id int64, epoch int16, last timestamp int64, batch count int8, and per batch: first sequence int32,
    // last sequence int32, first offset int64, last offset int64, timestamp int64. Big-endian like the rest of Kafka.
    private const uint SnapshotMagic = 0x42505331;
    private const short SnapshotVersion = 1;
    private const int SnapshotHeaderSize = 4 + 2 + 4;
    private const int ProducerSize = 8 + 2 + 8 + 1;
    private const int BatchSize = 4 + 4 + 8 + 8 + 8;

    internal byte[] SerializeSnapshot()
    {
        var size = SnapshotHeaderSize + 4;
        foreach (var e in _producers.Values) size += ProducerSize + e.BatchCount * BatchSize;
        var bytes = new byte[size];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, SnapshotMagic);
        BinaryPrimitives.WriteInt16BigEndian(span[4..], SnapshotVersion);
        var p = SnapshotHeaderSize;
        BinaryPrimitives.WriteInt32BigEndian(span[p..], _producers.Count);
        p += 4;
        foreach (var e in _producers.Values)
        {
            BinaryPrimitives.WriteInt64BigEndian(span[p..], e.ProducerId);
            BinaryPrimitives.WriteInt16BigEndian(span[(p + 8)..], e.Epoch);
            BinaryPrimitives.WriteInt64BigEndian(span[(p + 10)..], e.LastTimestamp);
            span[p + 18] = (byte)e.BatchCount;
            p += ProducerSize;
            for (var i = 0; i < e.BatchCount; i++)
            {
                var b = e.Batch(i);
                BinaryPrimitives.WriteInt32BigEndian(span[p..], b.FirstSequence);
                BinaryPrimitives.WriteInt32BigEndian(span[(p + 4)..], b.LastSequence);
                BinaryPrimitives.WriteInt64BigEndian(span[(p + 8)..], b.FirstOffset);
                BinaryPrimitives.WriteInt64BigEndian(span[(p + 16)..], b.LastOffset);
                BinaryPrimitives.WriteInt64BigEndian(span[(p + 24)..], b.Timestamp);
                p += BatchSize;
            }
        }
        BinaryPrimitives.WriteUInt32BigEndian(span[6..], Crc32C.Compute(span[SnapshotHeaderSize..]));
        return bytes;
    }

    /// <summary>Replaces the state with a snapshot's; false (state left empty) if the bytes are not a valid snapshot.</summary>
    internal bool TryLoadSnapshot(ReadOnlySpan<byte> bytes)
    {
        _producers.Clear();
        try
        {
            if (bytes.Length < SnapshotHeaderSize + 4
                || BinaryPrimitives.ReadUInt32BigEndian(bytes) != SnapshotMagic
                || BinaryPrimitives.ReadInt16BigEndian(bytes[4..]) != SnapshotVersion
                || BinaryPrimitives.ReadUInt32BigEndian(bytes[6..]) != Crc32C.Compute(bytes[SnapshotHeaderSize..]))
                return false;
            var p = SnapshotHeaderSize;
            var count = BinaryPrimitives.ReadInt32BigEndian(bytes[p..]);
            p += 4;
            for (var n = 0; n < count; n++)
            {
                var entry = new ProducerStateEntry(BinaryPrimitives.ReadInt64BigEndian(bytes[p..]), BinaryPrimitives.ReadInt16BigEndian(bytes[(p + 8)..]));
                var lastTimestamp = BinaryPrimitives.ReadInt64BigEndian(bytes[(p + 10)..]);
                int batches = bytes[p + 18];
                p += ProducerSize;
                for (var i = 0; i < batches; i++)
                {
                    entry.AddBatch(new BatchMetadata(
                        BinaryPrimitives.ReadInt32BigEndian(bytes[p..]),
                        BinaryPrimitives.ReadInt32BigEndian(bytes[(p + 4)..]),
                        BinaryPrimitives.ReadInt64BigEndian(bytes[(p + 8)..]),
                        BinaryPrimitives.ReadInt64BigEndian(bytes[(p + 16)..]),
                        BinaryPrimitives.ReadInt64BigEndian(bytes[(p + 24)..])));
                    p += BatchSize;
                }
                entry.LastTimestamp = lastTimestamp;
                _producers[entry.ProducerId] = entry;
            }
            return p == bytes.Length;
        }
        catch (ArgumentOutOfRangeException)
        {
            _producers.Clear();
            return false;
        }
    }
}
