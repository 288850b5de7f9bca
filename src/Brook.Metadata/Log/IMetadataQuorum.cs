using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>
/// Where committed metadata records live: a single-node local log (<see cref="MetadataLog"/>) or the KRaft quorum.
/// It is a commit-listener contract: every node hands its listener the committed batches in offset order (the same
/// records on every node), and the leader — the active controller — may append. "Committed" means durable on this
/// node for the local log and durable on a majority of voters for the quorum; the controller code is the same.
/// </summary>
public interface IMetadataQuorum : IDisposable
{
    /// <summary>This node's id (node.id).</summary>
    int NodeId { get; }

    /// <summary>The leader and epoch as this node knows them; <see cref="QuorumLeader.Unknown"/> while there is none.</summary>
    QuorumLeader Leader { get; }

    /// <summary>
    /// Starts the quorum and returns without waiting for other members (they may be starting too and need this node's
    /// answers): committed batches reach <paramref name="listener"/> from now on, in order.
    /// </summary>
    Task StartAsync(IMetadataCommitListener listener, CancellationToken cancellationToken);

    /// <summary>
    /// Completes once this node knows the leader and has handed the listener everything committed up to the high
    /// watermark it learned then: from here on its image is as current as the quorum's was at that moment.
    /// </summary>
    Task WaitUntilCaughtUpAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="records"/> as one atomic batch in leader epoch <paramref name="epoch"/> and returns the
    /// offset of its last record once the batch is committed. Either all records of the batch survive a crash or none
    /// does. Throws <see cref="Common.KafkaException"/> with NOT_CONTROLLER when this node is not the leader of that epoch.
    /// </summary>
    ValueTask<long> AppendAsync(int epoch, IReadOnlyList<MetadataRecord> records, CancellationToken cancellationToken);

    /// <summary>
    /// How long ago this node last heard from <paramref name="nodeId"/> if that node was a quorum leader this node
    /// stopped following because it fell silent; null otherwise (never a leader, resigned cleanly, or a local log).
    /// </summary>
    TimeSpan? SilenceOfFormerLeader(int nodeId) => null;
}

/// <summary>Receives what the metadata quorum commits, always on one thread at a time and in order.</summary>
public interface IMetadataCommitListener
{
    /// <summary>Committed batches in offset order; each batch is delivered exactly once per process.</summary>
    void OnCommit(IReadOnlyList<MetadataBatch> batches);

    /// <summary>The quorum's leader changed (or became unknown), in epoch order.</summary>
    void OnLeaderChange(QuorumLeader leader);

    /// <summary>
    /// The state is replaced by a snapshot covering every offset below <paramref name="endOffset"/> (at start-up, or
    /// when this node was too far behind and fetched the leader's): its records, in order, rebuild the image.
    /// </summary>
    void OnSnapshot(long endOffset, IReadOnlyList<MetadataRecord> records);

    /// <summary>
    /// The records that rebuild the state delivered so far (the input of a snapshot); called on the delivery thread
    /// between deliveries, so the state is exactly that of the last delivered batch.
    /// </summary>
    IReadOnlyList<MetadataRecord> SnapshotRecords();
}

/// <summary>The leader of the metadata quorum (the active controller) and its epoch; id -1 when unknown.</summary>
public readonly record struct QuorumLeader(int LeaderId, int Epoch)
{
    public static QuorumLeader Unknown { get; } = new(-1, -1);

    public bool IsKnown => LeaderId >= 0;
}
