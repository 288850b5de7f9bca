namespace Brook.Common.Config;

/// <summary>The effective, typed configuration of one topic: its overrides over the broker's values over the defaults.</summary>
public sealed class TopicConfig
{
    private readonly Dictionary<string, object?> _values;

    private TopicConfig(Dictionary<string, object?> values, IReadOnlySet<string> overridden)
    {
        _values = values;
        OverriddenKeys = overridden;
    }

    /// <summary>
    /// Resolves the topic's effective values; <paramref name="topicOverrides"/> may be null (no overrides). An invalid or
    /// unknown override throws <see cref="ConfigException"/> (overrides should have been checked with
    /// <see cref="TopicConfigDefs.Validate"/> before they were stored).
    /// </summary>
    public static TopicConfig Resolve(BrokerConfig broker, IReadOnlyDictionary<string, string>? topicOverrides = null)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        var overridden = new HashSet<string>(StringComparer.Ordinal);
        if (topicOverrides is not null)
        {
            foreach (KeyValuePair<string, string> pair in topicOverrides)
            {
                ConfigDef def = TopicConfigDefs.Find(pair.Key)
                    ?? throw new ConfigException(pair.Key, pair.Value, "topic config", "Unknown topic config name: " + pair.Key);
                values[pair.Key] = def.Parse(pair.Value, "topic config");
                overridden.Add(pair.Key);
            }
        }

        foreach (ConfigDef def in TopicConfigDefs.All)
        {
            if (!values.ContainsKey(def.Name))
            {
                values[def.Name] = TopicConfigDefs.BrokerDefault(broker, def).Value;
            }
        }

        return new TopicConfig(values, overridden);
    }

    /// <summary>The keys set on the topic itself.</summary>
    public IReadOnlySet<string> OverriddenKeys { get; }

    /// <summary>The parsed effective value of any topic key.</summary>
    public object? Get(string key) =>
        _values.TryGetValue(key, out object? value) ? value : throw new KeyNotFoundException("Unknown topic config name: " + key);

    public IReadOnlyList<string> CleanupPolicy => (IReadOnlyList<string>)_values["cleanup.policy"]!;

    public bool HasCompactPolicy => CleanupPolicy.Contains("compact");

    public bool HasDeletePolicy => CleanupPolicy.Contains("delete");

    /// <summary>producer, uncompressed, gzip, snappy, lz4 or zstd.</summary>
    public string CompressionType => (string)_values["compression.type"]!;

    public long DeleteRetentionMs => (long)_values["delete.retention.ms"]!;

    public long FileDeleteDelayMs => (long)_values["file.delete.delay.ms"]!;

    public long FlushMessages => (long)_values["flush.messages"]!;

    public long FlushMs => (long)_values["flush.ms"]!;

    public int IndexIntervalBytes => (int)_values["index.interval.bytes"]!;

    public long MaxCompactionLagMs => (long)_values["max.compaction.lag.ms"]!;

    public int MaxMessageBytes => (int)_values["max.message.bytes"]!;

    public MessageTimestampType MessageTimestampType =>
        (string)_values["message.timestamp.type"]! == "LogAppendTime" ? MessageTimestampType.LogAppendTime : MessageTimestampType.CreateTime;

    public long MessageTimestampBeforeMaxMs => (long)_values["message.timestamp.before.max.ms"]!;

    public long MessageTimestampAfterMaxMs => (long)_values["message.timestamp.after.max.ms"]!;

    public double MinCleanableDirtyRatio => (double)_values["min.cleanable.dirty.ratio"]!;

    public long MinCompactionLagMs => (long)_values["min.compaction.lag.ms"]!;

    public int MinInsyncReplicas => (int)_values["min.insync.replicas"]!;

    public bool Preallocate => (bool)_values["preallocate"]!;

    /// <summary>-1 = no size limit.</summary>
    public long RetentionBytes => (long)_values["retention.bytes"]!;

    /// <summary>-1 = keep forever.</summary>
    public long RetentionMs => (long)_values["retention.ms"]!;

    public int SegmentBytes => (int)_values["segment.bytes"]!;

    public int SegmentIndexBytes => (int)_values["segment.index.bytes"]!;

    public long SegmentJitterMs => (long)_values["segment.jitter.ms"]!;

    public long SegmentMs => (long)_values["segment.ms"]!;

    public bool UncleanLeaderElectionEnable => (bool)_values["unclean.leader.election.enable"]!;

    /// <summary>leader.replication.throttled.replicas: replicas whose leader-side replication is throttled.</summary>
    public ThrottledReplicas LeaderThrottledReplicas => ThrottledReplicas.Parse((IReadOnlyList<string>)_values["leader.replication.throttled.replicas"]!);

    /// <summary>follower.replication.throttled.replicas: replicas whose follower-side replication is throttled.</summary>
    public ThrottledReplicas FollowerThrottledReplicas => ThrottledReplicas.Parse((IReadOnlyList<string>)_values["follower.replication.throttled.replicas"]!);
}
