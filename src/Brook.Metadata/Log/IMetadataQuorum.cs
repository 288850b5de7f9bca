using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>
/// Where committed metadata records live. Today a local file (<see cref="MetadataLog"/>); later a Raft quorum, where
/// "durable" will mean "committed by a majority" and the controller stays unchanged.
/// </summary>
public interface IMetadataQuorum : IDisposable
{
    /// <summary>Every committed batch in offset order; called once at start-up to rebuild the image.</summary>
    IReadOnlyList<MetadataBatch> ReadAll();

    /// <summary>
    /// Appends <paramref name="records"/> as one atomic batch and returns the offset of its last record once the batch
    /// is durable. Either all records of the batch survive a crash or none does.
    /// </summary>
    ValueTask<long> AppendAsync(IReadOnlyList<MetadataRecord> records, CancellationToken cancellationToken);
}
