using Brook.Common;
using Brook.Metadata;
using Brook.Metadata.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Controller;

/// <summary>
/// The broker's way to the active controller, wherever it is: this node's own <see cref="ClusterController"/> while it
/// leads the metadata quorum, else the leader's controller listener (<see cref="RemoteController"/>). While there is
/// no leader, or leadership moves under a request (NOT_CONTROLLER, a dropped connection), the change is retried
/// against the new leader until <paramref name="timeout"/>; then it fails with REQUEST_TIMED_OUT, which clients retry.
/// A change is decided exactly once by whichever controller commits it: a retry after a lost answer is re-decided
/// against the image that already holds it (CreateTopics then answers TOPIC_ALREADY_EXISTS, as Kafka does).
/// </summary>
public sealed class ControllerRouter(ClusterController local, IMetadataQuorum quorum, RemoteController? remote, BrokerIdentity identity,
    TimeSpan timeout, TimeProvider time, ILogger<ControllerRouter> logger) : IControllerChannel
{
    private static readonly TimeSpan RetryBackoff = TimeSpan.FromMilliseconds(50);

    public Task<IReadOnlyList<CreateTopicResult>> CreateTopicsAsync(IReadOnlyList<CreateTopicSpec> specs, bool validateOnly, CancellationToken ct) =>
        RouteAsync(() => local.CreateTopicsAsync(specs, validateOnly, ct), id => remote!.CreateTopicsAsync(id, specs, validateOnly, ct), ct);

    public Task<IReadOnlyList<DeleteTopicResult>> DeleteTopicsAsync(IReadOnlyList<(string? Name, Uuid? Id)> topics, CancellationToken ct) =>
        RouteAsync(() => local.DeleteTopicsAsync(topics, ct), id => remote!.DeleteTopicsAsync(id, topics, ct), ct);

    public Task<IReadOnlyList<PartitionAdditionResult>> CreatePartitionsAsync(IReadOnlyList<PartitionAdditionSpec> specs, bool validateOnly, CancellationToken ct) =>
        RouteAsync(() => local.CreatePartitionsAsync(specs, validateOnly, ct), id => remote!.CreatePartitionsAsync(id, specs, validateOnly, ct), ct);

    public Task<IReadOnlyList<TopicConfigChangeResult>> AlterTopicConfigsAsync(IReadOnlyList<TopicConfigChange> changes, bool validateOnly, CancellationToken ct) =>
        RouteAsync(() => local.AlterTopicConfigsAsync(changes, validateOnly, ct), id => remote!.AlterTopicConfigsAsync(id, changes, validateOnly, ct), ct);

    /// <summary>Remotely the controller validates with its own catalogue: the <paramref name="validate"/> function does not travel.</summary>
    public Task<(ErrorCode Error, string? Message)> AlterBrokerConfigsAsync(string resourceName, IReadOnlyDictionary<string, string> newOverrides,
        Func<string, string?, string?> validate, bool validateOnly, CancellationToken ct) =>
        RouteAsync(() => local.AlterBrokerConfigsAsync(resourceName, newOverrides, validate, validateOnly, ct),
            id => remote!.AlterBrokerConfigsAsync(id, resourceName, newOverrides, validateOnly, ct), ct);

    public Task<long> AllocateProducerIdBlockAsync(int blockSize, CancellationToken ct) =>
        RouteAsync(() => local.AllocateProducerIdBlockAsync(blockSize, ct), id => remote!.AllocateProducerIdBlockAsync(id, identity.Epoch, ct), ct);

    public async Task<long> RegisterBrokerAsync(int brokerId, IReadOnlyList<BrokerEndpoint> endpoints, string? rack, CancellationToken ct)
    {
        var epoch = await RouteAsync(() => local.RegisterBrokerAsync(brokerId, endpoints, rack, ct),
            // Over the wire "known clean" is the epoch this process registered with (a retry); another broker's is unknown.
            id => remote!.RegisterBrokerAsync(id, brokerId, endpoints, rack, brokerId == identity.BrokerId ? identity.Epoch : -1, ct), ct)
            .ConfigureAwait(false);
        if (brokerId == identity.BrokerId) identity.Epoch = epoch;
        return epoch;
    }

    public async Task<long> RegisterBrokerAsync(int brokerId, IReadOnlyList<BrokerEndpoint> endpoints, string? rack, long previousBrokerEpoch, CancellationToken ct)
    {
        var epoch = await RouteAsync(() => local.RegisterBrokerAsync(brokerId, endpoints, rack, previousBrokerEpoch, ct),
            id => remote!.RegisterBrokerAsync(id, brokerId, endpoints, rack, previousBrokerEpoch, ct), ct).ConfigureAwait(false);
        if (brokerId == identity.BrokerId) identity.Epoch = epoch;
        return epoch;
    }

    public Task<ErrorCode> UnregisterBrokerAsync(int brokerId, CancellationToken ct) =>
        RouteAsync(() => local.UnregisterBrokerAsync(brokerId, ct), id => remote!.UnregisterBrokerAsync(id, brokerId, ct), ct);

    public Task<IReadOnlyList<ElectionResult>> ElectLeadersAsync(ElectionType type, IReadOnlyList<(string Topic, IReadOnlyList<int> Partitions)>? partitions,
        CancellationToken ct) =>
        RouteAsync(() => local.ElectLeadersAsync(type, partitions, ct), id => remote!.ElectLeadersAsync(id, type, partitions, ct), ct);

    public Task<IReadOnlyList<ReassignmentResult>> AlterPartitionReassignmentsAsync(IReadOnlyList<ReassignmentSpec> specs, bool allowReplicationFactorChange,
        CancellationToken ct) =>
        RouteAsync(() => local.AlterPartitionReassignmentsAsync(specs, allowReplicationFactorChange, ct),
            id => remote!.AlterPartitionReassignmentsAsync(id, specs, allowReplicationFactorChange, ct), ct);

    public Task<IReadOnlyList<OngoingReassignment>> ListPartitionReassignmentsAsync(IReadOnlyList<(string Topic, IReadOnlyList<int> Partitions)>? partitions,
        CancellationToken ct) =>
        RouteAsync(() => local.ListPartitionReassignmentsAsync(partitions, ct), id => remote!.ListPartitionReassignmentsAsync(id, partitions, ct), ct);

    public Task<AlterPartitionResult> AlterPartitionAsync(AlterPartitionSpec change, CancellationToken ct) =>
        RouteAsync(() => local.AlterPartitionAsync(change, ct), id => remote!.AlterPartitionAsync(id, change, ct), ct);

    public Task<DirectoryAssignmentResult> AssignReplicasToDirsAsync(int brokerId, long brokerEpoch, IReadOnlyList<DirectoryAssignment> assignments,
        CancellationToken ct) =>
        RouteAsync(() => local.AssignReplicasToDirsAsync(brokerId, brokerEpoch, assignments, ct),
            id => remote!.AssignReplicasToDirsAsync(id, brokerId, brokerEpoch, assignments, ct), ct);

    public Task<BrokerHeartbeatResult> BrokerHeartbeatAsync(BrokerHeartbeatSpec heartbeat, CancellationToken ct) =>
        RouteAsync(() => local.BrokerHeartbeatAsync(heartbeat, ct), id => remote!.BrokerHeartbeatAsync(id, heartbeat, ct), ct);

    private async Task<T> RouteAsync<T>(Func<Task<T>> onLocal, Func<int, Task<T>> onRemote, CancellationToken ct)
    {
        var deadline = time.GetTimestamp() + (long)(timeout.TotalSeconds * time.TimestampFrequency);
        Exception? last = null;
        while (true)
        {
            var leader = quorum.Leader;
            try
            {
                if (leader.LeaderId == quorum.NodeId) return await onLocal().ConfigureAwait(false);
                if (leader.IsKnown && remote is not null) return await onRemote(leader.LeaderId).ConfigureAwait(false);
            }
            catch (KafkaException e) when (e.Code is ErrorCode.NotController or ErrorCode.RequestTimedOut)
            {
                last = e;
            }
            catch (Exception e) when (e is IOException or TimeoutException && !ct.IsCancellationRequested)
            {
                // The connection to the former controller broke or it did not answer: look for the leader again.
                last = e;
                if (leader.IsKnown && leader.LeaderId != quorum.NodeId) remote?.Forget(leader.LeaderId);
            }
            if (time.GetTimestamp() > deadline)
            {
                logger.LogWarning("No active controller answered within {Timeout}: {Reason}", timeout, last?.Message ?? "no leader is known");
                throw new KafkaException(ErrorCode.RequestTimedOut, $"no active controller answered within {timeout.TotalSeconds:0.#} s");
            }
            await Task.Delay(RetryBackoff, time, ct).ConfigureAwait(false);
        }
    }
}
