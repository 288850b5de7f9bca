namespace Brook.Storage.Index;

/// <summary>
/// One aborted transaction: its producer, the offset of its first batch and of its ABORT marker, and the partition's last
/// stable offset once the abort was written (lets a search stop early).
/// </summary>
internal readonly record struct AbortedTransaction(long ProducerId, long FirstOffset, long LastOffset, long LastStableOffset);
