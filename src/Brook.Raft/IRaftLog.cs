namespace Brook.Raft;

/// <summary>
/// The replicated log as the node needs it: whole Kafka v2 record batches whose base offsets and partition leader
/// epochs are already set. Offsets are dense from <see cref="StartOffset"/> to <see cref="EndOffset"/>. Only
/// <see cref="Append"/> may leave bytes unflushed; every other mutation is durable when it returns.
/// </summary>
public interface IRaftLog
{
    /// <summary>First offset held (0, or the end offset of the snapshot that replaced the older log).</summary>
    long StartOffset { get; }

    /// <summary>The offset the next batch gets.</summary>
    long EndOffset { get; }

    /// <summary>Every offset below this survives a crash (fsynced).</summary>
    long FlushedEndOffset { get; }

    /// <summary>(epoch, first offset) of every epoch with entries in [StartOffset, EndOffset), oldest first.</summary>
    IReadOnlyList<EpochStart> Epochs { get; }

    /// <summary>
    /// Appends whole batches; the first must start at <see cref="EndOffset"/>, epochs must not decrease. Not durable
    /// until <see cref="Flush"/>.
    /// </summary>
    void Append(ReadOnlySpan<byte> batches);

    /// <summary>
    /// Whole batches from the one holding <paramref name="offset"/>, at most <paramref name="maxBytes"/> (but at least one
    /// batch); empty at the end of the log. <paramref name="offset"/> must be within [StartOffset, EndOffset].
    /// </summary>
    ReadOnlyMemory<byte> Read(long offset, int maxBytes);

    /// <summary>Removes every batch at or after <paramref name="offset"/> (a batch boundary); durable on return.</summary>
    void TruncateTo(long offset);

    /// <summary>fsyncs everything appended; afterwards <see cref="FlushedEndOffset"/> equals <see cref="EndOffset"/>.</summary>
    void Flush();

    /// <summary>Replaces the whole log by an empty one starting at <paramref name="offset"/> (a snapshot was installed); durable.</summary>
    void TruncateFullyAndStartAt(long offset);

    /// <summary>Moves the start offset up to <paramref name="offset"/> (a batch boundary covered by a snapshot) and drops what lies before; durable.</summary>
    void DeletePrefixBefore(long offset);
}
