namespace Brook.Common.Config;

/// <summary>The per-topic configuration keys (CreateTopics, AlterConfigs, DescribeConfigs), with Kafka's validation.</summary>
/// <remarks>
/// A topic key that is not overridden takes its value from the broker key(s) naming it as <see cref="ConfigDef.TopicSynonym"/>
/// (e.g. retention.ms ← log.retention.ms / minutes / hours), and otherwise from its own default, which equals the broker
/// default converted to the topic's units.
/// </remarks>
public static class TopicConfigDefs
{
    private const string LongMax = "9223372036854775807";

    private static readonly ConfigDef[] Defs =
    [
        new("cleanup.policy", ConfigType.List, "delete", ConfigValidator.ListOf("delete", "compact"), ConfigImportance.Medium,
            "delete (drop old segments), compact (keep the latest record per key) or both."),
        new("compression.type", ConfigType.String, "producer", ConfigValidator.OneOf("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"), ConfigImportance.Medium,
            "Compression of stored batches; producer keeps the producer's."),
        new("delete.retention.ms", ConfigType.Long, "86400000", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "How long tombstones survive compaction."),
        new("file.delete.delay.ms", ConfigType.Long, "60000", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Delay before a deleted segment's files are removed."),
        new("flush.messages", ConfigType.Long, LongMax, ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "fsync after this many messages."),
        new("flush.ms", ConfigType.Long, LongMax, ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "fsync after data has waited this long."),
        new("follower.replication.throttled.replicas", ConfigType.List, "", ThrottledReplicas.Validator, ConfigImportance.Medium,
            "Replicas (partitionId:brokerId pairs, or *) whose fetching as followers counts against follower.replication.throttled.rate of their broker; replicas out of the ISR are held back once it is exceeded."),
        new("index.interval.bytes", ConfigType.Int, "4096", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Bytes of records between offset-index entries."),
        new("leader.replication.throttled.replicas", ConfigType.List, "", ThrottledReplicas.Validator, ConfigImportance.Medium,
            "Replicas (partitionId:brokerId pairs, or *) whose serving of followers as leader counts against leader.replication.throttled.rate of their broker; followers out of the ISR are held back once it is exceeded."),
        new("max.compaction.lag.ms", ConfigType.Long, LongMax, ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Longest a record may stay uncompacted."),
        new("max.message.bytes", ConfigType.Int, "1048588", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Largest record batch accepted (after compression)."),
        new("message.downconversion.enable", ConfigType.Boolean, "true", null, ConfigImportance.Low,
            "Kafka 3.x: down-convert records for old fetch versions. Removed in Kafka 4.0; accepted and stored, no effect in Brook."),
        new("message.format.version", ConfigType.String, MessageFormatVersion.Default, MessageFormatVersion.Validator, ConfigImportance.Medium,
            "Kafka 3.x: record format of appended batches (e.g. 2.8, 3.0-IV1). Removed in Kafka 4.0, where every batch is format v2 (KIP-724); accepted and stored, no effect in Brook."),
        new("message.timestamp.after.max.ms", ConfigType.Long, "3600000", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "With CreateTime, reject batches timestamped further than this in the future."),
        new("message.timestamp.before.max.ms", ConfigType.Long, LongMax, ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "With CreateTime, reject batches timestamped further than this in the past."),
        new("message.timestamp.difference.max.ms", ConfigType.Long, LongMax, ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Kafka 3.x: how far a CreateTime timestamp may be from the broker's clock. Removed in Kafka 4.0 in favour of message.timestamp.before.max.ms and message.timestamp.after.max.ms; accepted and stored, no effect in Brook."),
        new("message.timestamp.type", ConfigType.String, "CreateTime", ConfigValidator.OneOf("CreateTime", "LogAppendTime"), ConfigImportance.Medium,
            "CreateTime keeps the producer's timestamp; LogAppendTime stamps the append time."),
        new("min.cleanable.dirty.ratio", ConfigType.Double, "0.5", ConfigValidator.Between(0.0, 1.0), ConfigImportance.Medium,
            "Minimum dirty/total ratio before compaction."),
        new("min.compaction.lag.ms", ConfigType.Long, "0", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Minimum age of a record before it may be compacted."),
        new("min.insync.replicas", ConfigType.Int, "1", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Replicas that must acknowledge an acks=all produce."),
        new("preallocate", ConfigType.Boolean, "false", null, ConfigImportance.Medium,
            "Preallocate segment files."),
        new("retention.bytes", ConfigType.Long, "-1", null, ConfigImportance.Medium,
            "Delete old segments while a partition is larger than this; -1 = no limit."),
        new("retention.ms", ConfigType.Long, "604800000", ConfigValidator.AtLeast(-1), ConfigImportance.Medium,
            "Delete segments older than this; -1 = forever."),
        new("segment.bytes", ConfigType.Int, "1073741824", ConfigValidator.AtLeast(14), ConfigImportance.Medium,
            "Maximum segment file size."),
        new("segment.index.bytes", ConfigType.Int, "10485760", ConfigValidator.AtLeast(4), ConfigImportance.Medium,
            "Maximum offset-index size of a segment."),
        new("segment.jitter.ms", ConfigType.Long, "0", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Random jitter subtracted from segment.ms."),
        new("segment.ms", ConfigType.Long, "604800000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Roll a new segment after this long even if not full."),
        new("unclean.leader.election.enable", ConfigType.Boolean, "false", null, ConfigImportance.Medium,
            "Allow an out-of-sync replica to become leader."),
    ];

    private static readonly Dictionary<string, ConfigDef> ByName = Defs.ToDictionary(d => d.Name, StringComparer.Ordinal);

    // Keys Kafka 3.x had and 4.0 removed. Tools and clients written for 3.x still send them, so they are validated as 3.9
    // validated them, stored and reported, but change nothing.
    private static readonly HashSet<string> RemovedInKafka4Keys = new(StringComparer.Ordinal)
    {
        "message.downconversion.enable", "message.format.version", "message.timestamp.difference.max.ms",
    };

    /// <summary>Every topic key, sorted by name.</summary>
    public static IReadOnlyList<ConfigDef> All => Defs;

    /// <summary>True for the topic keys Kafka 4.0 removed (message.format.version, ...): accepted and stored, no effect.</summary>
    public static bool IsRemovedInKafka4(string key) => RemovedInKafka4Keys.Contains(key);

    /// <summary>The definition of <paramref name="name"/>, or null if it is not a topic key.</summary>
    public static ConfigDef? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>
    /// Checks one topic config value (CreateTopics / AlterConfigs). Returns null when valid, otherwise the error message
    /// to return with INVALID_CONFIG: "Unknown topic config name: k", "Null value not supported for topic configs: k"
    /// or "Invalid value v for configuration k: reason".
    /// </summary>
    public static string? Validate(string key, string? value)
    {
        if (!ByName.TryGetValue(key, out ConfigDef? def))
        {
            return "Unknown topic config name: " + key;
        }

        if (value is null)
        {
            return "Null value not supported for topic configs: " + key;
        }

        string? error = def.TryParse(value, out _);
        return error is null ? null : $"Invalid value {value} for configuration {key}: {error}";
    }

    /// <summary>
    /// Validates a whole set of overrides: each value as <see cref="Validate"/>, then the cross-key rule Kafka applies
    /// (min.compaction.lag.ms must not exceed max.compaction.lag.ms). Returns the first error or null.
    /// </summary>
    public static string? ValidateAll(IReadOnlyDictionary<string, string?> configs)
    {
        foreach (KeyValuePair<string, string?> pair in configs)
        {
            string? error = Validate(pair.Key, pair.Value);
            if (error is not null)
            {
                return error;
            }
        }

        long min = configs.TryGetValue("min.compaction.lag.ms", out string? minText) && minText is not null
            ? (long)ByName["min.compaction.lag.ms"].Parse(minText, "topic config") : 0;
        long max = configs.TryGetValue("max.compaction.lag.ms", out string? maxText) && maxText is not null
            ? (long)ByName["max.compaction.lag.ms"].Parse(maxText, "topic config") : long.MaxValue;
        return min > max
            ? $"Invalid value {min} for configuration min.compaction.lag.ms: must not be greater than max.compaction.lag.ms ({max})"
            : null;
    }

    /// <summary>
    /// The effective value of every topic key for a topic with <paramref name="topicOverrides"/>, sorted by name, each with
    /// its source (TopicConfig when overridden, StaticBrokerConfig when a broker synonym is set, else DefaultConfig) and the
    /// synonym chain DescribeConfigs reports. Override keys that are not topic keys are ignored; override values are
    /// reported as given (they were validated when stored).
    /// </summary>
    public static IReadOnlyList<ConfigEntry> ResolveTopicConfig(BrokerConfig broker, IReadOnlyDictionary<string, string> topicOverrides)
    {
        var entries = new List<ConfigEntry>(Defs.Length);
        foreach (ConfigDef def in Defs)
        {
            var synonyms = new List<ConfigSynonym>();
            string? value;
            ConfigSource source;
            if (topicOverrides.TryGetValue(def.Name, out string? overridden))
            {
                value = def.TryParse(overridden, out object? parsed) is null ? ConfigDef.Format(parsed) : overridden;
                source = ConfigSource.TopicConfig;
                synonyms.Add(new ConfigSynonym(def.Name, value, ConfigSource.TopicConfig));
            }
            else
            {
                (object? brokerValue, bool fromBroker) = BrokerDefault(broker, def);
                value = ConfigDef.Format(brokerValue);
                source = fromBroker
                    ? broker.SourceKindOf(BrokerConfigDefs.SynonymsOfTopicKey(def.Name).First(k => broker.IsSet(k.Name)).Name)
                    : ConfigSource.DefaultConfig;
            }

            foreach (ConfigDef brokerDef in BrokerConfigDefs.SynonymsOfTopicKey(def.Name))
            {
                broker.AddBrokerSynonyms(brokerDef.Name, synonyms);
            }

            entries.Add(new ConfigEntry(def.Name, value, source, def.IsSensitive, IsReadOnly: false, def.Type, def.Documentation, synonyms));
        }

        return entries;
    }

    /// <summary>The value topic key <paramref name="def"/> inherits from the broker, and whether any broker synonym was set explicitly.</summary>
    internal static (object? Value, bool FromBroker) BrokerDefault(BrokerConfig broker, ConfigDef def)
    {
        IReadOnlyList<ConfigDef> brokerKeys = BrokerConfigDefs.SynonymsOfTopicKey(def.Name);
        bool fromBroker = brokerKeys.Any(k => broker.IsSet(k.Name));
        if (!fromBroker)
        {
            return (def.DefaultValue, false);
        }

        object? value = def.Name switch
        {
            // The time keys have hour/minute aliases on the broker; the broker already resolved their precedence.
            "retention.ms" => broker.LogRetentionMs,
            "segment.ms" => broker.LogRollMs,
            "segment.jitter.ms" => broker.LogRollJitterMs,
            "flush.ms" => broker.LogFlushIntervalMs,
            _ => broker.Get(brokerKeys[0].Name),
        };
        return (value ?? def.DefaultValue, true);
    }
}
