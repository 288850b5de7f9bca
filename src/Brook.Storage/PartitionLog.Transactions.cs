using Brook.Protocol.Records;
using Brook.Storage.Index;

namespace Brook.Storage;

// Transactions (KIP-98) as the log sees them: open transactions bound the last stable offset, COMMIT/ABORT markers end
// them, and every ABORT is recorded in the aborted-transaction index of the segment holding the marker, from which
// read_committed fetches learn which records to drop.
public sealed partial class PartitionLog
{
    /// <summary>
    /// Offset of the first batch of the oldest open transaction, or null when none is open. The last stable offset is
    /// the smaller of this and the high watermark. It is updated before the log end moves past an append, so a caller
    /// must read the log end (or the high watermark derived from it) first and this second: the pair then never
    /// exposes records of a transaction that is still open. An ABORT moves it only after the aborted-transaction
    /// index holds the entry, so records that have become stable are always found there if aborted.
    /// </summary>
    public long? FirstUnstableOffset => ProducerState.FirstUnstableOffset;

    /// <summary>
    /// Appends a transaction marker for <paramref name="producerId"/> (WriteTxnMarkers, sent by the transaction
    /// coordinator): a control batch with one COMMIT or ABORT record carrying <paramref name="coordinatorEpoch"/>,
    /// given the next offset and <paramref name="leaderEpoch"/>. It ends the producer's open transaction, which moves
    /// <see cref="FirstUnstableOffset"/>; an ABORT adds an entry to the aborted-transaction index.
    /// <list type="bullet">
    /// <item>An epoch older than the producer's current one answers INVALID_PRODUCER_EPOCH and appends nothing; a newer
    /// one is accepted and becomes the producer's epoch (the coordinator fences a producer by aborting with a bumped
    /// epoch).</item>
    /// <item>A coordinator epoch older than the one of the producer's previous marker answers
    /// TRANSACTION_COORDINATOR_FENCED (a deposed coordinator).</item>
    /// <item>A marker for a producer without an open transaction (the coordinator retrying after a lost response, or a
    /// transaction that wrote nothing here) is still appended, as Kafka does, but changes no transaction state and adds
    /// no index entry: there are no records to hide.</item>
    /// </list>
    /// </summary>
    public AppendResult AppendTransactionMarker(long producerId, short producerEpoch, int coordinatorEpoch, bool commit, int leaderEpoch, long timestampMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(producerId);
        var batch = ControlRecord.BuildEndTxnMarkerBatch(commit ? ControlRecordType.Commit : ControlRecordType.Abort,
            producerId, producerEpoch, coordinatorEpoch, timestampMs);
        return Append(batch, leaderEpoch, logAppendTimeMs: null);
    }

    /// <summary>
    /// The aborted transactions (producer id, offset of its first batch) that overlap the fetched range
    /// [<paramref name="startOffset"/>, <paramref name="upperBoundOffset"/>): what Fetch v4+ returns with
    /// isolation_level=read_committed so the consumer can drop those producers' records up to each ABORT marker.
    /// A transaction overlaps when its marker is at or after the start and its first batch before the bound. Lock-free.
    /// </summary>
    public IReadOnlyList<(long ProducerId, long FirstOffset)> CollectAbortedTransactions(long startOffset, long upperBoundOffset)
    {
        var found = CollectAbortedTransactionEntries(startOffset, upperBoundOffset);
        if (found is null) return [];
        var result = new (long, long)[found.Count];
        for (var i = 0; i < found.Count; i++) result[i] = (found[i].ProducerId, found[i].FirstOffset);
        return result;
    }

    /// <summary>
    /// The index entries behind <see cref="CollectAbortedTransactions"/>, or null when there are none. An entry lives in
    /// the segment of its marker, which is at or after the start, so the search begins at the segment holding the start
    /// and goes on (a transaction may begin in range and end segments later) until an entry proves nothing later overlaps.
    /// </summary>
    internal List<AbortedTransaction>? CollectAbortedTransactionEntries(long startOffset, long upperBoundOffset)
    {
        if (upperBoundOffset <= startOffset) return null;
        List<AbortedTransaction>? found = null;
        var segments = Volatile.Read(ref _segments);
        for (var i = FloorSegmentIndex(segments, startOffset); i < segments.Length; i++)
        {
            if (segments[i].TxnIndex.Collect(startOffset, upperBoundOffset, ref found)) break;
        }
        return found;
    }

    /// <summary>Applies producer.id.expiration.ms: idle producers without an open transaction are forgotten.</summary>
    public int ExpireProducers(long nowMs, long expirationMs) => ProducerState.RemoveExpired(nowMs, expirationMs);
}
