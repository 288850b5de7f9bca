namespace Brook.Raft;

/// <summary>One entry of a log's epoch history: the first offset written in <see cref="Epoch"/>.</summary>
public readonly record struct EpochStart(int Epoch, long StartOffset);
