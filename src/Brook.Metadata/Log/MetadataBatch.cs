using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>Records appended together, atomically: record <c>i</c> has offset <c>BaseOffset + i</c>.</summary>
public sealed record MetadataBatch(long BaseOffset, IReadOnlyList<MetadataRecord> Records)
{
    /// <summary>The offset of the batch's last record.</summary>
    public long LastOffset => BaseOffset + Records.Count - 1;
}
