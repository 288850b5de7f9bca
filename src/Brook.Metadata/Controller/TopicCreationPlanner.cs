using Brook.Common;
using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>
/// Decides a CreateTopics request against one image: a result per distinct topic name (in first-seen order) and the
/// records that create the accepted topics. Pure: nothing is written here, so validate-only is the same path minus the append.
/// </summary>
internal static class TopicCreationPlanner
{
    /// <summary>
    /// Kafka caps partitions per request (KRaft's MAX_PARTITIONS_PER_BATCH) because one request becomes one atomic
    /// batch; the cap also stops a single request from making the controller allocate millions of records.
    /// </summary>
    public const int MaxPartitionsPerRequest = 10_000;

    public static (List<CreateTopicResult> Results, List<MetadataRecord> Records) Plan(
        MetadataImage image,
        IReadOnlyList<CreateTopicSpec> specs,
        ClusterControllerOptions options,
        ITopicConfigValidator? configValidator,
        bool validateOnly)
    {
        var results = new List<CreateTopicResult>(specs.Count);
        var records = new List<MetadataRecord>();

        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var spec in specs)
            occurrences[spec.Name ?? ""] = occurrences.GetValueOrDefault(spec.Name ?? "") + 1;

        if (CountPartitions(specs, options) > MaxPartitionsPerRequest)
        {
            foreach (var name in occurrences.Keys)
                results.Add(CreateTopicResult.Error(name, ErrorCode.PolicyViolation,
                    $"Excessively large number of partitions per request (limit {MaxPartitionsPerRequest})."));
            return (results, records);
        }

        var collisionKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in image.TopicsByName.Keys) collisionKeys.TryAdd(TopicNames.CollisionKey(name), name);
        var brokers = ReplicaPlacer.UsableBrokers(image);
        var placementStart = image.TopicsByName.Values.Sum(t => t.Partitions.Length);
        var reported = new HashSet<string>(StringComparer.Ordinal);

        foreach (var spec in specs)
        {
            var name = spec.Name ?? "";
            if (!reported.Add(name)) continue;
            if (occurrences[name] > 1)
            {
                results.Add(CreateTopicResult.Error(name, ErrorCode.InvalidRequest, $"Topic '{name}' appears more than once in the request."));
                continue;
            }
            var result = PlanOne(image, spec, name, options, configValidator, validateOnly, collisionKeys, brokers, ref placementStart, records);
            results.Add(result);
        }
        return (results, records);
    }

    private static CreateTopicResult PlanOne(
        MetadataImage image,
        CreateTopicSpec spec,
        string name,
        ClusterControllerOptions options,
        ITopicConfigValidator? configValidator,
        bool validateOnly,
        Dictionary<string, string> collisionKeys,
        List<(int Id, string? Rack)> brokers,
        ref int placementStart,
        List<MetadataRecord> records)
    {
        if (TopicNames.Validate(name) is { } nameError)
            return CreateTopicResult.Error(name, ErrorCode.InvalidTopicException, nameError);
        if (image.TopicsByName.ContainsKey(name))
            return CreateTopicResult.Error(name, ErrorCode.TopicAlreadyExists, $"Topic '{name}' already exists.");
        if (collisionKeys.TryGetValue(TopicNames.CollisionKey(name), out var other))
            return CreateTopicResult.Error(name, ErrorCode.InvalidTopicException,
                $"Topic '{name}' collides with topic '{other}': names that differ only in '.' versus '_' are not allowed together.");

        int[][] replicas;
        if (spec.Assignments is { Count: > 0 } assignments)
        {
            if (spec.NumPartitions != -1 || spec.ReplicationFactor != -1)
                return CreateTopicResult.Error(name, ErrorCode.InvalidRequest,
                    "Replica assignments were given together with a partition count or replication factor; use one or the other.");
            if (ValidateAssignments(assignments, image) is { } assignmentError)
                return CreateTopicResult.Error(name, ErrorCode.InvalidReplicaAssignment, assignmentError);
            replicas = assignments.OrderBy(a => a.PartitionIndex).Select(a => a.BrokerIds.ToArray()).ToArray();
        }
        else
        {
            var numPartitions = spec.NumPartitions == -1 ? options.DefaultNumPartitions : spec.NumPartitions;
            if (numPartitions < 1)
                return CreateTopicResult.Error(name, ErrorCode.InvalidPartitions, "Number of partitions must be larger than 0.");
            int replicationFactor = spec.ReplicationFactor == -1 ? options.DefaultReplicationFactor : spec.ReplicationFactor;
            if (replicationFactor < 1)
                return CreateTopicResult.Error(name, ErrorCode.InvalidReplicationFactor, "Replication factor must be larger than 0.");
            // Only active brokers take new replicas (KIP-631): a fenced broker may never come back.
            if (ReplicaPlacer.CheckReplicationFactor(replicationFactor, brokers.Count, image.Brokers.Count) is { } rfError)
                return CreateTopicResult.Error(name, ErrorCode.InvalidReplicationFactor, rfError);
            replicas = ReplicaPlacer.Place(brokers, numPartitions, replicationFactor, placementStart);
        }

        var configs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (spec.Configs is not null)
        {
            foreach (var (key, value) in spec.Configs)
            {
                if (configValidator?.Validate(key, value) is { } configError)
                    return CreateTopicResult.Error(name, ErrorCode.InvalidConfig, configError);
                if (value is not null) configs[key] = value;
            }
        }

        collisionKeys[TopicNames.CollisionKey(name)] = name;
        placementStart += replicas.Length;
        var rf = (short)replicas[0].Length;
        if (validateOnly) return new CreateTopicResult(name, Uuid.Zero, ErrorCode.None, null, replicas.Length, rf, configs);

        var topicId = NewTopicId(image);
        records.Add(new TopicRecord(name, topicId));
        for (var p = 0; p < replicas.Length; p++) records.Add(NewPartition(image, topicId, p, replicas[p]));
        foreach (var (key, value) in configs) records.Add(new ConfigRecord(ConfigResourceType.Topic, name, key, value));
        return new CreateTopicResult(name, topicId, ErrorCode.None, null, replicas.Length, rf, configs);
    }

    /// <summary>
    /// A new partition: its active replicas are in sync (all of them when placed; a manual assignment may name fenced
    /// brokers, which Kafka leaves out of the ISR), the first of them leads, both epochs at zero.
    /// </summary>
    internal static PartitionRecord NewPartition(MetadataImage image, Uuid topicId, int index, int[] replicas)
    {
        int[] isr = [.. replicas.Where(id => image.Brokers.TryGetValue(id, out var b) && b.IsActive)];
        return new PartitionRecord(topicId, index, replicas, isr, isr[0], 0, 0);
    }

    /// <summary>Kafka refuses a manual assignment whose partition has no active replica to lead it.</summary>
    internal static string? CheckAssignmentHasActiveReplica(MetadataImage image, int partition, IEnumerable<int> replicas) =>
        replicas.Any(id => image.Brokers.TryGetValue(id, out var b) && b.IsActive)
            ? null
            : $"All brokers specified in the manual partition assignment for partition {partition} are fenced or in controlled shutdown.";

    private static string? ValidateAssignments(IReadOnlyList<ReplicaAssignment> assignments, MetadataImage image)
    {
        var sorted = assignments.OrderBy(a => a.PartitionIndex).ToArray();
        var replicationFactor = sorted[0].BrokerIds?.Count ?? 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            var a = sorted[i];
            if (a.PartitionIndex != i)
                return "Partition indexes of the replica assignments must be 0, 1, 2, ... without gaps or repeats.";
            if (a.BrokerIds is null || a.BrokerIds.Count == 0)
                return $"Partition {i} has an empty replica list.";
            if (a.BrokerIds.Count != replicationFactor)
                return "All partitions must have the same number of replicas.";
            if (a.BrokerIds.Distinct().Count() != a.BrokerIds.Count)
                return $"Partition {i} lists a broker more than once.";
            foreach (var broker in a.BrokerIds)
                if (!image.Brokers.ContainsKey(broker))
                    return $"Partition {i} is assigned to broker {broker}, which is not registered.";
            if (CheckAssignmentHasActiveReplica(image, i, a.BrokerIds) is { } inactive) return inactive;
        }
        return null;
    }

    private static long CountPartitions(IReadOnlyList<CreateTopicSpec> specs, ClusterControllerOptions options)
    {
        long total = 0;
        foreach (var spec in specs)
        {
            if (spec.Assignments is { Count: > 0 } a) total += a.Count;
            else if (spec.NumPartitions == -1) total += options.DefaultNumPartitions;
            else if (spec.NumPartitions > 0) total += spec.NumPartitions;
        }
        return total;
    }

    private static Uuid NewTopicId(MetadataImage image)
    {
        while (true)
        {
            var id = Uuid.NewRandom();
            if (!image.TopicsById.ContainsKey(id)) return id;
        }
    }
}
