namespace Brook.Raft.Tests.Simulation;

/// <summary>
/// A deliberately broken log for checking the checker: it claims every append is flushed and never flushes, so a
/// node acknowledges data a crash can take away. The simulation must catch the lost commits this causes.
/// </summary>
internal sealed class UnflushedAcknowledgingLog(IRaftLog inner) : IRaftLog
{
    public long StartOffset => inner.StartOffset;
    public long EndOffset => inner.EndOffset;
    public long FlushedEndOffset => inner.EndOffset;
    public IReadOnlyList<EpochStart> Epochs => inner.Epochs;
    public void Append(ReadOnlySpan<byte> batches) => inner.Append(batches);
    public ReadOnlyMemory<byte> Read(long offset, int maxBytes) => inner.Read(offset, maxBytes);
    public void TruncateTo(long offset) => inner.TruncateTo(offset);
    public void Flush() { }
    public void TruncateFullyAndStartAt(long offset) => inner.TruncateFullyAndStartAt(offset);
    public void DeletePrefixBefore(long offset) => inner.DeletePrefixBefore(offset);
}
