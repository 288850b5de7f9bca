namespace Brook.Metadata;

/// <summary>
/// Turns what the quorum commits into images: each delivery of committed batches is replayed into one delta on top of
/// the current image and published as one new image (so replaying a long log at start-up publishes once, not per
/// batch). The same code runs on the active controller, standby controllers and brokers.
/// </summary>
public sealed class MetadataLoader(MetadataView view) : IMetadataCommitListener
{
    private QuorumLeader _leader = QuorumLeader.Unknown;

    /// <summary>The quorum leader last announced (the active controller).</summary>
    public QuorumLeader Leader => _leader;

    /// <summary>Raised after a leader change is recorded, on the quorum's thread.</summary>
    public event Action<QuorumLeader>? LeaderChanged;

    public void OnCommit(IReadOnlyList<MetadataBatch> batches)
    {
        if (batches.Count == 0) return;
        var delta = new MetadataDelta(view.Image);
        foreach (var batch in batches) delta.Replay(batch);
        view.Publish(delta.Build());
    }

    /// <summary>
    /// A snapshot's records replayed onto an empty image, stamped as applied up to <paramref name="endOffset"/> - 1 (the
    /// records carry what offsets they need, such as broker epochs, themselves).
    /// </summary>
    public void OnSnapshot(long endOffset, IReadOnlyList<Records.MetadataRecord> records)
    {
        var delta = new MetadataDelta(MetadataImage.Empty);
        delta.ReplaySnapshot(records);
        view.Publish(delta.Build(endOffset - 1));
    }

    /// <summary>The records of the image delivered so far, for a snapshot at the quorum's delivery position.</summary>
    public IReadOnlyList<Records.MetadataRecord> SnapshotRecords() => MetadataImageRecords.From(view.Image);

    public void OnLeaderChange(QuorumLeader leader)
    {
        _leader = leader;
        LeaderChanged?.Invoke(leader);
    }
}
