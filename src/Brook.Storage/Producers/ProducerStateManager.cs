using System.Buffers.Binary;
using Brook.Common;
using Brook.Protocol.Records;
using Brook.Storage.Index;

namespace Brook.Storage.Producers;

/// <summary>
/// Idempotent and transactional producer bookkeeping of one partition: per producer id the epoch, the last 5 batches
/// and the open transaction, used to fence stale epochs, reject sequence gaps, answer retried batches with their
/// original offsets instead of appending them twice, and find the first unstable offset (the first batch of the oldest
/// open transaction, which bounds what read_committed consumers see, KIP-98). Mutated only under the owning
/// <see cref="PartitionLog"/>'s lock; the public views take that lock too, except <see cref="FirstUnstableOffset"/>,
/// which is published for lock-free readers. Survives restarts through snapshot files (<c>&lt;offset&gt;.snapshot</c>)
/// plus a replay of batch headers after them.
/// </summary>
public sealed class ProducerStateManager
{
    /// <summary>Batches remembered per producer: clients keep at most 5 requests in flight with idempotence on.</summary>
    public const int RetainedBatches = 5;

    private readonly Dictionary<long, ProducerStateEntry> _producers = [];
    /// <summary>Open transactions ordered by first offset: the minimum is the first unstable offset.</summary>
    private readonly SortedSet<(long FirstOffset, long ProducerId)> _ongoing = [];
    private readonly Lock _sync;
    private long _firstUnstableOffset = -1;
    /// <summary>While state is rebuilt, readers keep the last published value instead of half-rebuilt ones.</summary>
    private bool _publishingSuspended;

    internal ProducerStateManager(Lock sync) => _sync = sync;

    public int Count
    {
        get
        {
            lock (_sync) return _producers.Count;
        }
    }

    /// <summary>
    /// Offset of the first batch of the oldest open transaction, or null when none is open. Published after every change
    /// and before the log end moves past the change, so a reader that loads the log end (or high watermark) first and
    /// then this value never sees uncommitted data as stable.
    /// </summary>
    public long? FirstUnstableOffset
    {
        get
        {
            var offset = Volatile.Read(ref _firstUnstableOffset);
            return offset < 0 ? null : offset;
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

    /// <summary>The open transactions (producer id, offset of its first batch), oldest first.</summary>
    public IReadOnlyList<(long ProducerId, long FirstOffset)> OngoingTransactions
    {
        get
        {
            lock (_sync)
            {
                var list = new List<(long, long)>(_ongoing.Count);
                foreach (var (first, producerId) in _ongoing) list.Add((producerId, first));
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
    /// True while <paramref name="producerId"/> has a transaction open on this partition in <paramref name="epoch"/>:
    /// its later batches need no new check with the transaction coordinator (KIP-890 verifies only the first one).
    /// </summary>
    public bool HasOngoingTransaction(long producerId, short epoch)
    {
        lock (_sync) return _producers.TryGetValue(producerId, out var e) && e.Epoch == epoch && e.CurrentTxnFirstOffset >= 0;
    }

    /// <summary>Epoch of the coordinator that wrote the producer's latest transaction marker (-1 before any), if the producer is known.</summary>
    public bool TryGetCoordinatorEpoch(long producerId, out int coordinatorEpoch)
    {
        lock (_sync)
        {
            if (_producers.TryGetValue(producerId, out var e))
            {
                coordinatorEpoch = e.CoordinatorEpoch;
                return true;
            }
        }
        coordinatorEpoch = -1;
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
            var state = EffectiveState(stored, b.ProducerId, pending);

            // Markers too: a marker of an older epoch comes from a coordinator that was fenced since (a newer epoch is
            // accepted and becomes current, as when the coordinator aborts with a bumped epoch to fence a producer).
            if (state.Known && b.ProducerEpoch < state.Epoch)
                return ProducerCheck.Fail(ErrorCode.InvalidProducerEpoch,
                    $"producer {b.ProducerId} epoch {b.ProducerEpoch} is older than the current epoch {state.Epoch}");

            var meta = new BatchMetadata(b.BaseSequence, b.LastSequence, b.BaseOffset, b.LastOffset, b.MaxTimestamp);
            if (b.IsControl)
            {
                if (b.Marker is { } marker && marker.CoordinatorEpoch < state.CoordinatorEpoch)
                    return ProducerCheck.Fail(ErrorCode.TransactionCoordinatorFenced,
                        $"marker for producer {b.ProducerId} comes from coordinator epoch {marker.CoordinatorEpoch}, older than {state.CoordinatorEpoch}");
                // Transaction markers carry no sequence.
                pending.Add(new PendingProducerBatch(b.ProducerId, b.ProducerEpoch, true, b.IsTransactional, b.Marker, meta));
                continue;
            }

            // Retries are recognised against what is already in the log, as Kafka does.
            if (stored is not null && stored.Epoch == b.ProducerEpoch && stored.TryFindBatch(b.BaseSequence, b.LastSequence, out var original))
                return ProducerCheck.DuplicateOf(original);

            if (state.Known && state.Epoch != RecordBatchHeader.NoProducerEpoch)
            {
                if (b.ProducerEpoch != state.Epoch)
                {
                    // A bumped epoch restarts the sequence.
                    if (b.BaseSequence != 0)
                        return ProducerCheck.Fail(ErrorCode.OutOfOrderSequenceNumber,
                            $"producer {b.ProducerId} started epoch {b.ProducerEpoch} at sequence {b.BaseSequence}, expected 0");
                }
                else if (b.BaseSequence != NextSequence(state.LastSequence))
                {
                    return ProducerCheck.Fail(ErrorCode.OutOfOrderSequenceNumber,
                        $"producer {b.ProducerId} epoch {b.ProducerEpoch} sent sequence {b.BaseSequence}, expected {NextSequence(state.LastSequence)}");
                }
            }
            // A producer with an open transaction writes only transactional batches until a marker ends it (Kafka's rule).
            if (state.InTransaction && !b.IsTransactional)
                return ProducerCheck.Fail(ErrorCode.InvalidTxnState,
                    $"producer {b.ProducerId} sent a non-transactional batch while its transaction is open");
            // An unknown producer (never seen, or its state is gone) is accepted at any sequence.
            pending.Add(new PendingProducerBatch(b.ProducerId, b.ProducerEpoch, false, b.IsTransactional, null, meta));
        }
        return default;
    }

    /// <summary>
    /// Applies the updates accepted by <see cref="Check"/> (after the batches were written); every transaction an ABORT
    /// marker ends is added to <paramref name="aborted"/>.
    /// </summary>
    internal void Commit(List<PendingProducerBatch> pending, List<AbortedTransaction> aborted)
    {
        foreach (var p in pending) Apply(p, aborted);
        pending.Clear();
    }

    /// <summary>
    /// Replays a batch found in the log (recovery): no checks, the log is the truth. <paramref name="marker"/> is what a
    /// control batch says; an ended aborted transaction goes to <paramref name="aborted"/> when given.
    /// </summary>
    internal void Replay(RecordBatchHeader header, EndTxnMarker? marker, List<AbortedTransaction>? aborted)
    {
        if (header.ProducerId < 0) return;
        Apply(new PendingProducerBatch(header.ProducerId, header.ProducerEpoch, header.IsControl, header.IsTransactional, marker,
            new BatchMetadata(header.BaseSequence, header.LastSequence, header.BaseOffset, header.LastOffset, header.MaxTimestamp)), aborted);
    }

    /// <summary>Replays a batch appended as follower: no checks, the leader already made them.</summary>
    internal void Replay(in BatchInfo batch, List<AbortedTransaction>? aborted)
    {
        if (batch.ProducerId < 0) return;
        Apply(new PendingProducerBatch(batch.ProducerId, batch.ProducerEpoch, batch.IsControl, batch.IsTransactional, batch.Marker,
            new BatchMetadata(batch.BaseSequence, batch.LastSequence, batch.BaseOffset, batch.LastOffset, batch.MaxTimestamp)), aborted);
    }

    private void Apply(in PendingProducerBatch p, List<AbortedTransaction>? aborted)
    {
        if (!_producers.TryGetValue(p.ProducerId, out var entry))
        {
            entry = new ProducerStateEntry(p.ProducerId, p.Epoch);
            _producers.Add(p.ProducerId, entry);
        }
        // A marker never moves the epoch back (only a replayed log can hold one of an older epoch).
        if (p.Epoch != entry.Epoch && !(p.IsControl && p.Epoch < entry.Epoch)) entry.BumpEpoch(p.Epoch);
        if (p.IsControl)
        {
            entry.LastTimestamp = p.Batch.Timestamp;
            if (p.Marker is { } marker)
            {
                entry.CoordinatorEpoch = marker.CoordinatorEpoch;
                EndTransaction(entry, p.Batch.FirstOffset, marker.IsAbort, aborted);
            }
        }
        else
        {
            entry.AddBatch(p.Batch);
            if (p.IsTransactional && entry.CurrentTxnFirstOffset < 0)
            {
                entry.CurrentTxnFirstOffset = p.Batch.FirstOffset;
                _ongoing.Add((p.Batch.FirstOffset, p.ProducerId));
                PublishFirstUnstableOffset();
            }
        }
    }

    /// <summary>
    /// A marker ends the producer's open transaction. A marker without one (a retried WriteTxnMarkers, or a transaction
    /// that never wrote to this partition) is still in the log but changes nothing here and, like in Kafka, gets no
    /// aborted-transaction entry: there are no records to hide.
    /// </summary>
    private void EndTransaction(ProducerStateEntry entry, long markerOffset, bool abort, List<AbortedTransaction>? aborted)
    {
        var first = entry.CurrentTxnFirstOffset;
        if (first < 0) return;
        // Not published here: the log publishes once the abort is in the segment's index (PublishFirstUnstableOffset).
        _ongoing.Remove((first, entry.ProducerId));
        entry.CurrentTxnFirstOffset = -1;
        // The entry's last stable offset: the oldest transaction still open, else just past the marker. Every
        // transaction aborted later begins at or after it, which lets searches stop early.
        if (abort) aborted?.Add(new AbortedTransaction(entry.ProducerId, first, markerOffset, _ongoing.Count > 0 ? _ongoing.Min.FirstOffset : markerOffset + 1));
    }

    /// <summary>
    /// Makes the first unstable offset visible to lock-free readers. A transaction that begins lowers it at once; one
    /// that ends raises it only when the log calls this after indexing the abort, so a reader that finds its records
    /// stable also finds them in the aborted-transaction index.
    /// </summary>
    internal void PublishFirstUnstableOffset()
    {
        if (!_publishingSuspended) Volatile.Write(ref _firstUnstableOffset, _ongoing.Count > 0 ? _ongoing.Min.FirstOffset : -1);
    }

    /// <summary>
    /// Keeps <see cref="FirstUnstableOffset"/> at its current value while the state is cleared and rebuilt (a follower's
    /// truncation), until <see cref="ResumePublishing"/> publishes the rebuilt one.
    /// </summary>
    internal void SuspendPublishing() => _publishingSuspended = true;

    internal void ResumePublishing()
    {
        _publishingSuspended = false;
        PublishFirstUnstableOffset();
    }

    /// <summary>
    /// Forgets producers idle for longer than <paramref name="expirationMs"/> (producer.id.expiration.ms) that have no
    /// open transaction, as Kafka does, so the state does not grow without bound. A forgotten producer that comes back
    /// is treated as new (any first sequence accepted). Returns how many were removed.
    /// </summary>
    internal int RemoveExpired(long nowMs, long expirationMs)
    {
        lock (_sync)
        {
            List<long>? expired = null;
            foreach (var e in _producers.Values)
            {
                if (e.CurrentTxnFirstOffset >= 0 || e.LastTimestamp < 0) continue;
                if (nowMs - e.LastTimestamp > expirationMs) (expired ??= []).Add(e.ProducerId);
            }
            if (expired is null) return 0;
            foreach (var id in expired) _producers.Remove(id);
            return expired.Count;
        }
    }

    internal void Clear()
    {
        _producers.Clear();
        _ongoing.Clear();
        PublishFirstUnstableOffset();
    }

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
    private static EffectiveProducerState EffectiveState(ProducerStateEntry? stored, long producerId, List<PendingProducerBatch> pending)
    {
        var state = new EffectiveProducerState(
            stored is not null,
            stored?.Epoch ?? RecordBatchHeader.NoProducerEpoch,
            stored?.LastSequence ?? -1,
            stored?.CoordinatorEpoch ?? -1,
            stored is { CurrentTxnFirstOffset: >= 0 });
        foreach (var p in pending)
        {
            if (p.ProducerId != producerId) continue;
            if (!state.Known || (p.Epoch != state.Epoch && !(p.IsControl && p.Epoch < state.Epoch)))
                state = state with { Known = true, Epoch = p.Epoch, LastSequence = -1 };
            if (p.IsControl)
            {
                if (p.Marker is { } marker) state = state with { CoordinatorEpoch = marker.CoordinatorEpoch, InTransaction = false };
            }
            else
            {
                state = state with { LastSequence = p.Batch.LastSequence, InTransaction = state.InTransaction || p.IsTransactional };
            }
        }
        return state;
    }

    private readonly record struct EffectiveProducerState(bool Known, short Epoch, int LastSequence, int CoordinatorEpoch, bool InTransaction);

    /// <summary>Sequences are non-negative int32 that wrap from int.MaxValue to 0.</summary>
    private static int NextSequence(int lastSequence) => lastSequence == int.MaxValue ? 0 : lastSequence + 1;

    // Snapshot file: magic "BPS1", version int16, CRC-32C (uint32) of everything after it, producer count int32, then
    // per producer: id int64, epoch int16, last timestamp int64, coordinator epoch int32 and first offset of the open
    // transaction int64 (-1: none; both from version 2 on), batch count int8, and per batch: first sequence int32, last
    // sequence int32, first offset int64, last offset int64, timestamp int64. Big-endian like the rest of Kafka.
    // Version 1 files (before transactions) are still read.
    private const uint SnapshotMagic = 0x42505331;
    private const short SnapshotVersion = 2;
    private const short SnapshotVersionWithoutTransactions = 1;
    private const int SnapshotHeaderSize = 4 + 2 + 4;
    private const int BatchSize = 4 + 4 + 8 + 8 + 8;

    private static int ProducerSize(short version) => version >= 2 ? 8 + 2 + 8 + 4 + 8 + 1 : 8 + 2 + 8 + 1;

    internal byte[] SerializeSnapshot()
    {
        var producerSize = ProducerSize(SnapshotVersion);
        var size = SnapshotHeaderSize + 4;
        foreach (var e in _producers.Values) size += producerSize + e.BatchCount * BatchSize;
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
            BinaryPrimitives.WriteInt32BigEndian(span[(p + 18)..], e.CoordinatorEpoch);
            BinaryPrimitives.WriteInt64BigEndian(span[(p + 22)..], e.CurrentTxnFirstOffset);
            span[p + 30] = (byte)e.BatchCount;
            p += producerSize;
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
        Clear();
        try
        {
            if (bytes.Length < SnapshotHeaderSize + 4
                || BinaryPrimitives.ReadUInt32BigEndian(bytes) != SnapshotMagic
                || BinaryPrimitives.ReadInt16BigEndian(bytes[4..]) is not (SnapshotVersion or SnapshotVersionWithoutTransactions)
                || BinaryPrimitives.ReadUInt32BigEndian(bytes[6..]) != Crc32C.Compute(bytes[SnapshotHeaderSize..]))
                return false;
            var version = BinaryPrimitives.ReadInt16BigEndian(bytes[4..]);
            var producerSize = ProducerSize(version);
            var p = SnapshotHeaderSize;
            var count = BinaryPrimitives.ReadInt32BigEndian(bytes[p..]);
            p += 4;
            for (var n = 0; n < count; n++)
            {
                var entry = new ProducerStateEntry(BinaryPrimitives.ReadInt64BigEndian(bytes[p..]), BinaryPrimitives.ReadInt16BigEndian(bytes[(p + 8)..]));
                var lastTimestamp = BinaryPrimitives.ReadInt64BigEndian(bytes[(p + 10)..]);
                int batches;
                if (version >= 2)
                {
                    entry.CoordinatorEpoch = BinaryPrimitives.ReadInt32BigEndian(bytes[(p + 18)..]);
                    entry.CurrentTxnFirstOffset = BinaryPrimitives.ReadInt64BigEndian(bytes[(p + 22)..]);
                    batches = bytes[p + 30];
                }
                else
                {
                    batches = bytes[p + 18];
                }
                p += producerSize;
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
                if (entry.CurrentTxnFirstOffset >= 0 && !_ongoing.Add((entry.CurrentTxnFirstOffset, entry.ProducerId)))
                {
                    Clear();
                    return false; // two transactions cannot start at one offset
                }
            }
            PublishFirstUnstableOffset();
            if (p == bytes.Length) return true;
            Clear();
            return false;
        }
        catch (ArgumentOutOfRangeException)
        {
            Clear();
            return false;
        }
    }
}
