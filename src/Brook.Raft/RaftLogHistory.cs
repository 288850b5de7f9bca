namespace Brook.Raft;

/// <summary>
/// Writes history the node did not write itself into a log before the node starts: the records of an older
/// metadata format, imported once when a data directory is upgraded. The batches keep their original offsets.
/// </summary>
public static class RaftLogHistory
{
    /// <summary>Appends one batch of <paramref name="values"/> at <paramref name="baseOffset"/>, which must be the log end.</summary>
    public static void Import(IRaftLog log, long baseOffset, int epoch, long timestampMs, IReadOnlyList<byte[]> values)
    {
        if (log.EndOffset != baseOffset)
            throw new InvalidOperationException($"history must continue the log: base offset {baseOffset}, log end {log.EndOffset}");
        log.Append(RaftBatches.BuildData(baseOffset, epoch, timestampMs, values));
    }
}
