namespace Brook.Storage.Producers;

/// <summary>
/// State of one producer id on one partition: its epoch, the last (up to 5) batches it appended (the window in which
/// Kafka clients may retry: max.in.flight.requests.per.connection &lt;= 5 with idempotence) and its open transaction.
/// </summary>
internal sealed class ProducerStateEntry(long producerId, short epoch)
{
    private readonly BatchMetadata[] _batches = new BatchMetadata[ProducerStateManager.RetainedBatches];

    public long ProducerId { get; } = producerId;
    public short Epoch { get; private set; } = epoch;
    public int BatchCount { get; private set; }
    /// <summary>Timestamp of the producer's latest batch or marker (for expiration and transactions later).</summary>
    public long LastTimestamp { get; set; } = -1;

    /// <summary>Epoch of the transaction coordinator that wrote the producer's latest marker; -1 before any.</summary>
    public int CoordinatorEpoch { get; set; } = -1;
    /// <summary>Offset of the first batch of the producer's ongoing transaction, -1 when none is open (KIP-98).</summary>
    public long CurrentTxnFirstOffset { get; set; } = -1;

    public int LastSequence => BatchCount == 0 ? -1 : _batches[BatchCount - 1].LastSequence;
    public long LastOffset => BatchCount == 0 ? -1 : _batches[BatchCount - 1].LastOffset;

    public BatchMetadata Batch(int index) => _batches[index];

    /// <summary>A new epoch forgets the batches of the old one (its sequences restart at 0).</summary>
    public void BumpEpoch(short epoch)
    {
        Epoch = epoch;
        BatchCount = 0;
    }

    public void AddBatch(BatchMetadata batch)
    {
        if (BatchCount == _batches.Length)
        {
            Array.Copy(_batches, 1, _batches, 0, _batches.Length - 1);
            BatchCount--;
        }
        _batches[BatchCount++] = batch;
        LastTimestamp = batch.Timestamp;
    }

    public bool TryFindBatch(int firstSequence, int lastSequence, out BatchMetadata batch)
    {
        for (var i = 0; i < BatchCount; i++)
        {
            if (_batches[i].FirstSequence == firstSequence && _batches[i].LastSequence == lastSequence)
            {
                batch = _batches[i];
                return true;
            }
        }
        batch = default;
        return false;
    }
}
