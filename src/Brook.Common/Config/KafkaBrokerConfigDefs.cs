namespace Brook.Common.Config;

/// <summary>
/// The rest of Kafka 4.1's broker keys: every key Brook's core catalogue (<see cref="BrokerConfigDefs"/>) does not define,
/// the broker defaults of the topic keys Kafka 4.0 removed, and Kafka's dynamic update mode of every key.
/// </summary>
/// <remarks>
/// These keys exist so that a Kafka server.properties loads without warnings and tools that read or set them through
/// DescribeConfigs / AlterConfigs / IncrementalAlterConfigs keep working. The keys defined here with <c>Inert(</c> have
/// no effect in Brook, and the documentation Brook reports for them (BrokerConfigDefs.DocumentationOf) says so; those
/// defined with <c>new ConfigDef(</c> are acted on (the broker lifecycle: registration, heartbeats, sessions,
/// controlled shutdown, rack; replica fetching, ISR lag and the high-watermark checkpoint; automatic leader balancing; replication throttles; the replica selector; the DescribeTopicPartitions page size; the quorum's timeouts; the
/// request timeout), through BrokerConfig's accessors. A key defined in the core catalogue wins over one
/// defined here, so a key can also gain meaning by moving there; the entry here then simply drops out.
/// Facts (names, types, defaults, ranges, update modes) are Kafka 4.1's; the one-line descriptions are ours.
/// </remarks>
internal static class KafkaBrokerConfigDefs
{
    private const string LongMax = "9223372036854775807";
    private const string IntMax = "2147483647";
    private const string DoubleMax = "1.7976931348623157E308";

    private static readonly ConfigValidator GzipLevel = ConfigValidator.Custom("[1,...,9] or -1",
        value => value is int level && (level == -1 || level is >= 1 and <= 9) ? null : "Value must be between 1 and 9 or equal to -1");

    // Core keys that Brook accepts but does not act on (yet). Listed here rather than reworded there, so the core
    // catalogue stays as other work changes it; the documentation Brook reports appends the fact.
    private static readonly string[] CoreKeysWithoutEffect =
    [
        "security.inter.broker.protocol", "unstable.api.versions.enable",
        "socket.send.buffer.bytes", "socket.receive.buffer.bytes", "socket.listen.backlog.size", "num.network.threads",
        "num.io.threads", "queued.max.requests", "connections.max.idle.ms",
        "log.flush.offset.checkpoint.interval.ms", "log.preallocate", "log.cleaner.threads", "log.message.downconversion.enable",
        "num.recovery.threads.per.data.dir", "compression.type",
        "transaction.state.log.min.isr",
        "share.coordinator.state.topic.replication.factor", "share.coordinator.state.topic.min.isr",
        "ssl.keystore.password", "ssl.key.password", "ssl.truststore.password", "principal.builder.class", "authorizer.class.name",
    ];

    // The definitions made here (by reference: a core definition of the same name replaces them and has an effect).
    private static readonly HashSet<ConfigDef> InertDefs = [];

    /// <summary>
    /// Kafka 4.1's per-broker dynamic keys: alterable on a broker's own resource only ("Cannot update these configs at
    /// default cluster level, broker id must be specified"). Listener and SASL/TLS settings, which differ per machine.
    /// </summary>
    private static readonly string[] PerBrokerKeys =
    [
        "listeners", "listener.security.protocol.map", "principal.builder.class",
        "ssl.protocol", "ssl.provider", "ssl.cipher.suites", "ssl.enabled.protocols", "ssl.keystore.type", "ssl.keystore.location",
        "ssl.keystore.password", "ssl.key.password", "ssl.truststore.type", "ssl.truststore.location", "ssl.truststore.password",
        "ssl.keymanager.algorithm", "ssl.trustmanager.algorithm", "ssl.endpoint.identification.algorithm",
        "ssl.secure.random.implementation", "ssl.client.auth", "ssl.engine.factory.class", "ssl.keystore.certificate.chain",
        "ssl.keystore.key", "ssl.truststore.certificates",
        "sasl.mechanism.inter.broker.protocol", "sasl.jaas.config", "sasl.enabled.mechanisms", "sasl.kerberos.service.name",
        "sasl.kerberos.kinit.cmd", "sasl.kerberos.ticket.renew.window.factor", "sasl.kerberos.ticket.renew.jitter",
        "sasl.kerberos.min.time.before.relogin", "sasl.kerberos.principal.to.local.rules", "sasl.login.refresh.window.factor",
        "sasl.login.refresh.window.jitter", "sasl.login.refresh.min.period.seconds", "sasl.login.refresh.buffer.seconds",
    ];

    /// <summary>
    /// Kafka 4.1's cluster-wide dynamic keys (also alterable per broker). The broker defaults of topic keys are added by
    /// <see cref="BrokerConfigDefs"/> from the catalogue's topic synonyms.
    /// </summary>
    private static readonly string[] ClusterWideKeys =
    [
        // Thread pools (Kafka resizes them in place).
        "num.io.threads", "num.network.threads", "num.replica.fetchers", "num.recovery.threads.per.data.dir", "background.threads",
        // Log cleaner.
        "log.cleaner.threads", "log.cleaner.dedupe.buffer.size", "log.cleaner.io.buffer.load.factor", "log.cleaner.io.buffer.size",
        "log.cleaner.io.max.bytes.per.second", "log.cleaner.backoff.ms",
        // Topic defaults without a Brook topic key yet (Kafka's topic synonyms).
        "compression.gzip.level", "compression.lz4.level", "compression.zstd.level", "log.local.retention.ms", "log.local.retention.bytes",
        // Connection limits.
        "max.connections", "max.connection.creation.rate", "max.connections.per.ip", "max.connections.per.ip.overrides",
        // Metrics, producer state, tiered storage, replication quotas.
        "metric.reporters", "producer.id.expiration.ms", "transaction.partition.verification.enable",
        "remote.log.index.file.cache.total.size.bytes", "remote.fetch.max.wait.ms", "remote.log.manager.copy.max.bytes.per.second",
        "remote.log.manager.fetch.max.bytes.per.second", "remote.list.offsets.request.timeout.ms",
        "remote.log.manager.copier.thread.pool.size", "remote.log.manager.expiration.thread.pool.size", "remote.log.reader.threads",
        "leader.replication.throttled.rate", "follower.replication.throttled.rate", "replica.alter.log.dirs.io.max.bytes.per.second",
    ];

    /// <summary>
    /// Kafka's reconfigurable TLS key-store keys, which it alters only with a listener prefix
    /// (listener.name.NAME.ssl.keystore.location); Brook has no per-listener keys, so these cannot change at run time.
    /// </summary>
    public static IReadOnlySet<string> ListenerPrefixOnly { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "ssl.keystore.type", "ssl.keystore.location", "ssl.keystore.password", "ssl.key.password", "ssl.truststore.type",
        "ssl.truststore.location", "ssl.truststore.password", "ssl.keystore.certificate.chain", "ssl.keystore.key",
        "ssl.truststore.certificates",
    };

    /// <summary>
    /// Thread counts that Kafka lets change by at most a factor of two per update (it resizes running pools), so a
    /// dynamic value must lie within [current / 2, current * 2].
    /// </summary>
    public static IReadOnlySet<string> ThreadCounts { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "num.io.threads", "num.network.threads", "num.replica.fetchers", "num.recovery.threads.per.data.dir", "background.threads",
        "log.cleaner.threads",
    };

    /// <summary>
    /// Keys Kafka 4.1 lets change at run time but Brook does not: it cannot rebind or re-secure its listeners without a
    /// restart, so these stay read-only here (AlterConfigs answers "Cannot update these configs dynamically").
    /// </summary>
    public static IReadOnlySet<string> ReadOnlyInBrook { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "listeners", "listener.security.protocol.map",
    };

    /// <summary>Kafka 4.1's update mode of <paramref name="key"/>, before Brook's deviations (topic defaults not included).</summary>
    public static BrokerConfigUpdateMode KafkaModeOf(string key) =>
        Array.IndexOf(PerBrokerKeys, key) >= 0 ? BrokerConfigUpdateMode.PerBroker
        : Array.IndexOf(ClusterWideKeys, key) >= 0 ? BrokerConfigUpdateMode.ClusterWide
        : BrokerConfigUpdateMode.ReadOnly;

    /// <summary>True when the definition in force, <paramref name="def"/>, is one Brook accepts, stores and reports but does not act on.</summary>
    public static bool HasNoEffect(ConfigDef def) => InertDefs.Contains(def) || Array.IndexOf(CoreKeysWithoutEffect, def.Name) >= 0;

    // A key with no effect in Brook: recorded as such, so docs and DescribeConfigs can say so.
    private static ConfigDef Inert(string name, ConfigType type, string? defaultValue, ConfigValidator? validator, ConfigImportance importance,
        string documentation, string? topicSynonym = null)
    {
        var def = new ConfigDef(name, type, defaultValue, validator, importance, documentation, topicSynonym);
        InertDefs.Add(def);
        return def;
    }

    /// <summary>The definitions, grouped by area as Kafka groups them.</summary>
    public static IReadOnlyList<ConfigDef> All { get; } =
    [
        // --- Topic defaults removed in Kafka 4.0: accepted as Kafka 3.9 accepted them, so 3.x files and tools work ---
        Inert("log.message.format.version", ConfigType.String, MessageFormatVersion.Default, MessageFormatVersion.Validator, ConfigImportance.Medium,
            "Record format of appended batches in Kafka 3.x; removed in Kafka 4.0, where every batch is format v2 (KIP-724).", "message.format.version"),
        Inert("log.message.timestamp.difference.max.ms", ConfigType.Long, LongMax, ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Kafka 3.x's bound on how far a CreateTime timestamp may be from the broker's clock; removed in Kafka 4.0 in favour of log.message.timestamp.before.max.ms and log.message.timestamp.after.max.ms.",
            "message.timestamp.difference.max.ms"),

        // --- Tiered storage (KIP-405) ---
        Inert("remote.log.storage.system.enable", ConfigType.Boolean, "false", null, ConfigImportance.Medium,
            "Turns tiered storage (KIP-405) on for the broker."),
        Inert("remote.log.storage.manager.impl.prefix", ConfigType.String, "rsm.config.", ConfigValidator.NonEmptyString(), ConfigImportance.Medium,
            "Prefix of the keys handed to the RemoteStorageManager plug-in."),
        Inert("remote.log.metadata.manager.impl.prefix", ConfigType.String, "rlmm.config.", ConfigValidator.NonEmptyString(), ConfigImportance.Medium,
            "Prefix of the keys handed to the RemoteLogMetadataManager plug-in."),
        Inert("remote.log.storage.manager.class.name", ConfigType.String, null, ConfigValidator.NonEmptyString(), ConfigImportance.Medium,
            "RemoteStorageManager implementation that copies segments to remote storage."),
        Inert("remote.log.storage.manager.class.path", ConfigType.String, null, null, ConfigImportance.Medium,
            "Class path from which the RemoteStorageManager plug-in is loaded."),
        Inert("remote.log.metadata.manager.class.name", ConfigType.String, "org.apache.kafka.server.log.remote.metadata.storage.TopicBasedRemoteLogMetadataManager", ConfigValidator.NonEmptyString(), ConfigImportance.Medium,
            "RemoteLogMetadataManager implementation that tracks remote segments."),
        Inert("remote.log.metadata.manager.class.path", ConfigType.String, null, null, ConfigImportance.Medium,
            "Class path from which the RemoteLogMetadataManager plug-in is loaded."),
        Inert("remote.log.metadata.manager.listener.name", ConfigType.String, null, ConfigValidator.NonEmptyString(), ConfigImportance.Medium,
            "Listener the remote log metadata manager uses to reach the brokers."),
        Inert("remote.log.metadata.custom.metadata.max.bytes", ConfigType.Int, "128", ConfigValidator.AtLeast(0), ConfigImportance.Low,
            "Largest custom metadata a RemoteStorageManager may attach to a copied segment."),
        Inert("remote.log.index.file.cache.total.size.bytes", ConfigType.Long, "1073741824", ConfigValidator.AtLeast(1), ConfigImportance.Low,
            "Disk space for the cache of indexes of remote segments."),
        Inert("remote.log.manager.thread.pool.size", ConfigType.Int, "2", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Threads that schedule tiered-storage work."),
        Inert("remote.log.manager.copier.thread.pool.size", ConfigType.Int, "10", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Threads that copy finished segments to remote storage."),
        Inert("remote.log.manager.expiration.thread.pool.size", ConfigType.Int, "10", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Threads that delete expired remote segments."),
        Inert("remote.log.manager.task.interval.ms", ConfigType.Long, "30000", ConfigValidator.AtLeast(1), ConfigImportance.Low,
            "How often the tiered-storage copy and cleanup tasks run."),
        Inert("remote.log.reader.threads", ConfigType.Int, "10", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Threads that serve fetches from remote storage."),
        Inert("remote.log.reader.max.pending.tasks", ConfigType.Int, "100", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Remote fetches that may wait for a reader thread."),
        Inert("log.local.retention.ms", ConfigType.Long, "-2", ConfigValidator.AtLeast(-2), ConfigImportance.Medium,
            "With tiered storage, how long segments stay on local disk after being copied (-2: use retention.ms)."),
        Inert("log.local.retention.bytes", ConfigType.Long, "-2", ConfigValidator.AtLeast(-2), ConfigImportance.Medium,
            "With tiered storage, how many bytes a partition keeps on local disk (-2: use retention.bytes)."),
        Inert("remote.log.manager.copy.max.bytes.per.second", ConfigType.Long, LongMax, ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Upper bound on the rate of copying segments to remote storage."),
        Inert("remote.log.manager.copy.quota.window.num", ConfigType.Int, "11", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Samples kept for the remote copy quota."),
        Inert("remote.log.manager.copy.quota.window.size.seconds", ConfigType.Int, "1", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Length of one remote copy quota sample."),
        Inert("remote.log.manager.fetch.max.bytes.per.second", ConfigType.Long, LongMax, ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Upper bound on the rate of reading from remote storage."),
        Inert("remote.log.manager.fetch.quota.window.num", ConfigType.Int, "11", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Samples kept for the remote fetch quota."),
        Inert("remote.log.manager.fetch.quota.window.size.seconds", ConfigType.Int, "1", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Length of one remote fetch quota sample."),
        Inert("remote.fetch.max.wait.ms", ConfigType.Int, "500", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Longest a fetch that needs remote data waits for it."),
        Inert("remote.list.offsets.request.timeout.ms", ConfigType.Long, "30000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Longest a ListOffsets lookup in remote storage may take."),

        // --- Server ---
        Inert("num.replica.alter.log.dirs.threads", ConfigType.Int, null, null, ConfigImportance.High,
            "Threads that move replicas between log directories (default: one per directory)."),
        Inert("background.threads", ConfigType.Int, "10", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Threads for background work such as deleting old segment files."),
        new ConfigDef("request.timeout.ms", ConfigType.Int, "30000", null, ConfigImportance.High,
            "How long the broker waits for answers to requests it sends itself."),
        Inert("socket.connection.setup.timeout.ms", ConfigType.Long, "10000", null, ConfigImportance.Medium,
            "Initial time the broker allows its outgoing connections to be established."),
        Inert("socket.connection.setup.timeout.max.ms", ConfigType.Long, "30000", null, ConfigImportance.Medium,
            "Cap of the exponentially growing setup timeout of outgoing connections."),
        Inert("early.start.listeners", ConfigType.String, null, null, ConfigImportance.High,
            "Listeners opened before the broker has caught up with the metadata log."),
        new ConfigDef("broker.rack", ConfigType.String, null, null, ConfigImportance.Medium,
            "Rack (or availability zone) of this broker, used for rack-aware replica placement and follower fetching."),
        new ConfigDef("controlled.shutdown.enable", ConfigType.Boolean, "true", null, ConfigImportance.Medium,
            "Move partition leadership away from the broker before it shuts down (KIP-631 controlled shutdown, at most 30 s)."),
        Inert("compression.gzip.level", ConfigType.Int, "-1", GzipLevel, ConfigImportance.Medium,
            "Level used when the broker compresses with gzip: 1 to 9, or -1 for the codec default."),
        Inert("compression.lz4.level", ConfigType.Int, "9", ConfigValidator.Between(1, 17), ConfigImportance.Medium,
            "Level used when the broker compresses with lz4."),
        Inert("compression.zstd.level", ConfigType.Int, "3", ConfigValidator.Between(-131072, 22), ConfigImportance.Medium,
            "Level used when the broker compresses with zstd."),
        Inert("max.incremental.fetch.session.cache.slots", ConfigType.Int, "1000", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Incremental fetch sessions (KIP-227) the broker keeps at most."),
        Inert("fetch.max.bytes", ConfigType.Int, "57671680", ConfigValidator.AtLeast(1024), ConfigImportance.Medium,
            "Most bytes the broker returns for one Fetch request."),
        new ConfigDef("max.request.partition.size.limit", ConfigType.Int, "2000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Most partitions one DescribeTopicPartitions response carries; the rest follow from its cursor."),

        // --- KRaft roles and registration ---
        new ConfigDef("initial.broker.registration.timeout.ms", ConfigType.Int, "60000", null, ConfigImportance.Medium,
            "How long a starting broker waits for the controller to accept its registration."),
        new ConfigDef("broker.heartbeat.interval.ms", ConfigType.Int, "2000", null, ConfigImportance.Medium,
            "Interval between a broker's heartbeats to the controller."),
        new ConfigDef("broker.session.timeout.ms", ConfigType.Int, "9000", null, ConfigImportance.Medium,
            "A broker that sends no heartbeat for this long is fenced by the controller, which moves its leaderships."),
        Inert("sasl.mechanism.controller.protocol", ConfigType.String, "GSSAPI", null, ConfigImportance.High,
            "SASL mechanism used to talk to the controllers."),

        // --- Cluster metadata log ---
        new ConfigDef("metadata.log.max.record.bytes.between.snapshots", ConfigType.Long, "20971520", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Bytes of new metadata records that trigger a metadata snapshot."),
        new ConfigDef("metadata.log.max.snapshot.interval.ms", ConfigType.Long, "3600000", ConfigValidator.AtLeast(0), ConfigImportance.High,
            "Longest time between metadata snapshots while records keep arriving (0: no time trigger)."),
        Inert("metadata.log.dir", ConfigType.String, null, null, ConfigImportance.High,
            "Directory of the cluster metadata log (default: the first log directory)."),
        Inert("metadata.log.segment.bytes", ConfigType.Int, "1073741824", ConfigValidator.AtLeast(8388608), ConfigImportance.High,
            "Segment size of the cluster metadata log."),
        Inert("metadata.log.segment.ms", ConfigType.Long, "604800000", null, ConfigImportance.High,
            "Age after which a metadata log segment is rolled."),
        Inert("metadata.max.retention.bytes", ConfigType.Long, "104857600", null, ConfigImportance.High,
            "Size at which old metadata log segments and snapshots are deleted."),
        Inert("metadata.max.retention.ms", ConfigType.Long, "604800000", null, ConfigImportance.High,
            "Age at which old metadata log segments and snapshots are deleted."),
        Inert("metadata.max.idle.interval.ms", ConfigType.Int, "500", ConfigValidator.AtLeast(0), ConfigImportance.Low,
            "How often the active controller writes a no-op record so followers see the log advancing."),

        // --- Sockets and connection limits ---
        Inert("max.connections.per.ip", ConfigType.Int, IntMax, ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Most connections one client address may hold."),
        Inert("max.connections.per.ip.overrides", ConfigType.String, "", null, ConfigImportance.Medium,
            "Per-address exceptions to max.connections.per.ip, as host:count pairs."),
        Inert("max.connections", ConfigType.Int, IntMax, ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Most connections the broker accepts in total."),
        Inert("max.connection.creation.rate", ConfigType.Int, IntMax, ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Most new connections per second the broker accepts."),
        Inert("connection.failed.authentication.delay.ms", ConfigType.Int, "100", ConfigValidator.AtLeast(0), ConfigImportance.Low,
            "Delay before closing a connection whose authentication failed."),
        Inert("queued.max.request.bytes", ConfigType.Long, "-1", null, ConfigImportance.Medium,
            "Bytes of queued requests after which reading pauses (-1: no limit)."),

        // --- Replication ---
        Inert("controller.socket.timeout.ms", ConfigType.Int, "30000", null, ConfigImportance.Medium,
            "Socket timeout of connections to the controller."),
        new ConfigDef("replica.lag.time.max.ms", ConfigType.Long, "30000", null, ConfigImportance.High,
            "A follower that has not caught up for this long drops out of the ISR."),
        Inert("replica.socket.timeout.ms", ConfigType.Int, "30000", null, ConfigImportance.High,
            "Socket timeout of follower fetch connections."),
        Inert("replica.socket.receive.buffer.bytes", ConfigType.Int, "65536", null, ConfigImportance.High,
            "Socket receive buffer of follower fetch connections."),
        new ConfigDef("replica.fetch.max.bytes", ConfigType.Int, "1048576", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Bytes a follower asks for per partition in one fetch."),
        new ConfigDef("replica.fetch.wait.max.ms", ConfigType.Int, "500", null, ConfigImportance.High,
            "Longest a follower fetch waits on the leader for data."),
        new ConfigDef("replica.fetch.backoff.ms", ConfigType.Int, "1000", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Pause of a follower after a failed fetch."),
        new ConfigDef("replica.fetch.min.bytes", ConfigType.Int, "1", null, ConfigImportance.High,
            "Bytes a follower fetch waits for before the leader answers."),
        new ConfigDef("replica.fetch.response.max.bytes", ConfigType.Int, "10485760", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Most bytes the leader returns to one follower fetch."),
        Inert("num.replica.fetchers", ConfigType.Int, "1", null, ConfigImportance.High,
            "Fetcher threads per source broker used by followers."),
        new ConfigDef("replica.high.watermark.checkpoint.interval.ms", ConfigType.Long, "5000", null, ConfigImportance.High,
            "How often high watermarks are written to disk."),
        Inert("fetch.purgatory.purge.interval.requests", ConfigType.Int, "1000", null, ConfigImportance.Medium,
            "Completed requests after which the fetch purgatory is purged."),
        Inert("producer.purgatory.purge.interval.requests", ConfigType.Int, "1000", null, ConfigImportance.Medium,
            "Completed requests after which the produce purgatory is purged."),
        Inert("delete.records.purgatory.purge.interval.requests", ConfigType.Int, "1", null, ConfigImportance.Medium,
            "Completed requests after which the delete-records purgatory is purged."),
        new ConfigDef("auto.leader.rebalance.enable", ConfigType.Boolean, "true", null, ConfigImportance.High,
            "Move leadership back to preferred replicas periodically."),
        new ConfigDef("leader.imbalance.check.interval.seconds", ConfigType.Long, "300", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "How often leadership balance is checked."),
        new ConfigDef("replica.selector.class", ConfigType.String, null, null, ConfigImportance.Medium,
            "ReplicaSelector that chooses the replica a consumer may fetch from (KIP-392): org.apache.kafka.common.replica.RackAwareReplicaSelector sends a consumer with client.rack to an in-sync replica in its rack; unset, consumers read from leaders."),

        // --- Group coordinator (classic, consumer, share and streams groups) ---
        Inert("group.coordinator.rebalance.protocols", ConfigType.List, "classic,consumer,streams", ConfigValidator.ListOf("consumer", "classic", "share", "streams"), ConfigImportance.Medium,
            "Group protocols the coordinator accepts: classic, consumer (KIP-848), streams, share."),
        Inert("group.coordinator.threads", ConfigType.Int, "4", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Threads of the group coordinator."),
        Inert("group.coordinator.append.linger.ms", ConfigType.Int, "5", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "How long the group coordinator waits to batch its writes to __consumer_offsets."),
        Inert("offsets.load.buffer.size", ConfigType.Int, "5242880", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Read buffer used when loading __consumer_offsets."),
        Inert("offsets.topic.compression.codec", ConfigType.Int, "0", null, ConfigImportance.High,
            "Codec id used for writes to __consumer_offsets (0: none)."),
        Inert("group.consumer.min.session.timeout.ms", ConfigType.Int, "45000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Smallest session timeout a consumer group (KIP-848) may be configured with."),
        Inert("group.consumer.max.session.timeout.ms", ConfigType.Int, "60000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Largest session timeout a consumer group (KIP-848) may be configured with."),
        Inert("group.consumer.min.heartbeat.interval.ms", ConfigType.Int, "5000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Smallest heartbeat interval a consumer group (KIP-848) may be configured with."),
        Inert("group.consumer.max.heartbeat.interval.ms", ConfigType.Int, "15000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Largest heartbeat interval a consumer group (KIP-848) may be configured with."),
        Inert("group.consumer.max.size", ConfigType.Int, IntMax, ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Most members a consumer group (KIP-848) may have."),
        Inert("group.consumer.assignors", ConfigType.List, "uniform,range", null, ConfigImportance.Medium,
            "Server-side assignors of consumer groups (KIP-848); the first is the default."),
        Inert("group.consumer.migration.policy", ConfigType.String, "bidirectional", ConfigValidator.OneOfIgnoringCase("bidirectional", "upgrade", "downgrade", "disabled"), ConfigImportance.Medium,
            "Whether groups may switch between the classic and consumer protocols: bidirectional, upgrade, downgrade or disabled."),
        Inert("group.share.session.timeout.ms", ConfigType.Int, "45000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Session timeout of share group (KIP-932) members."),
        Inert("group.share.min.session.timeout.ms", ConfigType.Int, "45000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Smallest session timeout a share group may be configured with."),
        Inert("group.share.max.session.timeout.ms", ConfigType.Int, "60000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Largest session timeout a share group may be configured with."),
        Inert("group.share.heartbeat.interval.ms", ConfigType.Int, "5000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Heartbeat interval of share group members."),
        Inert("group.share.min.heartbeat.interval.ms", ConfigType.Int, "5000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Smallest heartbeat interval a share group may be configured with."),
        Inert("group.share.max.heartbeat.interval.ms", ConfigType.Int, "15000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Largest heartbeat interval a share group may be configured with."),
        Inert("group.share.max.size", ConfigType.Int, "200", ConfigValidator.Between(1, 1000), ConfigImportance.Medium,
            "Most members a share group may have."),
        Inert("group.share.assignors", ConfigType.List, "simple", null, ConfigImportance.Medium,
            "Assignors of share groups."),
        Inert("group.streams.session.timeout.ms", ConfigType.Int, "45000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Session timeout of streams group (KIP-1071) members."),
        Inert("group.streams.min.session.timeout.ms", ConfigType.Int, "45000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Smallest session timeout a streams group may be configured with."),
        Inert("group.streams.max.session.timeout.ms", ConfigType.Int, "60000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Largest session timeout a streams group may be configured with."),
        Inert("group.streams.heartbeat.interval.ms", ConfigType.Int, "5000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Heartbeat interval of streams group members."),
        Inert("group.streams.min.heartbeat.interval.ms", ConfigType.Int, "5000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Smallest heartbeat interval a streams group may be configured with."),
        Inert("group.streams.max.heartbeat.interval.ms", ConfigType.Int, "15000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Largest heartbeat interval a streams group may be configured with."),
        Inert("group.streams.max.size", ConfigType.Int, IntMax, ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Most members a streams group may have."),
        Inert("group.streams.num.standby.replicas", ConfigType.Int, "0", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Standby task replicas of streams groups."),
        Inert("group.streams.max.standby.replicas", ConfigType.Int, "2", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Most standby replicas a streams group may be configured with."),

        // --- Log cleaner ---
        Inert("log.cleaner.io.max.bytes.per.second", ConfigType.Double, DoubleMax, null, ConfigImportance.Medium,
            "Upper bound on the combined read and write rate of the log cleaner."),
        Inert("log.cleaner.dedupe.buffer.size", ConfigType.Long, "134217728", null, ConfigImportance.Medium,
            "Memory of all cleaner threads for the key-to-offset map."),
        Inert("log.cleaner.io.buffer.size", ConfigType.Int, "524288", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "I/O buffer memory of all cleaner threads."),
        Inert("log.cleaner.io.buffer.load.factor", ConfigType.Double, "0.9", null, ConfigImportance.Medium,
            "How full the cleaner's key-to-offset map may get."),

        // --- Logs ---
        Inert("log.flush.start.offset.checkpoint.interval.ms", ConfigType.Int, "60000", ConfigValidator.AtLeast(0), ConfigImportance.High,
            "How often log start offsets are written to disk."),
        Inert("create.topic.policy.class.name", ConfigType.Class, null, null, ConfigImportance.Low,
            "CreateTopicPolicy plug-in that can veto topic creation."),
        Inert("alter.config.policy.class.name", ConfigType.Class, null, null, ConfigImportance.Low,
            "AlterConfigPolicy plug-in that can veto config changes."),
        Inert("log.dir.failure.timeout.ms", ConfigType.Long, "30000", ConfigValidator.AtLeast(1), ConfigImportance.Low,
            "A broker that cannot report a failed log directory to the controller for this long shuts down."),

        // --- Share groups (KIP-932) ---
        Inert("group.share.delivery.count.limit", ConfigType.Int, "5", ConfigValidator.Between(2, 10), ConfigImportance.Medium,
            "Deliveries of a record to share consumers before it is archived."),
        Inert("group.share.record.lock.duration.ms", ConfigType.Int, "30000", ConfigValidator.Between(1000, 3600000), ConfigImportance.Medium,
            "How long a share consumer holds the records it was given."),
        Inert("group.share.min.record.lock.duration.ms", ConfigType.Int, "15000", ConfigValidator.Between(1000, 30000), ConfigImportance.Medium,
            "Smallest record lock duration a share group may be configured with."),
        Inert("group.share.max.record.lock.duration.ms", ConfigType.Int, "60000", ConfigValidator.Between(30000, 3600000), ConfigImportance.Medium,
            "Largest record lock duration a share group may be configured with."),
        Inert("group.share.partition.max.record.locks", ConfigType.Int, "2000", ConfigValidator.Between(100, 10000), ConfigImportance.Medium,
            "Records of one share partition that may be locked at once."),
        Inert("share.fetch.purgatory.purge.interval.requests", ConfigType.Int, "1000", null, ConfigImportance.Medium,
            "Completed requests after which the share fetch purgatory is purged."),
        Inert("group.share.max.share.sessions", ConfigType.Int, "2000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Share sessions the broker keeps at most."),

        // --- Share coordinator ---
        Inert("share.coordinator.state.topic.num.partitions", ConfigType.Int, "50", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Partitions of __share_group_state."),
        Inert("share.coordinator.state.topic.segment.bytes", ConfigType.Int, "104857600", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Segment size of __share_group_state."),
        Inert("share.coordinator.threads", ConfigType.Int, "1", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Threads of the share coordinator."),
        Inert("share.coordinator.snapshot.update.records.per.snapshot", ConfigType.Int, "500", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Share state updates written between two snapshots of a share partition."),
        Inert("share.coordinator.load.buffer.size", ConfigType.Int, "5242880", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Read buffer used when loading __share_group_state."),
        Inert("share.coordinator.state.topic.compression.codec", ConfigType.Int, "0", null, ConfigImportance.High,
            "Codec id used for writes to __share_group_state (0: none)."),
        Inert("share.coordinator.append.linger.ms", ConfigType.Int, "5", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "How long the share coordinator waits to batch its writes."),
        Inert("share.coordinator.write.timeout.ms", ConfigType.Int, "5000", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "How long a write to __share_group_state may take."),

        // --- Transactions ---
        Inert("transaction.state.log.load.buffer.size", ConfigType.Int, "5242880", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Read buffer used when loading __transaction_state."),
        Inert("transaction.partition.verification.enable", ConfigType.Boolean, "true", null, ConfigImportance.Low,
            "Check that a transactional produce targets a partition the transaction added (KIP-890)."),
        Inert("transaction.remove.expired.transaction.cleanup.interval.ms", ConfigType.Int, "3600000", ConfigValidator.AtLeast(1), ConfigImportance.Low,
            "How often expired transactional ids are removed."),
        Inert("transaction.two.phase.commit.enable", ConfigType.Boolean, "false", null, ConfigImportance.Low,
            "Allow producers to take part in two-phase commit (KIP-939)."),

        // --- Controller quorum (KRaft) ---
        new ConfigDef("controller.quorum.election.timeout.ms", ConfigType.Int, "1000", ConfigValidator.AtLeast(0), ConfigImportance.High,
            "How long a voter waits without a leader before it starts an election."),
        new ConfigDef("controller.quorum.fetch.timeout.ms", ConfigType.Int, "2000", ConfigValidator.AtLeast(0), ConfigImportance.High,
            "How long a voter waits without a successful fetch before it suspects the leader."),
        new ConfigDef("controller.quorum.election.backoff.max.ms", ConfigType.Int, "1000", ConfigValidator.AtLeast(0), ConfigImportance.High,
            "Longest random back-off before a new election."),
        Inert("controller.quorum.append.linger.ms", ConfigType.Int, "25", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "How long the quorum leader waits to batch metadata writes."),
        new ConfigDef("controller.quorum.request.timeout.ms", ConfigType.Int, "2000", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Timeout of quorum requests."),
        new ConfigDef("controller.quorum.retry.backoff.ms", ConfigType.Int, "20", ConfigValidator.AtLeast(0), ConfigImportance.Low,
            "Pause before a failed quorum request is retried."),

        // --- Metrics ---
        Inert("metrics.num.samples", ConfigType.Int, "2", ConfigValidator.AtLeast(1), ConfigImportance.Low,
            "Samples kept to compute metrics."),
        Inert("metrics.sample.window.ms", ConfigType.Long, "30000", ConfigValidator.AtLeast(1), ConfigImportance.Low,
            "Length of one metrics sample."),
        Inert("metric.reporters", ConfigType.List, "org.apache.kafka.common.metrics.JmxReporter", null, ConfigImportance.Low,
            "MetricsReporter classes notified of metric changes."),
        Inert("metrics.recording.level", ConfigType.String, "INFO", null, ConfigImportance.Low,
            "Highest level of metrics recorded: INFO, DEBUG or TRACE."),
        Inert("kafka.metrics.reporters", ConfigType.List, "", null, ConfigImportance.Low,
            "Yammer-metrics reporter classes."),
        Inert("kafka.metrics.polling.interval.secs", ConfigType.Int, "10", ConfigValidator.AtLeast(1), ConfigImportance.Low,
            "Polling interval of the Yammer-metrics reporters."),
        Inert("telemetry.max.bytes", ConfigType.Int, "1048576", ConfigValidator.AtLeast(1), ConfigImportance.Low,
            "Largest client telemetry push (KIP-714) accepted."),

        // --- Quotas ---
        Inert("quota.window.num", ConfigType.Int, "11", ConfigValidator.AtLeast(1), ConfigImportance.Low,
            "Samples kept for client quotas."),
        new ConfigDef("replication.quota.window.num", ConfigType.Int, "11", ConfigValidator.AtLeast(1), ConfigImportance.Low,
            "Samples kept for replication quotas."),
        Inert("alter.log.dirs.replication.quota.window.num", ConfigType.Int, "11", ConfigValidator.AtLeast(1), ConfigImportance.Low,
            "Samples kept for log directory move quotas."),
        Inert("controller.quota.window.num", ConfigType.Int, "11", ConfigValidator.AtLeast(1), ConfigImportance.Low,
            "Samples kept for controller mutation quotas."),
        Inert("quota.window.size.seconds", ConfigType.Int, "1", ConfigValidator.AtLeast(1), ConfigImportance.Low,
            "Length of one client quota sample."),
        new ConfigDef("replication.quota.window.size.seconds", ConfigType.Int, "1", ConfigValidator.AtLeast(1), ConfigImportance.Low,
            "Length of one replication quota sample."),
        Inert("alter.log.dirs.replication.quota.window.size.seconds", ConfigType.Int, "1", ConfigValidator.AtLeast(1), ConfigImportance.Low,
            "Length of one log directory move quota sample."),
        Inert("controller.quota.window.size.seconds", ConfigType.Int, "1", ConfigValidator.AtLeast(1), ConfigImportance.Low,
            "Length of one controller mutation quota sample."),
        Inert("client.quota.callback.class", ConfigType.Class, null, null, ConfigImportance.Low,
            "ClientQuotaCallback plug-in that replaces the built-in quota rules."),
        new ConfigDef("leader.replication.throttled.rate", ConfigType.Long, LongMax, ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Replication throttle on leaders, in bytes per second: what this broker serves to followers of replicas in leader.replication.throttled.replicas; a dynamic-only key in Kafka."),
        new ConfigDef("follower.replication.throttled.rate", ConfigType.Long, LongMax, ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Replication throttle on followers, in bytes per second: what this broker fetches for replicas in follower.replication.throttled.replicas; a dynamic-only key in Kafka."),
        Inert("replica.alter.log.dirs.io.max.bytes.per.second", ConfigType.Long, LongMax, ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Throttle on moving replicas between log directories, in bytes per second; a dynamic-only key in Kafka."),

        // --- Security (TLS, SASL, OAUTHBEARER) ---
        Inert("connections.max.reauth.ms", ConfigType.Long, "0", null, ConfigImportance.Medium,
            "Session lifetime after which clients must re-authenticate (KIP-368; 0: never)."),
        Inert("sasl.server.max.receive.size", ConfigType.Int, "524288", null, ConfigImportance.Medium,
            "Largest SASL packet accepted before authentication."),
        Inert("security.providers", ConfigType.String, null, null, ConfigImportance.Low,
            "SecurityProviderCreator classes that register JCA providers."),
        Inert("ssl.client.auth", ConfigType.String, "none", ConfigValidator.OneOf("required", "requested", "none"), ConfigImportance.Medium,
            "Whether TLS clients must (required), may (requested) or need not (none) present a certificate."),
        Inert("ssl.principal.mapping.rules", ConfigType.String, "DEFAULT", null, ConfigImportance.Low,
            "Rules mapping a client certificate's distinguished name to a principal."),
        Inert("ssl.allow.dn.changes", ConfigType.Boolean, "false", null, ConfigImportance.Low,
            "Accept a reloaded key store whose certificate has a different distinguished name."),
        Inert("ssl.allow.san.changes", ConfigType.Boolean, "false", null, ConfigImportance.Low,
            "Accept a reloaded key store whose certificate has different subject alternative names."),
        Inert("ssl.protocol", ConfigType.String, "TLSv1.3", null, ConfigImportance.Medium,
            "TLS protocol used to create the SSL context."),
        Inert("ssl.provider", ConfigType.String, null, null, ConfigImportance.Medium,
            "JCA security provider for TLS."),
        Inert("ssl.enabled.protocols", ConfigType.List, "TLSv1.2,TLSv1.3", null, ConfigImportance.Medium,
            "TLS protocol versions accepted."),
        Inert("ssl.keystore.type", ConfigType.String, "JKS", null, ConfigImportance.Medium,
            "Format of the key store file (JKS, PKCS12, PEM)."),
        Inert("ssl.keystore.location", ConfigType.String, null, null, ConfigImportance.Medium,
            "Path of the key store."),
        Inert("ssl.keystore.key", ConfigType.Password, null, null, ConfigImportance.Medium,
            "Private key in PEM form, instead of a key store file."),
        Inert("ssl.keystore.certificate.chain", ConfigType.Password, null, null, ConfigImportance.Medium,
            "Certificate chain in PEM form, instead of a key store file."),
        Inert("ssl.truststore.type", ConfigType.String, "JKS", null, ConfigImportance.Medium,
            "Format of the trust store file (JKS, PKCS12, PEM)."),
        Inert("ssl.truststore.location", ConfigType.String, null, null, ConfigImportance.Medium,
            "Path of the trust store."),
        Inert("ssl.truststore.certificates", ConfigType.Password, null, null, ConfigImportance.Medium,
            "Trusted certificates in PEM form, instead of a trust store file."),
        Inert("ssl.keymanager.algorithm", ConfigType.String, "SunX509", null, ConfigImportance.Medium,
            "Key manager factory algorithm (the JVM's default is SunX509)."),
        Inert("ssl.trustmanager.algorithm", ConfigType.String, "PKIX", null, ConfigImportance.Medium,
            "Trust manager factory algorithm (the JVM's default is PKIX)."),
        Inert("ssl.endpoint.identification.algorithm", ConfigType.String, "https", null, ConfigImportance.Low,
            "How the peer's host name is checked against its certificate (https; empty turns the check off)."),
        Inert("ssl.secure.random.implementation", ConfigType.String, null, null, ConfigImportance.Low,
            "SecureRandom implementation used by TLS."),
        Inert("ssl.cipher.suites", ConfigType.List, "", null, ConfigImportance.Medium,
            "TLS cipher suites accepted (empty: the platform's defaults)."),
        Inert("ssl.engine.factory.class", ConfigType.Class, null, null, ConfigImportance.Low,
            "SslEngineFactory plug-in that builds TLS engines."),
        Inert("sasl.mechanism.inter.broker.protocol", ConfigType.String, "GSSAPI", null, ConfigImportance.Medium,
            "SASL mechanism brokers use with each other."),
        Inert("sasl.enabled.mechanisms", ConfigType.List, "GSSAPI", null, ConfigImportance.Medium,
            "SASL mechanisms the broker offers."),
        Inert("sasl.server.callback.handler.class", ConfigType.Class, null, null, ConfigImportance.Medium,
            "Callback handler of the SASL server."),
        Inert("sasl.kerberos.principal.to.local.rules", ConfigType.List, "DEFAULT", null, ConfigImportance.Medium,
            "Rules mapping Kerberos principals to short names."),
        Inert("sasl.jaas.config", ConfigType.Password, null, null, ConfigImportance.Medium,
            "JAAS login context for SASL connections."),
        Inert("sasl.client.callback.handler.class", ConfigType.Class, null, null, ConfigImportance.Medium,
            "Callback handler of SASL clients the broker creates."),
        Inert("sasl.login.class", ConfigType.Class, null, null, ConfigImportance.Medium,
            "Login implementation for SASL."),
        Inert("sasl.login.callback.handler.class", ConfigType.Class, null, null, ConfigImportance.Medium,
            "Callback handler of the SASL login."),
        Inert("sasl.kerberos.service.name", ConfigType.String, null, null, ConfigImportance.Medium,
            "Kerberos service name the broker runs as."),
        Inert("sasl.kerberos.kinit.cmd", ConfigType.String, "/usr/bin/kinit", null, ConfigImportance.Medium,
            "Path of the kinit command."),
        Inert("sasl.kerberos.ticket.renew.window.factor", ConfigType.Double, "0.8", null, ConfigImportance.Medium,
            "Fraction of a ticket's lifetime after which it is renewed."),
        Inert("sasl.kerberos.ticket.renew.jitter", ConfigType.Double, "0.05", null, ConfigImportance.Medium,
            "Random jitter added to the Kerberos renewal time."),
        Inert("sasl.kerberos.min.time.before.relogin", ConfigType.Long, "60000", null, ConfigImportance.Medium,
            "Shortest pause between two Kerberos logins."),
        Inert("sasl.login.refresh.window.factor", ConfigType.Double, "0.8", null, ConfigImportance.Medium,
            "Fraction of a token's lifetime after which it is refreshed (OAUTHBEARER)."),
        Inert("sasl.login.refresh.window.jitter", ConfigType.Double, "0.05", null, ConfigImportance.Medium,
            "Random jitter added to the token refresh time (OAUTHBEARER)."),
        Inert("sasl.login.refresh.min.period.seconds", ConfigType.Short, "60", null, ConfigImportance.Medium,
            "Shortest pause between two token refreshes (OAUTHBEARER)."),
        Inert("sasl.login.refresh.buffer.seconds", ConfigType.Short, "300", null, ConfigImportance.Medium,
            "Time before expiry that a token refresh should leave (OAUTHBEARER)."),
        Inert("sasl.login.connect.timeout.ms", ConfigType.Int, null, null, ConfigImportance.Low,
            "Connect timeout of the external login provider (OAUTHBEARER)."),
        Inert("sasl.login.read.timeout.ms", ConfigType.Int, null, null, ConfigImportance.Low,
            "Read timeout of the external login provider (OAUTHBEARER)."),
        Inert("sasl.login.retry.backoff.max.ms", ConfigType.Long, "10000", null, ConfigImportance.Low,
            "Longest back-off between attempts to reach the login provider (OAUTHBEARER)."),
        Inert("sasl.login.retry.backoff.ms", ConfigType.Long, "100", null, ConfigImportance.Low,
            "First back-off between attempts to reach the login provider (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.jwt.retriever.class", ConfigType.Class, "org.apache.kafka.common.security.oauthbearer.DefaultJwtRetriever", null, ConfigImportance.Medium,
            "JwtRetriever that obtains tokens (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.jwt.validator.class", ConfigType.Class, "org.apache.kafka.common.security.oauthbearer.DefaultJwtValidator", null, ConfigImportance.Medium,
            "JwtValidator that checks tokens (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.scope", ConfigType.String, null, null, ConfigImportance.Medium,
            "Scope requested from the token endpoint (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.client.credentials.client.id", ConfigType.String, null, null, ConfigImportance.Medium,
            "Client id of the client-credentials grant (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.client.credentials.client.secret", ConfigType.Password, null, null, ConfigImportance.Medium,
            "Client secret of the client-credentials grant (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.assertion.algorithm", ConfigType.String, "RS256", ConfigValidator.OneOfIgnoringCase("ES256", "RS256"), ConfigImportance.Medium,
            "Signing algorithm of JWT assertions: RS256 or ES256 (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.assertion.claim.aud", ConfigType.String, null, null, ConfigImportance.Medium,
            "aud claim of JWT assertions (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.assertion.claim.exp.seconds", ConfigType.Int, "300", ConfigValidator.Between(0, 86400), ConfigImportance.Low,
            "Lifetime written into the exp claim of JWT assertions (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.assertion.claim.iss", ConfigType.String, null, null, ConfigImportance.Medium,
            "iss claim of JWT assertions (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.assertion.claim.jti.include", ConfigType.Boolean, "false", null, ConfigImportance.Medium,
            "Add a random jti claim to JWT assertions (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.assertion.claim.nbf.seconds", ConfigType.Int, "60", ConfigValidator.Between(0, 3600), ConfigImportance.Low,
            "How far in the past the nbf claim of JWT assertions lies (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.assertion.claim.sub", ConfigType.String, null, null, ConfigImportance.Medium,
            "sub claim of JWT assertions (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.assertion.file", ConfigType.String, null, null, ConfigImportance.Medium,
            "File holding a ready-made JWT assertion (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.assertion.private.key.file", ConfigType.String, null, null, ConfigImportance.Medium,
            "Private key that signs JWT assertions (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.assertion.private.key.passphrase", ConfigType.Password, null, null, ConfigImportance.Medium,
            "Passphrase of the assertion signing key (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.assertion.template.file", ConfigType.String, null, null, ConfigImportance.Medium,
            "Template for the header and claims of JWT assertions (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.scope.claim.name", ConfigType.String, "scope", null, ConfigImportance.Low,
            "Name of the claim that carries the scope (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.sub.claim.name", ConfigType.String, "sub", null, ConfigImportance.Low,
            "Name of the claim that carries the subject (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.token.endpoint.url", ConfigType.String, null, null, ConfigImportance.Medium,
            "URL or file that tokens are obtained from (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.jwks.endpoint.url", ConfigType.String, null, null, ConfigImportance.Medium,
            "URL or file of the keys that verify tokens (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.jwks.endpoint.refresh.ms", ConfigType.Long, "3600000", null, ConfigImportance.Low,
            "How often the verification keys are fetched again (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.jwks.endpoint.retry.backoff.ms", ConfigType.Long, "100", null, ConfigImportance.Low,
            "First back-off between attempts to fetch the verification keys (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms", ConfigType.Long, "10000", null, ConfigImportance.Low,
            "Longest back-off between attempts to fetch the verification keys (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.clock.skew.seconds", ConfigType.Int, "30", null, ConfigImportance.Low,
            "Clock difference tolerated when checking token times (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.expected.audience", ConfigType.List, null, null, ConfigImportance.Low,
            "Audiences a token must name one of (OAUTHBEARER)."),
        Inert("sasl.oauthbearer.expected.issuer", ConfigType.String, null, null, ConfigImportance.Low,
            "Issuer a token must name (OAUTHBEARER)."),

        // --- Delegation tokens ---
        Inert("delegation.token.secret.key", ConfigType.Password, null, null, ConfigImportance.Medium,
            "Secret that signs delegation tokens; tokens are off when it is not set."),
        Inert("delegation.token.max.lifetime.ms", ConfigType.Long, "604800000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Longest a delegation token may be renewed for."),
        Inert("delegation.token.expiry.time.ms", ConfigType.Long, "86400000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "How long a delegation token lives before it must be renewed."),
        Inert("delegation.token.expiry.check.interval.ms", ConfigType.Long, "3600000", ConfigValidator.AtLeast(1), ConfigImportance.Low,
            "How often expired delegation tokens are removed."),

        // --- Transactions ---
        Inert("add.partitions.to.txn.retry.backoff.max.ms", ConfigType.Int, "100", ConfigValidator.AtLeast(0), ConfigImportance.High,
            "Longest a produce waits, retrying, for its partition to be verified in a transaction."),
        Inert("add.partitions.to.txn.retry.backoff.ms", ConfigType.Int, "20", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Pause between retries of transaction verification of a produce."),
    ];
}
