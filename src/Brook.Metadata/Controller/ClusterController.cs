using Brook.Common;
using Brook.Metadata.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brook.Metadata;

/// <summary>
/// The single-node controller: the only writer of the metadata log. Every change is decided against the current image,
/// appended as one atomic batch, replayed into the next image and published, one change at a time. Readers use
/// <see cref="Image"/> (always a complete, committed state) or subscribe to <see cref="ImagePublished"/>.
/// Owns <see cref="IMetadataQuorum"/> and disposes it.
/// </summary>
public sealed class ClusterController : IDisposable
{
    private readonly IMetadataQuorum _quorum;
    private readonly ClusterControllerOptions _options;
    private readonly ITopicConfigValidator? _configValidator;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private MetadataImage _image = MetadataImage.Empty;
    private bool _started;
    private int _brokerId = -1;

    /// <param name="configValidator">Checks topic configs at creation; null accepts every key and value.</param>
    public ClusterController(
        IMetadataQuorum quorum,
        ClusterControllerOptions? options = null,
        ITopicConfigValidator? configValidator = null,
        ILogger<ClusterController>? logger = null)
    {
        _quorum = quorum;
        _options = options ?? new ClusterControllerOptions();
        _configValidator = configValidator;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The latest committed image; <see cref="MetadataImage.Empty"/> before <see cref="StartAsync"/>.</summary>
    public MetadataImage Image => Volatile.Read(ref _image);

    /// <summary>
    /// Raised after every change (and once at start-up) with the new image, in commit order and never concurrently.
    /// Handlers run on the writer's thread while the next write waits, so they should be quick; their exceptions are logged, not thrown.
    /// </summary>
    public event Action<MetadataImage>? ImagePublished;

    /// <summary>
    /// Replays the log into the image, writes a new cluster id on the very first start, and (re-)registers this broker
    /// when its endpoints or rack differ from the registration in the log.
    /// </summary>
    public async Task StartAsync(int brokerId, IReadOnlyList<BrokerEndpoint> endpoints, string? rack, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (_started) throw new InvalidOperationException("the controller is already started");
            var batches = _quorum.ReadAll();
            var image = MetadataImage.Replay(batches);
            _logger.LogInformation("Replayed {Batches} metadata batches up to offset {Offset}: {Topics} topics, {Brokers} brokers",
                batches.Count, image.Offset, image.TopicsByName.Count, image.Brokers.Count);

            var records = new List<MetadataRecord>();
            if (image.ClusterId is null)
            {
                var clusterId = Uuid.NewRandom().ToString();
                records.Add(new ClusterIdRecord(clusterId));
                _logger.LogInformation("Formatting a new cluster with id {ClusterId}", clusterId);
            }
            if (!image.Brokers.TryGetValue(brokerId, out var registration)
                || !registration.Endpoints.SequenceEqual(endpoints)
                || registration.Rack != rack)
            {
                records.Add(new RegisterBrokerRecord(brokerId, [.. endpoints], rack));
            }

            if (records.Count > 0) image = await AppendAndApplyAsync(image, records, cancellationToken);
            _brokerId = brokerId;
            _started = true;
            Publish(image);
        }
        finally
        {
            _writeLock.Release();
        }
    }

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
        var results = await WriteAsync<IReadOnlyList<TopicConfigChangeResult>>(image =>
        {
            var (planned, records) = TopicConfigChangePlanner.Plan(image, changes, _configValidator);
            return (validateOnly ? [] : records, planned);
        }, cancellationToken);
        if (!validateOnly)
        {
            foreach (var (r, change) in results.Zip(changes))
                if (r.ErrorCode == ErrorCode.None)
                    _logger.LogInformation("Topic {Topic} configs are now {{{Configs}}}", r.Topic, string.Join(", ", change.NewOverrides.Select(kv => $"{kv.Key}={kv.Value}")));
        }
        return results;
    }

    /// <summary>
    /// Replaces the dynamic config overrides of a broker (<paramref name="resourceName"/> = its id) or of all brokers
    /// (empty name = cluster-wide default) with <paramref name="newOverrides"/>; <paramref name="validate"/> checks each
    /// key. Kept as ConfigRecords, so the change applies at once and survives restarts.
    /// </summary>
    public async Task<(ErrorCode Error, string? Message)> AlterBrokerConfigsAsync(string resourceName, IReadOnlyDictionary<string, string> newOverrides,
        Func<string, string?, string?> validate, bool validateOnly, CancellationToken cancellationToken)
    {
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
            return (validateOnly ? [] : records, (ErrorCode.None, null));
        }, cancellationToken);
        if (!validateOnly && result.Item1 == ErrorCode.None)
            _logger.LogInformation("Dynamic broker configs of {Resource} are now {{{Configs}}}", resourceName.Length == 0 ? "<cluster default>" : resourceName,
                string.Join(", ", newOverrides.Select(kv => $"{kv.Key}={kv.Value}")));
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
            return ((IReadOnlyList<MetadataRecord>)[new ProducerIdsRecord(_brokerId, start + blockSize)], start);
        }, cancellationToken);
    }

    /// <summary>Runs one change: decide against the current image, append, apply, publish — serialized with every other change.</summary>
    private async Task<T> WriteAsync<T>(Func<MetadataImage, (IReadOnlyList<MetadataRecord> Records, T Result)> decide, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (!_started) throw new InvalidOperationException("the controller is not started");
            var image = _image;
            var (records, result) = decide(image);
            if (records.Count > 0) Publish(await AppendAndApplyAsync(image, records, cancellationToken));
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<MetadataImage> AppendAndApplyAsync(MetadataImage image, IReadOnlyList<MetadataRecord> records, CancellationToken cancellationToken)
    {
        var lastOffset = await _quorum.AppendAsync(records, cancellationToken);
        var delta = new MetadataDelta(image);
        delta.Replay(new MetadataBatch(lastOffset - records.Count + 1, records));
        return delta.Build();
    }

    private void Publish(MetadataImage image)
    {
        Volatile.Write(ref _image, image);
        if (ImagePublished is not { } handlers) return;
        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((Action<MetadataImage>)handler)(image);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "A metadata image subscriber failed on the image at offset {Offset}", image.Offset);
            }
        }
    }

    /// <summary>Closes the metadata log. The semaphore is left to the GC: disposing it could fault a writer still queued on it.</summary>
    public void Dispose() => _quorum.Dispose();
}
