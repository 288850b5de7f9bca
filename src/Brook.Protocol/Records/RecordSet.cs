namespace Brook.Protocol.Records;

/// <summary>
/// The bytes of one or more record batches as carried in Produce and Fetch. A set in memory is a slice of a frame;
/// the storage layer supplies a set that copies a file region straight into the response buffer.
/// </summary>
public abstract class RecordSet
{
    public abstract int SizeInBytes { get; }
    public abstract void CopyTo(Span<byte> destination);

    /// <summary>The bytes in memory: a set already there is returned as it is, any other is copied once.</summary>
    public virtual ReadOnlyMemory<byte> ToMemory()
    {
        var bytes = new byte[SizeInBytes];
        CopyTo(bytes);
        return bytes;
    }
}

/// <summary>Record batches held in memory.</summary>
public sealed class MemoryRecordSet(ReadOnlyMemory<byte> data) : RecordSet
{
    public ReadOnlyMemory<byte> Data { get; } = data;
    public override int SizeInBytes => Data.Length;
    public override void CopyTo(Span<byte> destination) => Data.Span.CopyTo(destination);
    public override ReadOnlyMemory<byte> ToMemory() => Data;
}
