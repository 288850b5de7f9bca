using System.Net;
using Brook.Client;
using Brook.Common;
using Brook.Metadata;
using Brook.Metadata.Records;
using Brook.Protocol.Messages;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Controller;

/// <summary>
/// The controller's changes asked of another node's controller listener, as Kafka's brokers forward them: each
/// <see cref="IControllerChannel"/> operation becomes the Kafka request that carries it (CreateTopics, DeleteTopics,
/// CreatePartitions, AlterConfigs — the complete override set, which is that API's meaning —, AllocateProducerIds,
/// BrokerRegistration, BrokerHeartbeat, UnregisterBroker, AlterPartition, ElectLeaders,
/// AlterPartitionReassignments, ListPartitionReassignments) and the answer is mapped back. Errors come back as the codes the controller chose.
/// </summary>
public sealed class RemoteController(Func<int, EndPoint?> resolveController, IPAddress? localAddress, int localNodeId, string clusterId,
    TimeSpan requestTimeout, ILoggerFactory loggers) : IAsyncDisposable
{
    private readonly NodeConnections _connections = new(resolveController, new NodeConnectionsOptions
    {
        Connection = KafkaConnectionOptions.Default with
        {
            ClientId = $"brook-controller-channel-{localNodeId}",
            LocalAddress = localAddress,
            RequestTimeout = requestTimeout,
        },
    }, loggers.CreateLogger<NodeConnections>());

    private readonly int _timeoutMs = (int)requestTimeout.TotalMilliseconds;

    /// <summary>
    /// How long one BrokerHeartbeat waits for its answer before its connection is closed. Short, unlike other changes:
    /// a heartbeat sent into a network partition sits on a TCP connection whose retransmissions back off for seconds,
    /// so after the partition heals the broker would stay fenced until that connection recovered by itself; closing it
    /// makes the next heartbeat open a fresh one.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; init; } = requestTimeout;

    /// <summary>One per process, as Kafka's broker draws it: every registration of this process carries the same one.</summary>
    private readonly Uuid _incarnationId = Uuid.NewRandom();

    public async Task<IReadOnlyList<CreateTopicResult>> CreateTopicsAsync(int controllerId, IReadOnlyList<CreateTopicSpec> specs, bool validateOnly, CancellationToken ct)
    {
        var request = new CreateTopicsRequest
        {
            TimeoutMs = _timeoutMs,
            ValidateOnly = validateOnly,
            Topics = [.. specs.Select(s => new CreateTopicsRequest.CreatableTopic
            {
                Name = s.Name,
                NumPartitions = s.NumPartitions,
                ReplicationFactor = s.ReplicationFactor,
                Assignments = [.. (s.Assignments ?? []).Select(a => new CreateTopicsRequest.CreatableReplicaAssignment { PartitionIndex = a.PartitionIndex, BrokerIds = [.. a.BrokerIds] })],
                Configs = [.. (s.Configs ?? new Dictionary<string, string?>()).Select(c => new CreateTopicsRequest.CreatableTopicConfig { Name = c.Key, Value = c.Value })],
            })],
        };
        var response = await _connections.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(controllerId, request, 7, ct).ConfigureAwait(false);
        return [.. response.Topics.Select(t => new CreateTopicResult(
            t.Name, t.TopicId, (ErrorCode)t.ErrorCode, t.ErrorMessage, t.NumPartitions, t.ReplicationFactor,
            t.ErrorCode != 0 ? null : (t.Configs ?? []).Where(c => c.ConfigSource == TopicConfigSource && c.Value is not null)
                .ToDictionary(c => c.Name, c => c.Value!)))];
    }

    public async Task<IReadOnlyList<DeleteTopicResult>> DeleteTopicsAsync(int controllerId, IReadOnlyList<(string? Name, Uuid? Id)> topics, CancellationToken ct)
    {
        var request = new DeleteTopicsRequest
        {
            TimeoutMs = _timeoutMs,
            Topics = [.. topics.Select(t => new DeleteTopicsRequest.DeleteTopicState { Name = t.Name, TopicId = t.Id ?? Uuid.Zero })],
        };
        var response = await _connections.SendAsync<DeleteTopicsRequest, DeleteTopicsResponse>(controllerId, request, 6, ct).ConfigureAwait(false);
        return [.. response.Responses.Select(r => new DeleteTopicResult(r.Name, r.TopicId, (ErrorCode)r.ErrorCode, r.ErrorMessage))];
    }

    public async Task<IReadOnlyList<PartitionAdditionResult>> CreatePartitionsAsync(int controllerId, IReadOnlyList<PartitionAdditionSpec> specs, bool validateOnly, CancellationToken ct)
    {
        var request = new CreatePartitionsRequest
        {
            TimeoutMs = _timeoutMs,
            ValidateOnly = validateOnly,
            Topics = [.. specs.Select(s => new CreatePartitionsRequest.CreatePartitionsTopic
            {
                Name = s.Name,
                Count = s.NewTotal,
                Assignments = s.Assignments?.Select(a => new CreatePartitionsRequest.CreatePartitionsAssignment { BrokerIds = [.. a] }).ToList(),
            })],
        };
        var response = await _connections.SendAsync<CreatePartitionsRequest, CreatePartitionsResponse>(controllerId, request, 3, ct).ConfigureAwait(false);
        return [.. response.Results.Select(r => new PartitionAdditionResult(r.Name, (ErrorCode)r.ErrorCode, r.ErrorMessage))];
    }

    public async Task<IReadOnlyList<TopicConfigChangeResult>> AlterTopicConfigsAsync(int controllerId, IReadOnlyList<TopicConfigChange> changes, bool validateOnly, CancellationToken ct)
    {
        var response = await AlterConfigsAsync(controllerId, changes.Select(c => (DescribeConfigsRequest.ResourceTypeTopic, c.Topic, c.NewOverrides)), validateOnly, ct).ConfigureAwait(false);
        return [.. response.Responses.Select(r => new TopicConfigChangeResult(r.ResourceName, (ErrorCode)r.ErrorCode, r.ErrorMessage))];
    }

    public async Task<(ErrorCode Error, string? Message)> AlterBrokerConfigsAsync(int controllerId, string resourceName, IReadOnlyDictionary<string, string> newOverrides,
        bool validateOnly, CancellationToken ct)
    {
        var response = await AlterConfigsAsync(controllerId, [(DescribeConfigsRequest.ResourceTypeBroker, resourceName, newOverrides)], validateOnly, ct).ConfigureAwait(false);
        var r = response.Responses.FirstOrDefault();
        return r is null ? (ErrorCode.UnknownServerError, "the controller returned no result") : ((ErrorCode)r.ErrorCode, r.ErrorMessage);
    }

    public async Task<long> AllocateProducerIdBlockAsync(int controllerId, long brokerEpoch, CancellationToken ct)
    {
        var response = await _connections.SendAsync<AllocateProducerIdsRequest, AllocateProducerIdsResponse>(controllerId,
            new AllocateProducerIdsRequest { BrokerId = localNodeId, BrokerEpoch = brokerEpoch }, 0, ct).ConfigureAwait(false);
        if (response.ErrorCode != 0) throw new KafkaException((ErrorCode)response.ErrorCode, $"AllocateProducerIds failed: {(ErrorCode)response.ErrorCode}");
        return response.ProducerIdStart;
    }

    /// <param name="controllerId">The active controller.</param>
    /// <param name="brokerId">The broker registering.</param>
    /// <param name="endpoints">Its advertised listeners.</param>
    /// <param name="rack">Its broker.rack.</param>
    /// <param name="previousBrokerEpoch">The epoch before a clean shutdown, -1 after a crash (KIP-966).</param>
    /// <param name="ct">Cancels the request.</param>
    public async Task<long> RegisterBrokerAsync(int controllerId, int brokerId, IReadOnlyList<BrokerEndpoint> endpoints, string? rack, long previousBrokerEpoch,
        CancellationToken ct)
    {
        var response = await _connections.SendAsync<BrokerRegistrationRequest, BrokerRegistrationResponse>(controllerId, new BrokerRegistrationRequest
        {
            BrokerId = brokerId,
            ClusterId = clusterId,
            IncarnationId = _incarnationId,
            Rack = rack,
            Listeners = [.. endpoints.Select(e => new RegistrationListener { Name = e.ListenerName, Host = e.Host, Port = (ushort)e.Port, SecurityProtocol = (short)e.SecurityProtocol })],
            PreviousBrokerEpoch = previousBrokerEpoch,
        }, 4, ct).ConfigureAwait(false);
        if (response.ErrorCode != 0) throw new KafkaException((ErrorCode)response.ErrorCode, $"BrokerRegistration failed: {(ErrorCode)response.ErrorCode}");
        return response.BrokerEpoch;
    }

    public async Task<ErrorCode> UnregisterBrokerAsync(int controllerId, int brokerId, CancellationToken ct)
    {
        var response = await _connections.SendAsync<UnregisterBrokerRequest, UnregisterBrokerResponse>(controllerId,
            new UnregisterBrokerRequest { BrokerId = brokerId }, 0, ct).ConfigureAwait(false);
        if ((ErrorCode)response.ErrorCode == ErrorCode.NotController) throw new KafkaException(ErrorCode.NotController, "the request reached a former controller");
        return (ErrorCode)response.ErrorCode;
    }

    public async Task<IReadOnlyList<ElectionResult>> ElectLeadersAsync(int controllerId, ElectionType type,
        IReadOnlyList<(string Topic, IReadOnlyList<int> Partitions)>? partitions, CancellationToken ct)
    {
        var request = new ElectLeadersRequest
        {
            ElectionType = (sbyte)type,
            TimeoutMs = _timeoutMs,
            TopicPartitions = partitions?.Select(t => new ElectLeadersRequest.ElectLeadersTopic { Topic = t.Topic, Partitions = [.. t.Partitions] }).ToList(),
        };
        var response = await _connections.SendAsync<ElectLeadersRequest, ElectLeadersResponse>(controllerId, request, 2, ct).ConfigureAwait(false);
        ThrowOnTopLevelError((ErrorCode)response.ErrorCode, "ElectLeaders");
        return [.. response.ReplicaElectionResults.SelectMany(t => t.PartitionResult.Select(p =>
            new ElectionResult(t.Topic, p.PartitionId, (ErrorCode)p.ErrorCode, p.ErrorMessage)))];
    }

    public async Task<IReadOnlyList<ReassignmentResult>> AlterPartitionReassignmentsAsync(int controllerId, IReadOnlyList<ReassignmentSpec> specs,
        bool allowReplicationFactorChange, CancellationToken ct)
    {
        var request = new AlterPartitionReassignmentsRequest
        {
            TimeoutMs = _timeoutMs,
            AllowReplicationFactorChange = allowReplicationFactorChange,
            Topics = [.. specs.GroupBy(s => s.Topic, StringComparer.Ordinal).Select(g => new AlterPartitionReassignmentsRequest.ReassignableTopic
            {
                Name = g.Key,
                Partitions = [.. g.Select(s => new AlterPartitionReassignmentsRequest.ReassignablePartition
                {
                    PartitionIndex = s.Partition, Replicas = s.TargetReplicas?.ToList(),
                })],
            })],
        };
        var response = await _connections.SendAsync<AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse>(controllerId, request, 1, ct)
            .ConfigureAwait(false);
        ThrowOnTopLevelError((ErrorCode)response.ErrorCode, "AlterPartitionReassignments");
        var answers = response.Responses.SelectMany(t => t.Partitions.Select(p => new ReassignmentResult(t.Name, p.PartitionIndex, (ErrorCode)p.ErrorCode, p.ErrorMessage)))
            .ToList();
        // Back in request order (the request grouped the specs by topic); a spec named twice gets its answers in turn.
        var results = new List<ReassignmentResult>(specs.Count);
        foreach (var spec in specs)
        {
            var i = answers.FindIndex(a => a.Topic == spec.Topic && a.Partition == spec.Partition);
            if (i < 0) throw new KafkaException(ErrorCode.UnknownServerError, $"the controller did not answer for {spec.Topic}-{spec.Partition}");
            results.Add(answers[i]);
            answers.RemoveAt(i);
        }
        return results;
    }

    public async Task<IReadOnlyList<OngoingReassignment>> ListPartitionReassignmentsAsync(int controllerId,
        IReadOnlyList<(string Topic, IReadOnlyList<int> Partitions)>? partitions, CancellationToken ct)
    {
        var request = new ListPartitionReassignmentsRequest
        {
            TimeoutMs = _timeoutMs,
            Topics = partitions?.Select(t => new ListPartitionReassignmentsRequest.ListPartitionReassignmentsTopics { Name = t.Topic, PartitionIndexes = [.. t.Partitions] })
                .ToList(),
        };
        var response = await _connections.SendAsync<ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse>(controllerId, request, 0, ct)
            .ConfigureAwait(false);
        ThrowOnTopLevelError((ErrorCode)response.ErrorCode, "ListPartitionReassignments");
        return [.. response.Topics.SelectMany(t => t.Partitions.Select(p =>
            new OngoingReassignment(t.Name, p.PartitionIndex, p.Replicas, p.AddingReplicas, p.RemovingReplicas)))];
    }

    /// <summary>A top-level error of a forwarded request: NOT_CONTROLLER makes the router look for the new controller.</summary>
    private static void ThrowOnTopLevelError(ErrorCode error, string api)
    {
        if (error != ErrorCode.None)
            throw new KafkaException(error, error == ErrorCode.NotController ? "the request reached a former controller" : $"the controller refused {api}: {error}");
    }

    public async Task<AlterPartitionResult> AlterPartitionAsync(int controllerId, AlterPartitionSpec change, CancellationToken ct)
    {
        var response = await _connections.SendAsync<AlterPartitionRequest, AlterPartitionResponse>(controllerId, new AlterPartitionRequest
        {
            BrokerId = change.BrokerId,
            BrokerEpoch = change.BrokerEpoch,
            Topics = [new()
            {
                TopicId = change.TopicId,
                Partitions = [new()
                {
                    PartitionIndex = change.Partition, LeaderEpoch = change.LeaderEpoch, PartitionEpoch = change.PartitionEpoch,
                    NewIsrWithEpochs = [.. change.NewIsr.Select(id => new AlterPartitionRequest.BrokerState { BrokerId = id })],
                }],
            }],
        }, 3, ct).ConfigureAwait(false);
        if (response.ErrorCode != 0) throw new KafkaException((ErrorCode)response.ErrorCode, $"AlterPartition failed: {(ErrorCode)response.ErrorCode}");
        var p = response.Topics.SelectMany(t => t.Partitions).FirstOrDefault();
        return p is null
            ? new AlterPartitionResult(ErrorCode.UnknownServerError, -1, -1, -1, [])
            : new AlterPartitionResult((ErrorCode)p.ErrorCode, p.LeaderId, p.LeaderEpoch, p.PartitionEpoch, p.Isr);
    }

    public async Task<BrokerHeartbeatResult> BrokerHeartbeatAsync(int controllerId, BrokerHeartbeatSpec heartbeat, CancellationToken ct)
    {
        var response = await _connections.SendAsync<BrokerHeartbeatRequest, BrokerHeartbeatResponse>(controllerId, new BrokerHeartbeatRequest
        {
            BrokerId = heartbeat.BrokerId,
            BrokerEpoch = heartbeat.BrokerEpoch,
            CurrentMetadataOffset = heartbeat.CurrentMetadataOffset,
            WantFence = heartbeat.WantFence,
            WantShutDown = heartbeat.WantShutDown,
            OfflineLogDirs = [.. heartbeat.OfflineLogDirs ?? []],
        }, 1, HeartbeatTimeout, ct).ConfigureAwait(false);
        if ((ErrorCode)response.ErrorCode == ErrorCode.NotController) throw new KafkaException(ErrorCode.NotController, "the heartbeat reached a former controller");
        return new BrokerHeartbeatResult((ErrorCode)response.ErrorCode, response.IsCaughtUp, response.IsFenced, response.ShouldShutDown);
    }

    public async Task<DirectoryAssignmentResult> AssignReplicasToDirsAsync(int controllerId, int brokerId, long brokerEpoch,
        IReadOnlyList<DirectoryAssignment> assignments, CancellationToken ct)
    {
        var request = new AssignReplicasToDirsRequest
        {
            BrokerId = brokerId,
            BrokerEpoch = brokerEpoch,
            Directories = [.. assignments.GroupBy(a => a.DirectoryId).Select(d => new AssignReplicasToDirsRequest.DirectoryData
            {
                Id = d.Key,
                Topics = [.. d.GroupBy(a => a.TopicId).Select(t => new AssignReplicasToDirsRequest.TopicData
                {
                    TopicId = t.Key,
                    Partitions = [.. t.Select(a => a.Partition)],
                })],
            })],
        };
        var response = await _connections.SendAsync<AssignReplicasToDirsRequest, AssignReplicasToDirsResponse>(controllerId, request, 0, ct).ConfigureAwait(false);
        if ((ErrorCode)response.ErrorCode == ErrorCode.NotController) throw new KafkaException(ErrorCode.NotController, "AssignReplicasToDirs reached a former controller");
        var outcomes = response.Directories.SelectMany(d => d.Topics.SelectMany(t => t.Partitions.Select(p =>
            (new DirectoryAssignment(t.TopicId, p.PartitionIndex, d.Id), (ErrorCode)p.ErrorCode)))).ToList();
        return new DirectoryAssignmentResult((ErrorCode)response.ErrorCode, outcomes);
    }

    /// <summary>Closes the connection to a former controller (a new one was elected elsewhere).</summary>
    public void Forget(int controllerId) => _connections.Close(controllerId);

    private Task<AlterConfigsResponse> AlterConfigsAsync(int controllerId, IEnumerable<(sbyte Type, string Name, IReadOnlyDictionary<string, string> Overrides)> resources,
        bool validateOnly, CancellationToken ct) =>
        _connections.SendAsync<AlterConfigsRequest, AlterConfigsResponse>(controllerId, new AlterConfigsRequest
        {
            ValidateOnly = validateOnly,
            Resources = [.. resources.Select(r => new AlterConfigsRequest.AlterConfigsResource
            {
                ResourceType = r.Type,
                ResourceName = r.Name,
                Configs = [.. r.Overrides.Select(c => new AlterConfigsRequest.AlterableConfig { Name = c.Key, Value = c.Value })],
            })],
        }, 2, ct);

    /// <summary>DescribeConfigs / CreateTopics source code of a config set on the topic itself (DYNAMIC_TOPIC_CONFIG).</summary>
    private const sbyte TopicConfigSource = 1;

    public ValueTask DisposeAsync() => _connections.DisposeAsync();
}
