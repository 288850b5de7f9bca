namespace Brook.Storage.Producers;

/// <summary>Where one idempotent batch went: its sequence range and the offsets it was given (to answer a retried duplicate).</summary>
public readonly record struct BatchMetadata(int FirstSequence, int LastSequence, long FirstOffset, long LastOffset, long Timestamp);
