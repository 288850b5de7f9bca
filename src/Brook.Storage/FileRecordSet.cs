using Brook.Protocol.Records;
using Brook.Storage.IO;

namespace Brook.Storage;

/// <summary>
/// A region of a segment file holding whole record batches. Copies straight from the file into the destination
/// (a response buffer) with positional reads: no intermediate buffer, and no lock, since a segment's written bytes
/// never change. A segment that leaves the log keeps its file open for file.delete.delay.ms, so a set read just before
/// a deletion still copies.
/// </summary>
public sealed class FileRecordSet : RecordSet
{
    private readonly ILogFile _file;

    internal FileRecordSet(ILogFile file, long position, int size, long firstBatchOffset, long nextOffset)
    {
        NextOffset = nextOffset;
        _file = file;
        Position = position;
        SizeInBytes = size;
        FirstBatchOffset = firstBatchOffset;
    }

    public long Position { get; }
    public override int SizeInBytes { get; }

    /// <summary>Base offset of the first batch in the region (may be below the offset that was asked for).</summary>
    public long FirstBatchOffset { get; }

    /// <summary>
    /// An offset past every record in the region and at or below the next batch's base offset: the upper bound for the
    /// aborted transactions a read_committed fetch returns with it (<see cref="PartitionLog.CollectAbortedTransactions"/>).
    /// </summary>
    public long NextOffset { get; }

    public override void CopyTo(Span<byte> destination)
    {
        if (destination.Length < SizeInBytes)
            throw new ArgumentException($"destination holds {destination.Length} bytes, the record set {SizeInBytes}", nameof(destination));
        try
        {
            DurableFile.ReadFully(_file, destination[..SizeInBytes], Position);
        }
        catch (ObjectDisposedException e)
        {
            // Only when the copy comes file.delete.delay.ms after the read: the segment was deleted and its file closed.
            throw new IOException($"the segment file {_file.Path} was deleted (retention or compaction) before the read copied it", e);
        }
    }
}
