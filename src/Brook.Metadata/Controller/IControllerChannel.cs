using Brook.Common;
using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>
/// How a broker asks the active controller for a metadata change. Every change is decided by the controller, written
/// to the metadata log and seen by the broker only when its <see cref="MetadataView"/> publishes the committed image.
/// The local implementation is the in-process <see cref="ClusterController"/>; in a cluster, a broker that is not the
/// active controller sends the same requests over the network.
/// </summary>
public interface IControllerChannel
{
    /// <summary>CreateTopics: one result per distinct name, in request order; with <paramref name="validateOnly"/> nothing is written.</summary>
    Task<IReadOnlyList<CreateTopicResult>> CreateTopicsAsync(IReadOnlyList<CreateTopicSpec> specs, bool validateOnly, CancellationToken cancellationToken);

    /// <summary>DeleteTopics by name or id (a zero id counts as absent); one result per entry, in request order.</summary>
    Task<IReadOnlyList<DeleteTopicResult>> DeleteTopicsAsync(IReadOnlyList<(string? Name, Uuid? Id)> topics, CancellationToken cancellationToken);

    /// <summary>CreatePartitions; one result per entry.</summary>
    Task<IReadOnlyList<PartitionAdditionResult>> CreatePartitionsAsync(IReadOnlyList<PartitionAdditionSpec> specs, bool validateOnly, CancellationToken cancellationToken);

    /// <summary>Replaces topics' config overrides with the given complete sets.</summary>
    Task<IReadOnlyList<TopicConfigChangeResult>> AlterTopicConfigsAsync(IReadOnlyList<TopicConfigChange> changes, bool validateOnly, CancellationToken cancellationToken);

    /// <summary>Replaces the dynamic overrides of one broker (its id) or of the cluster-wide default (empty name).</summary>
    Task<(ErrorCode Error, string? Message)> AlterBrokerConfigsAsync(string resourceName, IReadOnlyDictionary<string, string> newOverrides,
        Func<string, string?, string?> validate, bool validateOnly, CancellationToken cancellationToken);

    /// <summary>Reserves a block of producer ids and returns its first id; durable before it returns.</summary>
    Task<long> AllocateProducerIdBlockAsync(int blockSize, CancellationToken cancellationToken);

    /// <summary>
    /// Registers a broker with the listeners it advertises and its rack (BrokerRegistration), writing a registration
    /// only when something changed; returns the broker epoch.
    /// </summary>
    Task<long> RegisterBrokerAsync(int brokerId, IReadOnlyList<BrokerEndpoint> endpoints, string? rack, CancellationToken cancellationToken);

    /// <summary>
    /// Registers a starting broker, telling the controller the epoch it had when it last shut down cleanly
    /// (<paramref name="previousBrokerEpoch"/>; -1 after a crash or on a first start, KIP-966): a broker that crashed
    /// and returns while still unfenced is fenced at once, so its leaderships move to a new leader epoch. A channel that
    /// cannot tell registers as after a clean shutdown.
    /// </summary>
    Task<long> RegisterBrokerAsync(int brokerId, IReadOnlyList<BrokerEndpoint> endpoints, string? rack, long previousBrokerEpoch, CancellationToken cancellationToken) =>
        RegisterBrokerAsync(brokerId, endpoints, rack, cancellationToken);

    /// <summary>
    /// UnregisterBroker: removes a broker's registration for good, moving its leaderships and ISR memberships away in the
    /// same write; BROKER_ID_NOT_REGISTERED for an unknown broker. A channel without it answers UNSUPPORTED_VERSION.
    /// </summary>
    Task<ErrorCode> UnregisterBrokerAsync(int brokerId, CancellationToken cancellationToken) => Task.FromResult(ErrorCode.UnsupportedVersion);

    /// <summary>
    /// ElectLeaders: preferred or unclean elections now; <paramref name="partitions"/> null means every partition. One
    /// result per named partition. A channel without it throws UNSUPPORTED_VERSION.
    /// </summary>
    Task<IReadOnlyList<ElectionResult>> ElectLeadersAsync(ElectionType type, IReadOnlyList<(string Topic, IReadOnlyList<int> Partitions)>? partitions,
        CancellationToken cancellationToken) =>
        throw new KafkaException(ErrorCode.UnsupportedVersion, "this controller channel does not carry ElectLeaders");

    /// <summary>AlterPartitionReassignments: starts, replaces or cancels partition moves; one result per spec. Unsupported by default.</summary>
    Task<IReadOnlyList<ReassignmentResult>> AlterPartitionReassignmentsAsync(IReadOnlyList<ReassignmentSpec> specs, bool allowReplicationFactorChange,
        CancellationToken cancellationToken) =>
        throw new KafkaException(ErrorCode.UnsupportedVersion, "this controller channel does not carry AlterPartitionReassignments");

    /// <summary>ListPartitionReassignments: the running moves among the named partitions (null: all). Unsupported by default.</summary>
    Task<IReadOnlyList<OngoingReassignment>> ListPartitionReassignmentsAsync(IReadOnlyList<(string Topic, IReadOnlyList<int> Partitions)>? partitions,
        CancellationToken cancellationToken) =>
        throw new KafkaException(ErrorCode.UnsupportedVersion, "this controller channel does not carry ListPartitionReassignments");

    /// <summary>AlterPartition: a leader changes its partition's ISR (checked against the leader and partition epochs).</summary>
    Task<AlterPartitionResult> AlterPartitionAsync(AlterPartitionSpec change, CancellationToken cancellationToken);

    /// <summary>AssignReplicasToDirs (KIP-858): records which log directory each of a broker's replicas lives in. Unsupported by default.</summary>
    Task<DirectoryAssignmentResult> AssignReplicasToDirsAsync(int brokerId, long brokerEpoch, IReadOnlyList<DirectoryAssignment> assignments,
        CancellationToken cancellationToken) =>
        throw new KafkaException(ErrorCode.UnsupportedVersion, "this controller channel does not carry AssignReplicasToDirs");

    /// <summary>BrokerHeartbeat: keeps a broker unfenced, reports its metadata progress, drives controlled shutdown.</summary>
    Task<BrokerHeartbeatResult> BrokerHeartbeatAsync(BrokerHeartbeatSpec heartbeat, CancellationToken cancellationToken);
}
