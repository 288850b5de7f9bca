namespace Brook.Storage.Producers;

/// <summary>A producer-state update accepted by <see cref="ProducerStateManager.Check"/>, applied after the write.</summary>
internal readonly record struct PendingProducerBatch(long ProducerId, short Epoch, bool IsControl, BatchMetadata Batch);
