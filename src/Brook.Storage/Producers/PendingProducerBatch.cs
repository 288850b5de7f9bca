namespace Brook.Storage.Producers;

/// <summary>
/// A producer-state update accepted by <see cref="ProducerStateManager.Check"/>, applied after the write: a data batch
/// (transactional or not) or a control batch, with what it says when it is a transaction marker.
/// </summary>
internal readonly record struct PendingProducerBatch(long ProducerId, short Epoch, bool IsControl, bool IsTransactional, EndTxnMarker? Marker, BatchMetadata Batch);
