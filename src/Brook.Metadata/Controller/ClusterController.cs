using Brook.Common;
using Brook.Metadata.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brook.Metadata;

/// <summary>
/// The controller: decides every metadata change against the committed image, appends it to the metadata quorum as
/// one atomic batch and returns once that batch is committed and published to the <see cref="MetadataView"/>, one change
/// at a time. State changes only through the replay of committed records (the <see cref="MetadataLoader"/>), so the
/// active controller, standby controllers and brokers build the same images. It acts only while this node leads the
/// quorum; otherwise a change fails with NOT_CONTROLLER. Broker liveness (heartbeat times, reported metadata offsets)
/// is the one state it keeps only in memory (<see cref="BrokerHeartbeatTracker"/>), as Kafka's controller does: it is
/// rebuilt whenever this node becomes active, and only its consequences (fencing, elections) are written.
/// </summary>
public sealed partial class ClusterController : IControllerChannel
{
    private readonly IMetadataQuorum _quorum;
    private readonly MetadataView _view;
    private readonly ClusterControllerOptions _options;
    private readonly ITopicConfigValidator? _configValidator;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly BrokerHeartbeatTracker _sessions;

    /// <param name="quorum">The metadata log this controller appends to (it does not own it).</param>
    /// <param name="view">The committed images, fed by the quorum through a <see cref="MetadataLoader"/>.</param>
    /// <param name="options">Server-side defaults for requests that leave them open.</param>
    /// <param name="configValidator">Checks topic configs at creation; null accepts every key and value.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="time">The clock broker sessions are measured on (tests pass a fake one).</param>
    public ClusterController(
        IMetadataQuorum quorum,
        MetadataView view,
        ClusterControllerOptions? options = null,
        ITopicConfigValidator? configValidator = null,
        ILogger<ClusterController>? logger = null,
        TimeProvider? time = null)
    {
        _quorum = quorum;
        _view = view;
        _options = options ?? new ClusterControllerOptions();
        _configValidator = configValidator;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _sessions = new BrokerHeartbeatTracker(time ?? TimeProvider.System, _options.BrokerSessionTimeout);
    }

    /// <summary>The latest committed image (the view's).</summary>
    public MetadataImage Image => _view.Image;

    /// <summary>True while this node leads the metadata quorum, i.e. is the active controller.</summary>
    public bool IsActive => _quorum.Leader.LeaderId == _quorum.NodeId;

    /// <summary>
    /// Creates topics as CreateTopics does: one result per distinct name, in request order. All accepted topics are
    /// committed together in one batch; with <paramref name="validateOnly"/> nothing is written.
    /// </summary>
    public async Task<IReadOnlyList<CreateTopicResult>> CreateTopicsAsync(
        IReadOnlyList<CreateTopicSpec> specs, bool validateOnly, CancellationToken cancellationToken)
    {
        var results = await WriteAsync<IReadOnlyList<CreateTopicResult>>(image =>
        {
            var (planned, records) = TopicCreationPlanner.Plan(image, specs, _options, _configValidator, validateOnly);
            return (records, planned);
        }, cancellationToken);
        if (!validateOnly)
        {
            foreach (var r in results)
            {
                if (r.ErrorCode == ErrorCode.None)
                    _logger.LogInformation("Created topic {Topic} ({TopicId}) with {Partitions} partitions, replication factor {ReplicationFactor}",
                        r.Name, r.TopicId, r.NumPartitions, r.ReplicationFactor);
            }
        }
        return results;
    }

    /// <summary>
    /// Deletes topics named by name or by id (a zero id counts as absent); one result per entry, in request order.
    /// </summary>
    public async Task<IReadOnlyList<DeleteTopicResult>> DeleteTopicsAsync(
        IReadOnlyList<(string? Name, Uuid? Id)> topics, CancellationToken cancellationToken)
    {
        var results = await WriteAsync<IReadOnlyList<DeleteTopicResult>>(image =>
        {
            var (planned, records) = TopicDeletionPlanner.Plan(image, topics);
            return (records, planned);
        }, cancellationToken);
        foreach (var r in results)
        {
            if (r.ErrorCode == ErrorCode.None) _logger.LogInformation("Deleted topic {Topic} ({TopicId})", r.Name, r.TopicId);
        }
        return results;
    }

    /// <summary>Adds partitions to existing topics (CreatePartitions); one result per entry, nothing written when validating only.</summary>
    public async Task<IReadOnlyList<PartitionAdditionResult>> CreatePartitionsAsync(
        IReadOnlyList<PartitionAdditionSpec> specs, bool validateOnly, CancellationToken cancellationToken)
    {
        var results = await WriteAsync<IReadOnlyList<PartitionAdditionResult>>(image =>
        {
            var (planned, records) = PartitionAdditionPlanner.Plan(image, specs);
            return (validateOnly ? [] : records, planned);
        }, cancellationToken);
        if (!validateOnly)
        {
            foreach (var (r, spec) in results.Zip(specs))
                if (r.ErrorCode == ErrorCode.None) _logger.LogInformation("Topic {Topic} now has {Partitions} partitions", r.Name, spec.NewTotal);
        }
        return results;
    }

    /// <summary>
    /// Replaces topics' config overrides with the given complete sets (AlterConfigs and, after applying its operations,
    /// IncrementalAlterConfigs). Changes are metadata records, so they take effect at once and survive restarts.
    /// </summary>
    public async Task<IReadOnlyList<TopicConfigChangeResult>> AlterTopicConfigsAsync(
        IReadOnlyList<TopicConfigChange> changes, bool validateOnly, CancellationToken cancellationToken)
    {
        List<PartitionChange> elections = [];
        var results = await WriteAsync<IReadOnlyList<TopicConfigChangeResult>>(image =>
        {
            var (planned, records) = TopicConfigChangePlanner.Plan(image, changes, _configValidator);
            if (validateOnly) return ([], planned);
            elections = PlanElectionsAfterConfigChange(image, records);
            return ([.. records, .. elections.Select(c => c.After)], planned);
        }, cancellationToken);
        if (!validateOnly)
        {
            foreach (var (r, change) in results.Zip(changes))
                if (r.ErrorCode == ErrorCode.None)
                    _logger.LogInformation("Topic {Topic} configs are now {{{Configs}}}", r.Topic, string.Join(", ", change.NewOverrides.Select(kv => $"{kv.Key}={kv.Value}")));
            if (elections.Count > 0) _logger.LogInformation("Elected leaders after the config change{Changes}", Describe(elections));
            LogUnclean(elections);
        }
        return results;
    }

    /// <summary>
    /// Topics whose unclean.leader.election.enable the config records change — named topics, or every topic when the
    /// cluster-wide dynamic default changes: their leaderless partitions elect now (where the effective value is on),
    /// decided against the image with the records applied, and written in the same batch.
    /// </summary>
    private List<PartitionChange> PlanElectionsAfterConfigChange(MetadataImage image, List<MetadataRecord> configRecords)
    {
        var unclean = configRecords.OfType<ConfigRecord>().Where(r => r.Key == LeaderElectionPlanner.UncleanLeaderElectionKey).ToList();
        var clusterDefaultChanged = unclean.Any(r => r.ResourceType == ConfigResourceType.Broker && r.ResourceName.Length == 0);
        var topics = clusterDefaultChanged
            ? [.. image.TopicsByName.Keys]
            : unclean.Where(r => r.ResourceType == ConfigResourceType.Topic).Select(r => r.ResourceName).Distinct().ToList();
        if (topics.Count == 0) return [];
        var after = image.Apply(new MetadataBatch(image.Offset + 1, configRecords));
        return [.. topics.SelectMany(name => after.TopicsByName.TryGetValue(name, out var topic)
            ? LeaderElectionPlanner.PlanLeaderlessAfterConfigChange(after, topic, _options.Elections)
            : [])];
    }

    /// <summary>
    /// Replaces the dynamic config overrides of a broker (<paramref name="resourceName"/> = its id) or of all brokers
    /// (empty name = cluster-wide default) with <paramref name="newOverrides"/>; <paramref name="validate"/> checks each
    /// key. Kept as ConfigRecords, so the change applies at once and survives restarts.
    /// </summary>
    public async Task<(ErrorCode Error, string? Message)> AlterBrokerConfigsAsync(string resourceName, IReadOnlyDictionary<string, string> newOverrides,
        Func<string, string?, string?> validate, bool validateOnly, CancellationToken cancellationToken)
    {
        List<PartitionChange> elections = [];
        var result = await WriteAsync<(ErrorCode, string?)>(image =>
        {
            foreach (var (key, value) in newOverrides)
            {
                if (validate(key, value) is { } problem) return ([], (ErrorCode.InvalidConfig, problem));
            }
            var current = image.BrokerConfigs.TryGetValue(resourceName, out var c) ? c : new Dictionary<string, string>();
            var records = new List<MetadataRecord>();
            foreach (var (key, value) in newOverrides)
                if (!current.TryGetValue(key, out var old) || old != value) records.Add(new ConfigRecord(ConfigResourceType.Broker, resourceName, key, value));
            foreach (var key in current.Keys)
                if (!newOverrides.ContainsKey(key)) records.Add(new ConfigRecord(ConfigResourceType.Broker, resourceName, key, null));
            if (validateOnly) return ([], (ErrorCode.None, null));
            elections = PlanElectionsAfterConfigChange(image, records);
            return ([.. records, .. elections.Select(c => c.After)], (ErrorCode.None, null));
        }, cancellationToken);
        if (!validateOnly && result.Item1 == ErrorCode.None)
        {
            _logger.LogInformation("Dynamic broker configs of {Resource} are now {{{Configs}}}", resourceName.Length == 0 ? "<cluster default>" : resourceName,
                string.Join(", ", newOverrides.Select(kv => $"{kv.Key}={kv.Value}")));
            if (elections.Count > 0) _logger.LogInformation("Elected leaders after the config change{Changes}", Describe(elections));
            LogUnclean(elections);
        }
        return result;
    }

    /// <summary>
    /// Reserves <paramref name="blockSize"/> producer ids and returns the first; the reservation is durable before this
    /// returns, so no id is ever handed out twice, even across restarts (ids of a block unused at a crash are skipped).
    /// </summary>
    public Task<long> AllocateProducerIdBlockAsync(int blockSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        return WriteAsync(image =>
        {
            var start = image.NextProducerId;
            if (start > long.MaxValue - blockSize)
                throw new KafkaException(ErrorCode.UnknownServerError, "The producer id space is exhausted.");
            return ((IReadOnlyList<MetadataRecord>)[new ProducerIdsRecord(_quorum.NodeId, start + blockSize)], start);
        }, cancellationToken);
    }

    /// <summary>
    /// AlterPartition (KIP-497): the partition's leader replaces its ISR. Refused unless the request comes from the
    /// current leader in the current leader epoch and names the current partition epoch, and the new ISR holds the
    /// leader and only registered replicas of the partition. A change writes the partition with its epoch bumped.
    /// </summary>
    public Task<AlterPartitionResult> AlterPartitionAsync(AlterPartitionSpec change, CancellationToken cancellationToken) =>
        WriteAsync<AlterPartitionResult>(image =>
        {
            if (!image.TopicsById.TryGetValue(change.TopicId, out var topic) || change.Partition < 0 || change.Partition >= topic.Partitions.Length)
                return ([], new AlterPartitionResult(ErrorCode.UnknownTopicOrPartition, -1, -1, -1, Array.Empty<int>()));
            var p = topic.Partitions[change.Partition];
            AlterPartitionResult Refuse(ErrorCode error) => new(error, p.Leader, p.LeaderEpoch, p.PartitionEpoch, p.Isr);
            if (change.LeaderEpoch < p.LeaderEpoch) return ([], Refuse(ErrorCode.FencedLeaderEpoch));
            if (change.LeaderEpoch > p.LeaderEpoch) return ([], Refuse(ErrorCode.UnknownLeaderEpoch));
            if (p.Leader != change.BrokerId) return ([], Refuse(ErrorCode.NotLeaderOrFollower));
            if (change.PartitionEpoch != p.PartitionEpoch) return ([], Refuse(ErrorCode.InvalidUpdateVersion));
            // KIP-841: a broker that is fenced or shutting down may stay in the ISR it is in, but not join one.
            if (!change.NewIsr.Contains(change.BrokerId) || change.NewIsr.Distinct().Count() != change.NewIsr.Count
                || change.NewIsr.Any(id => !p.Replicas.Contains(id) || !image.Brokers.TryGetValue(id, out var b) || (!b.IsActive && !p.Isr.Contains(id))))
                return ([], Refuse(ErrorCode.IneligibleReplica));
            if (change.NewIsr.Order().SequenceEqual(p.Isr.Order())) return ([], Refuse(ErrorCode.None));
            var changed = p.ToRecord(topic.Id) with { Isr = [.. change.NewIsr], PartitionEpoch = p.PartitionEpoch + 1 };
            _logger.LogInformation("ISR of {Topic}-{Partition} changes from [{Old}] to [{New}] (leader {Leader}, epoch {Epoch})",
                topic.Name, p.Index, string.Join(",", p.Isr), string.Join(",", change.NewIsr), p.Leader, p.LeaderEpoch);
            // The ISR change that brings the last adding replica in completes a running reassignment in the same write.
            var record = ReassignmentPlanner.CompleteIfReady(image, changed);
            if (!ReferenceEquals(record, changed))
                _logger.LogInformation("Reassignment of {Topic}-{Partition} completed: replicas [{Replicas}], ISR [{Isr}], leader {Leader} (epoch {Epoch})",
                    topic.Name, p.Index, string.Join(",", record.Replicas), string.Join(",", record.Isr), record.Leader, record.LeaderEpoch);
            return ((IReadOnlyList<MetadataRecord>)[record], new AlterPartitionResult(ErrorCode.None, record.Leader, record.LeaderEpoch, record.PartitionEpoch, [.. record.Isr]));
        }, cancellationToken);

    /// <summary>
    /// Runs one change: decide against the committed image, append, wait until the committed batch is published —
    /// serialized with every other change, so each decision sees the result of the one before. A cluster without an id
    /// yet (the first write of a new single node) gets its ClusterIdRecord in the same batch.
    /// </summary>
    /// <param name="decide">The decision against the current committed image.</param>
    /// <param name="cancellationToken">Cancels the wait (the batch may still commit).</param>
    /// <param name="appended">Called, still under the write lock, with the offset of the batch's last record once it is published.</param>
    /// <param name="uncleanShutdown">Brokers that came back from an unclean shutdown: they leave every ELR the batch touches.</param>
    /// <remarks>
    /// Every partition record of an existing partition passes through <see cref="EligibleLeaderReplicas.Track"/> here,
    /// so the ELR and the last known leader stay true whichever planner made the change.
    /// </remarks>
    private async Task<T> WriteAsync<T>(Func<MetadataImage, (IReadOnlyList<MetadataRecord> Records, T Result)> decide, CancellationToken cancellationToken,
        Action<long>? appended = null, IReadOnlyCollection<int>? uncleanShutdown = null)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var leader = _quorum.Leader;
            if (leader.LeaderId != _quorum.NodeId)
                throw new KafkaException(ErrorCode.NotController, $"node {_quorum.NodeId} is not the active controller (the leader is {leader.LeaderId})");
            var image = _view.Image;
            var (records, result) = decide(image);
            if (records.Count == 0) return result;
            records = TrackEligibleLeaderReplicas(image, records, uncleanShutdown);
            if (image.ClusterId is null)
            {
                var clusterId = _options.ClusterId ?? Uuid.NewRandom().ToString();
                records = [new ClusterIdRecord(clusterId), .. records];
                _logger.LogInformation("Formatting a new cluster with id {ClusterId}", clusterId);
            }
            var lastOffset = await _quorum.AppendAsync(leader.Epoch, records, cancellationToken);
            await _view.WaitForOffsetAsync(lastOffset, cancellationToken);
            appended?.Invoke(lastOffset);
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private IReadOnlyList<MetadataRecord> TrackEligibleLeaderReplicas(MetadataImage image, IReadOnlyList<MetadataRecord> records,
        IReadOnlyCollection<int>? uncleanShutdown)
    {
        MetadataRecord[]? tracked = null;
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i] is not PartitionRecord r || !image.TopicsById.TryGetValue(r.TopicId, out var topic)
                || r.PartitionIndex < 0 || r.PartitionIndex >= topic.Partitions.Length)
                continue;
            var before = topic.Partitions[r.PartitionIndex];
            var after = EligibleLeaderReplicas.Track(image, topic, before, r, _options.Elections, uncleanShutdown);
            if (ReferenceEquals(after, r)) continue;
            tracked ??= [.. records];
            tracked[i] = after;
            if (!after.EligibleLeaderReplicas.SequenceEqual(before.Elr) || !after.LastKnownElr.SequenceEqual(before.LastKnownElr))
                _logger.LogInformation("Eligible leader replicas of {Topic}-{Partition}: [{Elr}], last known leader [{LastKnown}] (ISR [{Isr}], leader {Leader})",
                    topic.Name, r.PartitionIndex, string.Join(",", after.EligibleLeaderReplicas), string.Join(",", after.LastKnownElr),
                    string.Join(",", after.Isr), after.Leader);
        }
        return tracked ?? records;
    }
}
