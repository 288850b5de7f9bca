namespace Brook.Protocol.Messages;

/// <summary>
/// A KRaft snapshot id, the end offset and epoch of the log prefix it covers: named by Fetch v12+ responses (tag 2) to
/// a follower that fell below the log start, and fetched with FetchSnapshot. The wire order is end offset, then epoch.
/// </summary>
public sealed record SnapshotId : IMessage
{
    public long EndOffset { get; set; } = -1;
    public int Epoch { get; set; } = -1;

    public bool IsDefault => EndOffset == -1 && Epoch == -1;

    public void Read(ref ProtocolReader reader, short version)
    {
        EndOffset = reader.ReadInt64();
        Epoch = reader.ReadInt32();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt64(EndOffset);
        writer.WriteInt32(Epoch);
        writer.WriteEmptyTaggedFields();
    }
}
