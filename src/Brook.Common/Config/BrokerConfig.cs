using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Brook.Common.Config;

/// <summary>The effective, typed, immutable broker configuration (defaults ← properties file ← BROOK_* environment ← command line).</summary>
/// <remarks>
/// Build it with <see cref="Load(BrokerCommandLine, IEnumerable{KeyValuePair{string, string}}?)"/> at start-up, or with
/// <see cref="BrokerConfigBuilder"/> / <see cref="FromProperties"/> in tests. Construction validates every value and the
/// cross-key rules (listeners, aliases) and throws <see cref="ConfigException"/> on the first problem.
/// </remarks>
public sealed class BrokerConfig
{
    private const string HiddenValue = "[hidden]";
    private const string DefaultSourceName = "default";

    private readonly Dictionary<string, Setting> _settings;
    private readonly List<string> _warnings;

    internal BrokerConfig(Dictionary<string, Setting> settings, List<string> warnings)
    {
        _settings = settings;
        _warnings = warnings;

        WarnAboutShadowedAliases();
        WarnAboutRemovedKeys();
        NodeId = ResolveNodeId();
        ProcessRoles = GetList("process.roles");
        if (ProcessRoles.Count == 0) throw Invalid("process.roles", "must name broker, controller or both");

        ClusterId = GetString("cluster.id");
        LogDirs = IsSet("log.dirs") || !IsSet("log.dir") ? GetList("log.dirs") : GetList("log.dir");
        ControllerListenerNames = GetList("controller.listener.names").Select(n => n.ToUpperInvariant()).ToArray();
        ListenerSecurityProtocolMap = ParseSecurityProtocolMap();
        Listeners = ParseListeners("listeners");
        AdvertisedListeners = ResolveAdvertisedListeners();
        InterBrokerListenerName = GetString("inter.broker.listener.name")?.ToUpperInvariant();
        if (InterBrokerListenerName is not null && !Listeners.Any(l => l.Name == InterBrokerListenerName))
        {
            throw Invalid("inter.broker.listener.name", "must be the name of one of the listeners");
        }
        ControllerQuorumVoters = ParseVoters();
        ControllerQuorumBootstrapServers = ParseBootstrapServers();
        ValidateRoles();

        if (GetInt("group.min.session.timeout.ms") > GetInt("group.max.session.timeout.ms"))
        {
            throw Invalid("group.max.session.timeout.ms", "must not be less than group.min.session.timeout.ms");
        }

        long retention = GetLongOrNull("log.retention.ms")
            ?? (GetIntOrNull("log.retention.minutes") is int minutes ? minutes * 60_000L : GetInt("log.retention.hours") * 3_600_000L);
        LogRetentionMs = retention < 0 ? -1 : retention; // any negative value means "keep forever", reported as -1
        LogRollMs = GetLongOrNull("log.roll.ms") ?? GetInt("log.roll.hours") * 3_600_000L;
        LogRollJitterMs = GetLongOrNull("log.roll.jitter.ms") ?? GetInt("log.roll.jitter.hours") * 3_600_000L;
        LogFlushIntervalMs = GetLongOrNull("log.flush.interval.ms") ?? GetLong("log.flush.scheduler.interval.ms");
        LogMessageTimestampType = GetString("log.message.timestamp.type") == "LogAppendTime"
            ? MessageTimestampType.LogAppendTime
            : MessageTimestampType.CreateTime;
    }

    /// <summary>Everything at its default (no file, no environment, no flags).</summary>
    public static BrokerConfig Default { get; } = new BrokerConfigBuilder().Build();

    /// <summary>The start-up path: the command line's properties file, then the process's (or the given) BROOK_* environment, then the command line's overrides.</summary>
    /// <param name="commandLine">Parsed arguments; --help/--version must have been handled by the caller.</param>
    /// <param name="environment">Environment variables to use instead of the process environment (tests).</param>
    public static BrokerConfig Load(BrokerCommandLine commandLine, IEnumerable<KeyValuePair<string, string>>? environment = null)
    {
        var builder = new BrokerConfigBuilder();
        if (commandLine.ConfigFile is not null)
        {
            builder.AddPropertiesFile(commandLine.ConfigFile);
        }

        return builder.AddEnvironment(environment).AddCommandLine(commandLine).Build();
    }

    /// <summary>A configuration from plain key/value pairs over the defaults (tests, embedding).</summary>
    public static BrokerConfig FromProperties(IEnumerable<KeyValuePair<string, string>> properties, string source = "code")
    {
        var builder = new BrokerConfigBuilder();
        foreach (KeyValuePair<string, string> pair in properties)
        {
            builder.Set(pair.Key, pair.Value, source);
        }

        return builder.Build();
    }

    /// <summary>Non-fatal problems: unknown keys (with their source), ignored aliases, derived advertised hosts. Log them at start-up.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Every known key with its effective value and source ("default", "path:line", "environment variable BROOK_X", "command line"); passwords masked. Sorted by key.</summary>
    public IEnumerable<(string Key, string Value, string Source)> Effective
    {
        get
        {
            foreach (ConfigDef def in BrokerConfigDefs.All.OrderBy(d => d.Name, StringComparer.Ordinal))
            {
                if (_settings.TryGetValue(def.Name, out Setting setting))
                {
                    yield return (def.Name, def.IsSensitive ? HiddenValue : ConfigDef.Format(setting.Value) ?? "null", setting.Source);
                }
                else
                {
                    yield return (def.Name, def.IsSensitive && def.DefaultValue is not null ? HiddenValue : def.DefaultText, DefaultSourceName);
                }
            }
        }
    }

    // ---------------------------------------------------------------- typed accessors

    /// <summary>node.id (or broker.id when only that is set); default 1.</summary>
    public int NodeId { get; }

    /// <summary>process.roles: broker, controller or both (the default, what a single node runs).</summary>
    public IReadOnlyList<string> ProcessRoles { get; }

    /// <summary>This node serves clients (the broker role).</summary>
    public bool IsBroker => ProcessRoles.Contains("broker");

    /// <summary>This node takes part in the metadata quorum as a voter (the controller role).</summary>
    public bool IsController => ProcessRoles.Contains("controller");

    /// <summary>
    /// controller.quorum.voters as parsed. Empty on a standalone node (the default: one combined node, no controller
    /// listener), which forms a quorum of itself.
    /// </summary>
    public IReadOnlyList<QuorumVoter> ControllerQuorumVoters { get; }

    /// <summary>controller.quorum.bootstrap.servers as host/port pairs (observers find the leader through them).</summary>
    public IReadOnlyList<(string Host, int Port)> ControllerQuorumBootstrapServers { get; }

    /// <summary>
    /// True when this node is the whole quorum by itself: a controller without controller.quorum.voters (the default
    /// single node, and Kafka's stock server.properties, which names only bootstrap servers and is formatted
    /// --standalone). Dynamic quorum membership (KIP-853) is not supported, so such a quorum stays one voter.
    /// </summary>
    public bool IsStandalone => IsController && ControllerQuorumVoters.Count == 0;

    /// <summary>
    /// The listener other brokers use to reach this one (replication, markers): inter.broker.listener.name, else the
    /// first listener that is not a controller listener.
    /// </summary>
    public string BrokerListenerName => InterBrokerListenerName
        ?? Listeners.FirstOrDefault(l => !ControllerListenerNames.Contains(l.Name))?.Name
        ?? throw new InvalidOperationException("a broker needs a non-controller listener");

    /// <summary>broker.rack, or null.</summary>
    public string? BrokerRack => GetString("broker.rack");

    public int BrokerHeartbeatIntervalMs => GetInt("broker.heartbeat.interval.ms");

    public int BrokerSessionTimeoutMs => GetInt("broker.session.timeout.ms");

    public int InitialBrokerRegistrationTimeoutMs => GetInt("initial.broker.registration.timeout.ms");

    public bool ControlledShutdownEnable => GetBool("controlled.shutdown.enable");

    public long ReplicaLagTimeMaxMs => GetLong("replica.lag.time.max.ms");

    /// <summary>replica.high.watermark.checkpoint.interval.ms: how often changed high watermarks are written to disk.</summary>
    public long ReplicaHighWatermarkCheckpointIntervalMs => GetLong("replica.high.watermark.checkpoint.interval.ms");

    public int ReplicaFetchWaitMaxMs => GetInt("replica.fetch.wait.max.ms");

    public int ReplicaFetchMaxBytes => GetInt("replica.fetch.max.bytes");

    public int ReplicaFetchResponseMaxBytes => GetInt("replica.fetch.response.max.bytes");

    public int ReplicaFetchBackoffMs => GetInt("replica.fetch.backoff.ms");

    public int ReplicaFetchMinBytes => GetInt("replica.fetch.min.bytes");

    public int NumReplicaFetchers => GetInt("num.replica.fetchers");

    /// <summary>request.timeout.ms: how long the broker waits for answers to requests it sends itself.</summary>
    public int RequestTimeoutMs => GetInt("request.timeout.ms");

    public int ControllerQuorumElectionTimeoutMs => GetInt("controller.quorum.election.timeout.ms");

    public int ControllerQuorumFetchTimeoutMs => GetInt("controller.quorum.fetch.timeout.ms");

    public int ControllerQuorumElectionBackoffMaxMs => GetInt("controller.quorum.election.backoff.max.ms");

    public int ControllerQuorumRequestTimeoutMs => GetInt("controller.quorum.request.timeout.ms");

    public int ControllerQuorumRetryBackoffMs => GetInt("controller.quorum.retry.backoff.ms");

    public long MetadataLogMaxRecordBytesBetweenSnapshots => GetLong("metadata.log.max.record.bytes.between.snapshots");

    public long MetadataLogMaxSnapshotIntervalMs => GetLong("metadata.log.max.snapshot.interval.ms");

    /// <summary>cluster.id, or null when the broker should use/create the id kept in its data directory.</summary>
    public string? ClusterId { get; }

    /// <summary>Every endpoint to bind, controller listeners included, in configuration order.</summary>
    public IReadOnlyList<ListenerEndpoint> Listeners { get; }

    /// <summary>
    /// The client-facing endpoint of every non-controller listener, in listener order: the advertised.listeners entry of the
    /// same name when there is one, otherwise the listener itself with a wildcard host (empty, 0.0.0.0, ::) replaced by
    /// this machine's host name (127.0.0.1 if it has none) — Kafka likewise advertises the canonical host name, and clients
    /// cannot connect to 0.0.0.0. A port of 0 means "ephemeral": the server must substitute the port it actually bound.
    /// </summary>
    public IReadOnlyList<ListenerEndpoint> AdvertisedListeners { get; }

    /// <summary>listener.security.protocol.map, names upper-cased.</summary>
    public IReadOnlyDictionary<string, SecurityProtocol> ListenerSecurityProtocolMap { get; }

    /// <summary>controller.listener.names, upper-cased (never advertised to clients).</summary>
    public IReadOnlyList<string> ControllerListenerNames { get; }

    /// <summary>inter.broker.listener.name upper-cased, or null.</summary>
    public string? InterBrokerListenerName { get; }

    /// <summary>log.dirs (or log.dir when only that is set): partitions spread over all; the first also holds the metadata log.</summary>
    public IReadOnlyList<string> LogDirs { get; }

    public int MessageMaxBytes => GetInt("message.max.bytes");

    public int SocketRequestMaxBytes => GetInt("socket.request.max.bytes");

    /// <summary>SO_SNDBUF, or -1 for the OS default.</summary>
    public int SocketSendBufferBytes => GetInt("socket.send.buffer.bytes");

    /// <summary>SO_RCVBUF, or -1 for the OS default.</summary>
    public int SocketReceiveBufferBytes => GetInt("socket.receive.buffer.bytes");

    public int SocketListenBacklogSize => GetInt("socket.listen.backlog.size");

    public int QueuedMaxRequests => GetInt("queued.max.requests");

    public long ConnectionsMaxIdleMs => GetLong("connections.max.idle.ms");

    public int NumPartitions => GetInt("num.partitions");

    public int DefaultReplicationFactor => GetInt("default.replication.factor");

    public bool AutoCreateTopicsEnable => GetBool("auto.create.topics.enable");

    public bool DeleteTopicEnable => GetBool("delete.topic.enable");

    public bool UnstableApiVersionsEnable => GetBool("unstable.api.versions.enable");

    public int LogSegmentBytes => GetInt("log.segment.bytes");

    /// <summary>log.roll.ms, else log.roll.hours in ms.</summary>
    public long LogRollMs { get; }

    /// <summary>log.roll.jitter.ms, else log.roll.jitter.hours in ms.</summary>
    public long LogRollJitterMs { get; }

    /// <summary>log.retention.ms, else log.retention.minutes, else log.retention.hours, in ms; -1 = unlimited.</summary>
    public long LogRetentionMs { get; }

    /// <summary>-1 = unlimited.</summary>
    public long LogRetentionBytes => GetLong("log.retention.bytes");

    public long LogRetentionCheckIntervalMs => GetLong("log.retention.check.interval.ms");

    public int LogIndexIntervalBytes => GetInt("log.index.interval.bytes");

    public int LogIndexSizeMaxBytes => GetInt("log.index.size.max.bytes");

    public long LogSegmentDeleteDelayMs => GetLong("log.segment.delete.delay.ms");

    public long LogFlushIntervalMessages => GetLong("log.flush.interval.messages");

    /// <summary>log.flush.interval.ms, else log.flush.scheduler.interval.ms (long.MaxValue: never flush by time).</summary>
    public long LogFlushIntervalMs { get; }

    /// <summary>"delete", "compact" or both.</summary>
    public IReadOnlyList<string> LogCleanupPolicy => GetList("log.cleanup.policy");

    public MessageTimestampType LogMessageTimestampType { get; }

    public long LogMessageTimestampBeforeMaxMs => GetLong("log.message.timestamp.before.max.ms");

    public long LogMessageTimestampAfterMaxMs => GetLong("log.message.timestamp.after.max.ms");

    /// <summary>producer, uncompressed, gzip, snappy, lz4 or zstd.</summary>
    public string CompressionType => GetString("compression.type")!;

    public int MinInsyncReplicas => GetInt("min.insync.replicas");

    public bool UncleanLeaderElectionEnable => GetBool("unclean.leader.election.enable");

    /// <summary>eligible.leader.replicas.enable: KIP-966's eligible leader replicas and strict min ISR.</summary>
    public bool EligibleLeaderReplicasEnable => GetBool("eligible.leader.replicas.enable");

    /// <summary>auto.leader.rebalance.enable: the active controller moves leaderships back to preferred replicas.</summary>
    public bool AutoLeaderRebalanceEnable => GetBool("auto.leader.rebalance.enable");

    /// <summary>leader.imbalance.check.interval.seconds: how often the active controller checks leadership balance.</summary>
    public long LeaderImbalanceCheckIntervalSeconds => GetLong("leader.imbalance.check.interval.seconds");

    /// <summary>max.request.partition.size.limit: most partitions in one DescribeTopicPartitions response.</summary>
    public int MaxRequestPartitionSizeLimit => GetInt("max.request.partition.size.limit");

    /// <summary>replica.selector.class: the ReplicaSelector of KIP-392 (null: consumers read from leaders).</summary>
    public string? ReplicaSelectorClass => GetString("replica.selector.class");

    /// <summary>replica.selector.class names Kafka's RackAwareReplicaSelector: consumers with a rack read from an in-sync replica there.</summary>
    public bool RackAwareReplicaSelection => ReplicaSelectorClass?.EndsWith(".RackAwareReplicaSelector", StringComparison.Ordinal) == true
        || ReplicaSelectorClass == "RackAwareReplicaSelector";

    /// <summary>leader.replication.throttled.rate: bytes/s this broker serves to throttled followers (dynamic).</summary>
    public long LeaderReplicationThrottledRate => GetLong("leader.replication.throttled.rate");

    /// <summary>follower.replication.throttled.rate: bytes/s this broker fetches for throttled replicas (dynamic).</summary>
    public long FollowerReplicationThrottledRate => GetLong("follower.replication.throttled.rate");

    /// <summary>replication.quota.window.num: samples a replication throttle measures its rate over.</summary>
    public int ReplicationQuotaWindowNum => GetInt("replication.quota.window.num");

    /// <summary>replication.quota.window.size.seconds: length of one such sample.</summary>
    public int ReplicationQuotaWindowSizeSeconds => GetInt("replication.quota.window.size.seconds");

    /// <summary>brook.balancer.enable: the active controller balances replicas continuously (dynamic).</summary>
    public bool BalancerEnable => GetBool("brook.balancer.enable");

    /// <summary>brook.balancer.check.interval.ms: how often the balancer plans a step.</summary>
    public long BalancerCheckIntervalMs => GetLong("brook.balancer.check.interval.ms");

    /// <summary>brook.balancer.max.concurrent.moves: most partitions reassigned at once.</summary>
    public int BalancerMaxConcurrentMoves => GetInt("brook.balancer.max.concurrent.moves");

    /// <summary>brook.balancer.decommission.brokers: ids of brokers every replica moves off (unparsable entries ignored).</summary>
    public IReadOnlySet<int> BalancerDecommissionBrokers =>
        GetList("brook.balancer.decommission.brokers").Select(v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : -1)
            .Where(id => id >= 0).ToHashSet();

    /// <summary>brook.balancer.disk.usage.threshold.percent: filesystem use beyond which a broker sheds replicas.</summary>
    public int BalancerDiskUsageThresholdPercent => GetInt("brook.balancer.disk.usage.threshold.percent");

    /// <summary>brook.balancer.replication.throttled.rate: the default throttle of reassignment catch-up with the balancer on.</summary>
    public long BalancerReplicationThrottledRate => GetLong("brook.balancer.replication.throttled.rate");

    /// <summary>leader.imbalance.per.broker.percentage: the imbalance a broker tolerates before its leaderships move back.</summary>
    public int LeaderImbalancePerBrokerPercentage => GetInt("leader.imbalance.per.broker.percentage");

    public int OffsetsTopicNumPartitions => GetInt("offsets.topic.num.partitions");

    public short OffsetsTopicReplicationFactor => (short)GetInt("offsets.topic.replication.factor");

    public int OffsetsTopicSegmentBytes => GetInt("offsets.topic.segment.bytes");

    /// <summary>offsets.retention.minutes in ms.</summary>
    public long OffsetsRetentionMs => GetInt("offsets.retention.minutes") * 60_000L;

    public long OffsetsRetentionCheckIntervalMs => GetLong("offsets.retention.check.interval.ms");

    public int OffsetMetadataMaxBytes => GetInt("offset.metadata.max.bytes");

    public int GroupInitialRebalanceDelayMs => GetInt("group.initial.rebalance.delay.ms");

    public int GroupMinSessionTimeoutMs => GetInt("group.min.session.timeout.ms");

    public int GroupMaxSessionTimeoutMs => GetInt("group.max.session.timeout.ms");

    public int GroupMaxSize => GetInt("group.max.size");

    public int TransactionStateLogNumPartitions => GetInt("transaction.state.log.num.partitions");

    public short TransactionStateLogReplicationFactor => (short)GetInt("transaction.state.log.replication.factor");

    public int TransactionStateLogMinIsr => GetInt("transaction.state.log.min.isr");

    public int TransactionStateLogSegmentBytes => GetInt("transaction.state.log.segment.bytes");

    public int TransactionMaxTimeoutMs => GetInt("transaction.max.timeout.ms");

    public int TransactionalIdExpirationMs => GetInt("transactional.id.expiration.ms");

    public int TransactionAbortTimedOutTransactionCleanupIntervalMs => GetInt("transaction.abort.timed.out.transaction.cleanup.interval.ms");

    public int ProducerIdExpirationMs => GetInt("producer.id.expiration.ms");

    /// <summary>brook.log.flush.on.ack: acks=all produces are acknowledged only after a (group-committed) fsync.</summary>
    public bool FlushOnAck => GetBool("brook.log.flush.on.ack");

    /// <summary>brook.log.writeback.interval.bytes: bytes appended to a segment between two hand-overs to the kernel's write-back; 0 is off.</summary>
    public long LogWriteBackIntervalBytes => GetLong("brook.log.writeback.interval.bytes");

    /// <summary>The advertised endpoint for requests that arrived on listener <paramref name="listenerName"/>, or null (e.g. a controller listener).</summary>
    public ListenerEndpoint? AdvertisedListenerFor(string listenerName)
    {
        foreach (ListenerEndpoint endpoint in AdvertisedListeners)
        {
            if (string.Equals(endpoint.Name, listenerName, StringComparison.OrdinalIgnoreCase))
            {
                return endpoint;
            }
        }

        return null;
    }

    // ---------------------------------------------------------------- generic accessors

    /// <summary>True if <paramref name="key"/> was set by the file, environment or command line (false for defaults and unknown keys).</summary>
    public bool IsSet(string key) => _settings.ContainsKey(key);

    /// <summary>Where the value of <paramref name="key"/> came from ("default" when not set).</summary>
    public string SourceOf(string key) => _settings.TryGetValue(key, out Setting s) ? s.Source : DefaultSourceName;

    /// <summary>The parsed value (see <see cref="ConfigDef"/> for the CLR types), or null if unset without default. Unknown keys throw <see cref="KeyNotFoundException"/>.</summary>
    public object? Get(string key) =>
        _settings.TryGetValue(key, out Setting s) ? s.Value : BrokerConfigDefs.Get(key).DefaultValue;

    /// <summary>The value in configuration spelling (any type; lists comma-joined; passwords in clear), or null if unset.</summary>
    public string? GetString(string key) => ConfigDef.Format(Get(key));

    /// <summary>An Int or Short key's value; throws if it has no value.</summary>
    public int GetInt(string key) => GetIntOrNull(key) ?? throw NoValue(key);

    /// <summary>An Int or Short key's value, or null if unset without default.</summary>
    public int? GetIntOrNull(string key) => Get(key) switch
    {
        null => null,
        int i => i,
        short s => s,
        _ => throw WrongType(key, "INT"),
    };

    /// <summary>A Long (or Int/Short) key's value; throws if it has no value.</summary>
    public long GetLong(string key) => GetLongOrNull(key) ?? throw NoValue(key);

    /// <summary>A Long (or Int/Short) key's value, or null if unset without default.</summary>
    public long? GetLongOrNull(string key) => Get(key) switch
    {
        null => null,
        long l => l,
        int i => i,
        short s => s,
        _ => throw WrongType(key, "LONG"),
    };

    public bool GetBool(string key) => Get(key) switch
    {
        bool b => b,
        null => throw NoValue(key),
        _ => throw WrongType(key, "BOOLEAN"),
    };

    public double GetDouble(string key) => Get(key) switch
    {
        double d => d,
        null => throw NoValue(key),
        _ => throw WrongType(key, "DOUBLE"),
    };

    /// <summary>A List key's items (empty when unset).</summary>
    public IReadOnlyList<string> GetList(string key) => Get(key) switch
    {
        IReadOnlyList<string> list => list,
        null => [],
        _ => throw WrongType(key, "LIST"),
    };

    /// <summary>Source names of dynamic layers (set through AlterConfigs, kept as metadata records).</summary>
    public const string DynamicBrokerSource = "dynamic broker config";
    public const string DynamicDefaultBrokerSource = "dynamic default broker config";

    /// <summary>
    /// This configuration with dynamic values on top: cluster-wide defaults first, then this broker's own (KIP-226
    /// precedence: per-broker dynamic &gt; cluster-wide dynamic &gt; static). Keys that cannot change at run time are ignored.
    /// </summary>
    public BrokerConfig WithDynamic(IReadOnlyDictionary<string, string>? clusterDefaults, IReadOnlyDictionary<string, string>? perBroker)
    {
        var settings = new Dictionary<string, Setting>(_settings, StringComparer.Ordinal);
        var warnings = new List<string>(_warnings);
        void Layer(IReadOnlyDictionary<string, string>? values, string source)
        {
            if (values is null) return;
            foreach (var (key, raw) in values)
            {
                if (!BrokerConfigDefs.IsDynamic(key) || BrokerConfigDefs.Find(key) is not { } def) continue;
                if (def.TryParse(raw, out object? parsed) is not null || parsed is null) continue;
                settings[key] = new Setting(parsed, raw, source);
            }
        }
        Layer(clusterDefaults, DynamicDefaultBrokerSource);
        Layer(perBroker, DynamicBrokerSource);
        return new BrokerConfig(settings, warnings);
    }

    /// <summary>
    /// This configuration with controller.quorum.voters set to <paramref name="voters"/>, as a broker-only node learned
    /// them from controller.quorum.bootstrap.servers (the source says so in the effective configuration).
    /// </summary>
    public BrokerConfig WithDiscoveredVoters(IReadOnlyList<QuorumVoter> voters)
    {
        var raw = string.Join(",", voters.Select(v => v.ToString()));
        var settings = new Dictionary<string, Setting>(_settings, StringComparer.Ordinal)
        {
            ["controller.quorum.voters"] = new Setting(voters.Select(v => v.ToString()).ToList(), raw, "discovered from controller.quorum.bootstrap.servers"),
        };
        return new BrokerConfig(settings, [.. _warnings]);
    }

    /// <summary>Where the value of a set key comes from, as DescribeConfigs names it.</summary>
    public ConfigSource SourceKindOf(string key) =>
        !_settings.TryGetValue(key, out Setting s) ? ConfigSource.DefaultConfig
        : s.Source == DynamicBrokerSource ? ConfigSource.DynamicBrokerConfig
        : s.Source == DynamicDefaultBrokerSource ? ConfigSource.DynamicDefaultBrokerConfig
        : ConfigSource.StaticBrokerConfig;

    /// <summary>The broker resource as DescribeConfigs reports it: every key, passwords withheld, alias synonyms included; only dynamic keys are writable. Sorted by key.</summary>
    public IReadOnlyList<ConfigEntry> Describe()
    {
        var entries = new List<ConfigEntry>();
        foreach (ConfigDef def in BrokerConfigDefs.All.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            var synonyms = new List<ConfigSynonym>();
            AddBrokerSynonyms(def.Name, synonyms);
            foreach (string alias in BrokerConfigDefs.AliasGroupOf(def.Name))
            {
                if (alias != def.Name)
                {
                    AddBrokerSynonyms(alias, synonyms);
                }
            }

            entries.Add(new ConfigEntry(
                def.Name,
                def.IsSensitive ? null : GetString(def.Name),
                SourceKindOf(def.Name),
                def.IsSensitive,
                IsReadOnly: !BrokerConfigDefs.IsDynamic(def.Name),
                def.Type,
                BrokerConfigDefs.DocumentationOf(def),
                synonyms));
        }

        return entries;
    }

    /// <summary>Appends the static and default layers of broker key <paramref name="key"/> as synonyms (used by topic resolution too).</summary>
    internal void AddBrokerSynonyms(string key, List<ConfigSynonym> synonyms)
    {
        ConfigDef def = BrokerConfigDefs.Get(key);
        if (_settings.TryGetValue(key, out Setting setting))
        {
            synonyms.Add(new ConfigSynonym(key, def.IsSensitive ? null : ConfigDef.Format(setting.Value), SourceKindOf(key)));
        }

        if (def.DefaultValue is not null)
        {
            synonyms.Add(new ConfigSynonym(key, def.IsSensitive ? null : ConfigDef.Format(def.DefaultValue), ConfigSource.DefaultConfig));
        }
    }

    // ---------------------------------------------------------------- construction helpers

    internal readonly record struct Setting(object Value, string Raw, string Source);

    private static InvalidOperationException NoValue(string key) => new($"Configuration '{key}' has no value");

    private static InvalidCastException WrongType(string key, string wanted) =>
        new($"Configuration '{key}' is of type {BrokerConfigDefs.Get(key).Type.ToString().ToUpperInvariant()}, not {wanted}");

    private ConfigException Invalid(string key, string reason)
    {
        _settings.TryGetValue(key, out Setting s);
        string? raw = _settings.ContainsKey(key) ? s.Raw : ConfigDef.Format(BrokerConfigDefs.Get(key).DefaultValue);
        return new ConfigException(key, raw, SourceOf(key), reason);
    }

    private void WarnAboutShadowedAliases()
    {
        foreach (ConfigDef def in BrokerConfigDefs.All)
        {
            IReadOnlyList<string> group = BrokerConfigDefs.AliasGroupOf(def.Name);
            if (group[0] != def.Name || def.Name == "node.id")
            {
                continue; // visit each group once; node.id/broker.id is checked for equality instead
            }

            string? winner = group.FirstOrDefault(IsSet);
            if (winner is null)
            {
                continue;
            }

            foreach (string loser in group.SkipWhile(k => k != winner).Skip(1).Where(IsSet))
            {
                _warnings.Add($"'{loser}' (from {SourceOf(loser)}) is ignored because '{winner}' is set (from {SourceOf(winner)}), which takes precedence");
            }
        }
    }

    // Broker defaults of topic keys Kafka 4.0 removed: a 3.x server.properties still sets them, so they load, but say once
    // (this configuration is built once per process) that they change nothing.
    private void WarnAboutRemovedKeys()
    {
        foreach (ConfigDef def in BrokerConfigDefs.All)
        {
            if (def.TopicSynonym is { } topicKey && TopicConfigDefs.IsRemovedInKafka4(topicKey)
                && SourceKindOf(def.Name) == ConfigSource.StaticBrokerConfig)
            {
                _warnings.Add($"'{def.Name}' (from {SourceOf(def.Name)}) was removed in Kafka 4.0 and has no effect; it is accepted so Kafka 3.x configurations still load");
            }
        }
    }

    private int ResolveNodeId()
    {
        int? nodeId = IsSet("node.id") ? GetInt("node.id") : null;
        int? brokerId = GetIntOrNull("broker.id");
        if (nodeId is not null && brokerId is not null && nodeId != brokerId)
        {
            throw Invalid("broker.id", $"must equal node.id ({nodeId}) when both are set");
        }

        return nodeId ?? brokerId ?? GetInt("node.id");
    }

    private Dictionary<string, SecurityProtocol> ParseSecurityProtocolMap()
    {
        const string key = "listener.security.protocol.map";
        var map = new Dictionary<string, SecurityProtocol>(StringComparer.Ordinal);
        foreach (string item in GetList(key))
        {
            int colon = item.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !SecurityProtocolNames.TryParse(item[(colon + 1)..], out SecurityProtocol protocol))
            {
                throw Invalid(key, $"'{item}' is not NAME:PROTOCOL with PROTOCOL one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL");
            }

            string name = item[..colon].Trim().ToUpperInvariant();
            if (!map.TryAdd(name, protocol))
            {
                throw Invalid(key, $"listener name '{name}' appears more than once");
            }
        }

        // Kafka maps controller listeners missing from an unset (default) map to PLAINTEXT, so the stock KRaft
        // server.properties, whose CONTROLLER listener is not a protocol name, works without spelling out the map.
        if (!IsSet(key))
        {
            foreach (string controller in ControllerListenerNames)
            {
                map.TryAdd(controller, SecurityProtocol.Plaintext);
            }
        }

        return map;
    }

    private List<QuorumVoter> ParseVoters()
    {
        var voters = new List<QuorumVoter>();
        foreach (string item in GetList("controller.quorum.voters"))
        {
            if (QuorumVoter.TryParse(item.Trim(), out var voter) is { } problem) throw Invalid("controller.quorum.voters", problem);
            if (voters.Any(v => v.Id == voter!.Id)) throw Invalid("controller.quorum.voters", $"voter id {voter!.Id} appears more than once");
            voters.Add(voter!);
        }
        return voters;
    }

    private List<(string Host, int Port)> ParseBootstrapServers()
    {
        var servers = new List<(string, int)>();
        foreach (string item in GetList("controller.quorum.bootstrap.servers"))
        {
            if (HostPort.TryParse(item.Trim(), out var host, out var port) is { } problem) throw Invalid("controller.quorum.bootstrap.servers", $"'{item}': {problem}");
            servers.Add((host, port));
        }
        return servers;
    }

    /// <summary>
    /// KRaft's role rules, as Kafka checks them: a quorum member (controller) must be one of the voters and have a
    /// controller listener to be reached on; a node that is only a broker must know the quorum and how to talk to it;
    /// a broker needs a listener that is not a controller listener. A standalone node (neither voters nor bootstrap
    /// servers) must run both roles: it is its own single-voter quorum.
    /// </summary>
    private void ValidateRoles()
    {
        foreach (var role in ProcessRoles)
            if (role is not ("broker" or "controller")) throw Invalid("process.roles", $"unknown role '{role}' (expected broker and/or controller)");
        if (IsStandalone)
        {
            if (!IsBroker)
                throw Invalid("process.roles", "a controller without controller.quorum.voters runs standalone and must also be a broker");
            return;
        }
        if (ControllerListenerNames.Count == 0)
            throw Invalid("controller.listener.names", "must name the controller listener when the node is part of a multi-node quorum");
        if (IsController)
        {
            // A controller outside controller.quorum.voters starts as an observer of the quorum: it replicates the
            // metadata log and becomes a voter when an operator adds it (AddRaftVoter, KIP-853).
            if (!Listeners.Any(l => l.Name == ControllerListenerNames[0]))
                throw Invalid("listeners", $"a controller must listen on its controller listener {ControllerListenerNames[0]}");
        }
        else
        {
            if (ControllerQuorumVoters.Count == 0 && ControllerQuorumBootstrapServers.Count == 0)
                throw Invalid("controller.quorum.voters", "a broker-only node needs controller.quorum.voters or controller.quorum.bootstrap.servers to find the quorum");
            if (Listeners.Any(l => ControllerListenerNames.Contains(l.Name)))
                throw Invalid("listeners", "a node without the controller role must not listen on a controller listener");
        }
        if (IsBroker && !Listeners.Any(l => !ControllerListenerNames.Contains(l.Name)))
            throw Invalid("listeners", "a broker needs a listener that is not a controller listener");
    }

    private List<ListenerEndpoint> ParseListeners(string key)
    {
        var result = new List<ListenerEndpoint>();
        foreach (string item in GetList(key))
        {
            string? error = ListenerEndpoint.TryParse(item, out string name, out string host, out int port);
            if (error is not null)
            {
                throw Invalid(key, error);
            }

            if (!ListenerSecurityProtocolMap.TryGetValue(name, out SecurityProtocol protocol))
            {
                throw Invalid(key, $"no security protocol is defined for listener {name}; add {name}:<protocol> to listener.security.protocol.map");
            }

            if (result.Any(l => l.Name == name))
            {
                throw Invalid(key, $"listener name {name} appears more than once");
            }

            var endpoint = new ListenerEndpoint(name, host, port, protocol);
            if (key == "listeners" && port != 0 && result.Any(l => l.Port == port && (l.Host == host || l.IsWildcardHost || endpoint.IsWildcardHost)))
            {
                throw Invalid(key, $"listener {name} uses port {port}, which another listener already binds");
            }

            result.Add(endpoint);
        }

        return result;
    }

    private List<ListenerEndpoint> ResolveAdvertisedListeners()
    {
        const string key = "advertised.listeners";
        List<ListenerEndpoint> explicitly = IsSet(key) ? ParseListeners(key) : [];
        foreach (ListenerEndpoint endpoint in explicitly)
        {
            if (!Listeners.Any(l => l.Name == endpoint.Name))
            {
                throw Invalid(key, $"listener {endpoint.Name} is not one of the listeners; advertised listener names must be a subset of those in listeners");
            }

            if (endpoint.Host is "0.0.0.0" or "::")
            {
                throw Invalid(key, $"listener {endpoint.Name} advertises the non-routable meta-address {endpoint.Host}; use a host name or IP clients can reach");
            }
        }

        var result = new List<ListenerEndpoint>();
        foreach (ListenerEndpoint listener in Listeners)
        {
            if (ControllerListenerNames.Contains(listener.Name))
            {
                continue;
            }

            ListenerEndpoint advertised = explicitly.FirstOrDefault(e => e.Name == listener.Name) ?? listener;
            if (advertised.IsWildcardHost)
            {
                string host = MachineHostName();
                _warnings.Add($"Listener {listener.Name} has no advertisable host ('{advertised.Host}'); advertising '{host}' (set advertised.listeners to choose)");
                advertised = advertised with { Host = host };
            }

            result.Add(advertised);
        }

        return result;
    }

    private static string MachineHostName()
    {
        try
        {
            string name = Dns.GetHostName();
            return string.IsNullOrWhiteSpace(name) ? "127.0.0.1" : name;
        }
        catch (SocketException)
        {
            return "127.0.0.1";
        }
    }
}
