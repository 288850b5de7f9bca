using System.Globalization;
using System.Text;

namespace Brook.Common.Config;

/// <summary>The catalogue of broker configuration keys Brook understands, with Kafka's defaults and validation.</summary>
/// <remarks>
/// Where Brook's default differs from Kafka's, the documentation line says so (node.id, listeners, log.dirs and the
/// internal topics' replication factors: Brook is a single node). Keys marked "accepted, unused" exist so a stock Kafka
/// server.properties loads without warnings; they have no effect.
/// </remarks>
public static class BrokerConfigDefs
{
    private const string LongMax = "9223372036854775807";
    private const string IntMax = "2147483647";

    // Groups of keys that configure the same thing, in precedence order (first set one wins). Kafka resolves the time
    // aliases by key precedence, not by which layer set them, and so do we.
    private static readonly string[][] AliasGroups =
    [
        ["node.id", "broker.id"],
        ["log.dirs", "log.dir"],
        ["log.retention.ms", "log.retention.minutes", "log.retention.hours"],
        ["log.roll.ms", "log.roll.hours"],
        ["log.roll.jitter.ms", "log.roll.jitter.hours"],
    ];

    /// <summary>host:port of the HTTP admin listener (metrics, health), or empty for none.</summary>
    public const string AdminListener = "brook.admin.listener";

    /// <summary>Whether the node runs as Brook's container image does (KAFKA_* variables, container defaults, format at start-up).</summary>
    public const string ContainerMode = "brook.container.mode";

    /// <summary>Whether the admin listener also serves the web console.</summary>
    public const string AdminConsoleEnable = "brook.admin.console.enable";

    // host:port or empty (brook.admin.listener).
    private static readonly ConfigValidator AdminListenerAddress = ConfigValidator.Custom("host:port, or empty to turn the listener off",
        v => v is string s && s.Length > 0 && HostPort.TryParse(s, out _, out _) is { } reason ? reason : null);

    // A list of broker ids (brook.balancer.decommission.brokers).
    private static readonly ConfigValidator BrokerIdList = ConfigValidator.Custom("a list of broker ids",
        value => value is IReadOnlyList<string> items
            ? items.FirstOrDefault(v => !int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out _)) is { } bad ? $"{bad} is not a broker id" : null
            : "Value must be a list");

    private static readonly ConfigDef[] Defs =
    [
        // --- Node identity and roles ---
        new("node.id", ConfigType.Int, "1", ConfigValidator.AtLeast(0), ConfigImportance.High,
            "Id of this node. Kafka requires it in KRaft mode; Brook, always a single node, defaults to 1."),
        new("broker.id", ConfigType.Int, null, ConfigValidator.AtLeast(0), ConfigImportance.High,
            "Older name for node.id, used when node.id is not set; if both are set they must be equal."),
        new("process.roles", ConfigType.List, "broker,controller", ConfigValidator.ListOf("broker", "controller"), ConfigImportance.High,
            "Roles of this node: broker, controller, or both (combined). Without controller.quorum.voters a broker,controller node runs standalone, a quorum of one."),
        new("cluster.id", ConfigType.String, null, ConfigValidator.NonEmptyString(), ConfigImportance.Medium,
            "Cluster id reported to clients. Kafka keeps it in meta.properties (written by kafka-storage format); when unset, the broker is expected to use the id kept in its data directory, creating one on first start."),
        new("controller.listener.names", ConfigType.List, null, null, ConfigImportance.Medium,
            "Listener names used by the controller quorum. These listeners are never advertised to clients; their protocol defaults to PLAINTEXT when listener.security.protocol.map is not set."),
        new("controller.quorum.voters", ConfigType.List, null, null, ConfigImportance.Low,
            "The bootstrap controller quorum (id@host:port,...) on the controller listener. The voter set then lives in the metadata log and changes with AddRaftVoter/RemoveRaftVoter (brook metadata-quorum); a controller not listed starts as an observer."),
        new("controller.quorum.bootstrap.servers", ConfigType.List, null, null, ConfigImportance.Low,
            "Controller endpoints (host:port,...) a broker-only node asks for the voters (DescribeQuorum) when controller.quorum.voters is not set."),
        new("unstable.api.versions.enable", ConfigType.Boolean, "false", null, ConfigImportance.Low,
            "Advertise API versions that are still under development."),

        // --- Listeners and sockets ---
        new("listeners", ConfigType.List, "PLAINTEXT://127.0.0.1:9092", ConfigValidator.NonEmptyList(), ConfigImportance.High,
            "Comma-separated NAME://host:port endpoints to listen on; an empty host or 0.0.0.0 binds every interface. Kafka's default is PLAINTEXT://:9092; Brook binds loopback only by default."),
        new("advertised.listeners", ConfigType.List, null, null, ConfigImportance.High,
            "Endpoints given to clients in Metadata, by listener name. Unset: the listeners themselves, where a wildcard host (empty, 0.0.0.0, ::) is replaced by this machine's host name (127.0.0.1 if it has none). 0.0.0.0 is rejected here, as in Kafka."),
        new("listener.security.protocol.map", ConfigType.List, "SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT", null, ConfigImportance.Low,
            "Map of listener name to security protocol, NAME:PROTOCOL pairs separated by commas."),
        new("inter.broker.listener.name", ConfigType.String, null, null, ConfigImportance.Medium,
            "Listener used between brokers (replica fetches, broker registration with the controller); must be one of the listeners. Defaults to the first listener that is not a controller listener."),
        new("security.inter.broker.protocol", ConfigType.String, "PLAINTEXT", ConfigValidator.OneOf("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"), ConfigImportance.Medium,
            "Security protocol between brokers. Accepted, unused."),
        new("socket.send.buffer.bytes", ConfigType.Int, "102400", null, ConfigImportance.High,
            "SO_SNDBUF of client sockets; -1 leaves the OS default."),
        new("socket.receive.buffer.bytes", ConfigType.Int, "102400", null, ConfigImportance.High,
            "SO_RCVBUF of client sockets; -1 leaves the OS default."),
        new("socket.request.max.bytes", ConfigType.Int, "104857600", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Largest request (size prefix) accepted; a bigger one closes the connection."),
        new("socket.listen.backlog.size", ConfigType.Int, "50", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Pending-connection backlog of each listening socket."),
        new("num.network.threads", ConfigType.Int, "3", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Network threads in Kafka. Accepted, unused: Brook's network I/O is asynchronous."),
        new("num.io.threads", ConfigType.Int, "8", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Request handler threads in Kafka. Accepted, unused: Brook's request handling is asynchronous."),
        new("queued.max.requests", ConfigType.Int, "500", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Requests that may be queued before reading from connections pauses."),
        new("connections.max.idle.ms", ConfigType.Long, "600000", null, ConfigImportance.Medium,
            "Idle connections are closed after this long."),

        // --- Logs ---
        new("log.dirs", ConfigType.List, "./data", ConfigValidator.NonEmptyList(), ConfigImportance.High,
            "Directories holding the log data: a new partition goes to the online one with the fewest partitions, the first also holds the metadata log, and one that fails goes offline while the others keep serving. Kafka has no default here (it falls back to log.dir=/tmp/kafka-logs); Brook defaults to ./data."),
        new("log.dir", ConfigType.List, null, ConfigValidator.NonEmptyList(), ConfigImportance.High,
            "Used when log.dirs is not set."),
        new("num.partitions", ConfigType.Int, "1", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Partitions of auto-created topics and of CreateTopics requests that leave the count to the broker."),
        new("default.replication.factor", ConfigType.Int, "1", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Replication factor of auto-created topics and of CreateTopics requests that leave it to the broker."),
        new("auto.create.topics.enable", ConfigType.Boolean, "true", null, ConfigImportance.High,
            "Create a topic when Metadata asks for one that does not exist (if the request allows it)."),
        new("delete.topic.enable", ConfigType.Boolean, "true", null, ConfigImportance.High,
            "Allow DeleteTopics."),
        new("message.max.bytes", ConfigType.Int, "1048588", ConfigValidator.AtLeast(0), ConfigImportance.High,
            "Largest record batch accepted (after compression).", "max.message.bytes"),
        new("log.segment.bytes", ConfigType.Int, "1073741824", ConfigValidator.AtLeast(14), ConfigImportance.High,
            "Maximum size of one log segment file.", "segment.bytes"),
        new("log.roll.ms", ConfigType.Long, null, ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Roll a new segment after this long even if not full; overrides log.roll.hours.", "segment.ms"),
        new("log.roll.hours", ConfigType.Int, "168", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Roll a new segment after this many hours (used when log.roll.ms is not set).", "segment.ms"),
        new("log.roll.jitter.ms", ConfigType.Long, null, ConfigValidator.AtLeast(0), ConfigImportance.High,
            "Random jitter subtracted from the roll time; overrides log.roll.jitter.hours.", "segment.jitter.ms"),
        new("log.roll.jitter.hours", ConfigType.Int, "0", ConfigValidator.AtLeast(0), ConfigImportance.High,
            "Roll time jitter in hours (used when log.roll.jitter.ms is not set).", "segment.jitter.ms"),
        new("log.retention.ms", ConfigType.Long, null, null, ConfigImportance.High,
            "Delete segments older than this; -1 keeps them forever. Overrides log.retention.minutes and log.retention.hours.", "retention.ms"),
        new("log.retention.minutes", ConfigType.Int, null, null, ConfigImportance.High,
            "Retention in minutes (used when log.retention.ms is not set); overrides log.retention.hours.", "retention.ms"),
        new("log.retention.hours", ConfigType.Int, "168", null, ConfigImportance.High,
            "Retention in hours (used when neither log.retention.ms nor log.retention.minutes is set).", "retention.ms"),
        new("log.retention.bytes", ConfigType.Long, "-1", null, ConfigImportance.High,
            "Delete old segments while a partition is larger than this; -1 means no size limit.", "retention.bytes"),
        new("log.retention.check.interval.ms", ConfigType.Long, "300000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "How often retention is enforced."),
        new("log.index.interval.bytes", ConfigType.Int, "4096", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Bytes of records between two offset-index entries.", "index.interval.bytes"),
        new("log.index.size.max.bytes", ConfigType.Int, "10485760", ConfigValidator.AtLeast(4), ConfigImportance.Medium,
            "Maximum size of a segment's offset index; a full index rolls the segment.", "segment.index.bytes"),
        new("log.segment.delete.delay.ms", ConfigType.Long, "60000", ConfigValidator.AtLeast(0), ConfigImportance.High,
            "Delay before a deleted segment's files are removed from disk.", "file.delete.delay.ms"),
        new("log.flush.interval.messages", ConfigType.Long, LongMax, ConfigValidator.AtLeast(1), ConfigImportance.High,
            "fsync a partition after this many messages (Kafka's periodic flush; see brook.log.flush.on.ack).", "flush.messages"),
        new("log.flush.interval.ms", ConfigType.Long, null, null, ConfigImportance.High,
            "fsync a partition after data has waited this long; unset means never by time (Kafka's periodic flush).", "flush.ms"),
        new("log.flush.scheduler.interval.ms", ConfigType.Long, LongMax, null, ConfigImportance.High,
            "How often the flusher checks whether a log needs flushing."),
        new("log.flush.offset.checkpoint.interval.ms", ConfigType.Int, "60000", ConfigValidator.AtLeast(0), ConfigImportance.High,
            "How often the recovery-point checkpoint is written."),
        new("log.preallocate", ConfigType.Boolean, "false", null, ConfigImportance.Medium,
            "Preallocate segment files at creation.", "preallocate"),
        new("log.cleanup.policy", ConfigType.List, "delete", ConfigValidator.ListOf("delete", "compact"), ConfigImportance.Medium,
            "What happens to old segments: delete, compact, or both (delete,compact).", "cleanup.policy"),
        new("log.cleaner.enable", ConfigType.Boolean, "true", null, ConfigImportance.Medium,
            "Run the log cleaner (needed for compacted topics)."),
        new("log.cleaner.threads", ConfigType.Int, "1", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Log cleaner threads."),
        new("log.cleaner.backoff.ms", ConfigType.Long, "15000", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Sleep of the log cleaner when there is nothing to clean."),
        new("log.cleaner.delete.retention.ms", ConfigType.Long, "86400000", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "How long tombstones are kept in compacted topics.", "delete.retention.ms"),
        new("log.cleaner.min.compaction.lag.ms", ConfigType.Long, "0", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Minimum age of a record before it may be compacted.", "min.compaction.lag.ms"),
        new("log.cleaner.max.compaction.lag.ms", ConfigType.Long, LongMax, ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Maximum time a record may stay uncompacted.", "max.compaction.lag.ms"),
        new("log.cleaner.min.cleanable.ratio", ConfigType.Double, "0.5", ConfigValidator.Between(0.0, 1.0), ConfigImportance.Medium,
            "Minimum dirty/total ratio before a log is compacted.", "min.cleanable.dirty.ratio"),
        new("log.message.timestamp.type", ConfigType.String, "CreateTime", ConfigValidator.OneOf("CreateTime", "LogAppendTime"), ConfigImportance.Medium,
            "Keep the producer's timestamp (CreateTime) or stamp the append time (LogAppendTime).", "message.timestamp.type"),
        new("log.message.timestamp.before.max.ms", ConfigType.Long, LongMax, ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "With CreateTime, reject batches whose timestamp is further than this in the past.", "message.timestamp.before.max.ms"),
        new("log.message.timestamp.after.max.ms", ConfigType.Long, "3600000", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "With CreateTime, reject batches whose timestamp is further than this in the future (Kafka 4 default: 1 hour).", "message.timestamp.after.max.ms"),
        new("log.message.downconversion.enable", ConfigType.Boolean, "true", null, ConfigImportance.Low,
            "Down-convert records for old fetch versions (removed in Kafka 4; accepted).", "message.downconversion.enable"),
        new("num.recovery.threads.per.data.dir", ConfigType.Int, "2", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Threads used for log recovery at start-up. Accepted, unused."),
        new("compression.type", ConfigType.String, "producer", ConfigValidator.OneOf("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"), ConfigImportance.High,
            "Compression of stored batches: producer keeps what the producer sent; anything else recompresses.", "compression.type"),
        new("min.insync.replicas", ConfigType.Int, "1", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Replicas that must acknowledge an acks=all produce.", "min.insync.replicas"),
        new("unclean.leader.election.enable", ConfigType.Boolean, "false", null, ConfigImportance.High,
            "Allow an out-of-sync replica to become leader.", "unclean.leader.election.enable"),
        new("eligible.leader.replicas.enable", ConfigType.Boolean, "true", null, ConfigImportance.High,
            "Eligible leader replicas (KIP-966): the ISR may become empty, a replica that leaves an ISR below min.insync.replicas stays eligible to lead cleanly, the last leader is kept, and a leader does not advance the high watermark while its ISR is below min.insync.replicas (capped at the replica count). Kafka 4.1+ turns this on with the feature eligible.leader.replicas.version=1 on new clusters; Brook reads it from the static config of every node, which must agree."),
        new("leader.imbalance.per.broker.percentage", ConfigType.Int, "10", ConfigValidator.AtLeast(0), ConfigImportance.High,
            "With auto.leader.rebalance.enable, a broker's partitions move leadership back to it once the share of those it is preferred for but does not lead exceeds this percentage. Kafka 4 removed this ZooKeeper-era key and balances every imbalanced partition; Brook keeps it (0 gives Kafka 4's behaviour)."),

        // --- Group coordinator ---
        new("offsets.topic.num.partitions", ConfigType.Int, "50", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Partitions of __consumer_offsets (fixed once the topic exists)."),
        new("offsets.topic.replication.factor", ConfigType.Short, "3", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Replication factor of __consumer_offsets (Kafka's default, 3). In a cluster with fewer brokers the topic is not created until enough are registered, as in Kafka; a standalone node uses 1."),
        new("offsets.topic.segment.bytes", ConfigType.Int, "104857600", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Segment size of __consumer_offsets."),
        new("offsets.retention.minutes", ConfigType.Int, "10080", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Committed offsets of an empty group are dropped after this many minutes."),
        new("offsets.retention.check.interval.ms", ConfigType.Long, "600000", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "How often expired offsets are looked for."),
        new("offsets.commit.timeout.ms", ConfigType.Int, "5000", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "How long an offset commit may wait for its write."),
        new("offset.metadata.max.bytes", ConfigType.Int, "4096", null, ConfigImportance.High,
            "Largest metadata string allowed with a committed offset."),
        new("group.initial.rebalance.delay.ms", ConfigType.Int, "3000", null, ConfigImportance.Medium,
            "How long the first rebalance of a new group waits for more members to join."),
        new("group.min.session.timeout.ms", ConfigType.Int, "6000", null, ConfigImportance.Medium,
            "Smallest session timeout a classic-group member may ask for."),
        new("group.max.session.timeout.ms", ConfigType.Int, "1800000", null, ConfigImportance.Medium,
            "Largest session timeout a classic-group member may ask for."),
        new("group.max.size", ConfigType.Int, IntMax, ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Most members a group may have."),
        new("group.consumer.session.timeout.ms", ConfigType.Int, "45000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Session timeout of members of consumer-protocol groups (KIP-848): a member that stops heartbeating for this long is removed."),
        new("group.consumer.heartbeat.interval.ms", ConfigType.Int, "5000", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Heartbeat interval the coordinator tells consumer-protocol group members to use (KIP-848); it bounds how fast assignments change."),

        // --- Transactions and idempotence ---
        new("transaction.state.log.num.partitions", ConfigType.Int, "50", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Partitions of __transaction_state (fixed once the topic exists)."),
        new("transaction.state.log.replication.factor", ConfigType.Short, "3", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Replication factor of __transaction_state (Kafka's default, 3). In a cluster with fewer brokers the topic is not created until enough are registered, as in Kafka; a standalone node uses 1."),
        new("transaction.state.log.min.isr", ConfigType.Int, "1", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "min.insync.replicas of __transaction_state. Kafka's default is 2; Brook, a single node, defaults to 1."),
        new("transaction.state.log.segment.bytes", ConfigType.Int, "104857600", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Segment size of __transaction_state."),
        new("transaction.max.timeout.ms", ConfigType.Int, "900000", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "Largest transaction timeout a producer may ask for."),
        new("transactional.id.expiration.ms", ConfigType.Int, "604800000", ConfigValidator.AtLeast(1), ConfigImportance.High,
            "A transactional id with no activity for this long is expired."),
        new("transaction.abort.timed.out.transaction.cleanup.interval.ms", ConfigType.Int, "10000", ConfigValidator.AtLeast(1), ConfigImportance.Low,
            "How often timed-out transactions are aborted."),
        new("producer.id.expiration.ms", ConfigType.Int, "86400000", ConfigValidator.AtLeast(1), ConfigImportance.Low,
            "Idempotent producer state is dropped after this long without writes."),

        // --- Share groups (present in Kafka 4's stock server.properties) ---
        new("share.coordinator.state.topic.replication.factor", ConfigType.Short, "1", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Replication factor of __share_group_state. Kafka's default is 3. Accepted, unused."),
        new("share.coordinator.state.topic.min.isr", ConfigType.Short, "1", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "min.insync.replicas of __share_group_state. Kafka's default is 2. Accepted, unused."),

        // --- Security (accepted so existing files load; Brook serves PLAINTEXT only) ---
        new("ssl.keystore.password", ConfigType.Password, null, null, ConfigImportance.High,
            "Key store password. Accepted, unused."),
        new("ssl.key.password", ConfigType.Password, null, null, ConfigImportance.High,
            "Private key password. Accepted, unused."),
        new("ssl.truststore.password", ConfigType.Password, null, null, ConfigImportance.High,
            "Trust store password. Accepted, unused."),
        new("principal.builder.class", ConfigType.Class, null, null, ConfigImportance.Medium,
            "KafkaPrincipalBuilder implementation. Accepted, unused."),
        new("authorizer.class.name", ConfigType.String, "", null, ConfigImportance.Low,
            "Authorizer implementation. Accepted, unused: Brook authorises every request."),

        // --- Brook's own ---
        new("brook.log.flush.on.ack", ConfigType.Boolean, "true", null, ConfigImportance.High,
            "Brook durability switch. true (default): a Produce with acks=all is acknowledged only after its records are fsynced to disk; concurrent produces to any partitions share one group-commit fsync, so the cost is amortised. false: Kafka's behaviour, acknowledging once the data is in the OS page cache and relying on replication (which a single node lacks) plus log.flush.interval.* for durability."),
        new("brook.log.writeback.interval.bytes", ConfigType.Long, "1048576", ConfigValidator.AtLeast(0), ConfigImportance.Medium,
            "Bounded write-back of segment files: after every this many bytes appended to a segment, Brook asks the kernel to start writing them to disk (sync_file_range on Linux) and waits, on its own thread, for the interval before, so dirty pages never pile up until the kernel throttles appends or an fsync (a segment roll, an acks=all group commit) waits behind gigabytes of backlog. It makes nothing durable by itself (brook.log.flush.on.ack and log.flush.interval.* do that) and the request path never waits for it. The default, 1 MiB, keeps a produce's tail flat while the disk is busy (with a 200 MB/s background producer on a 2-core host, end-to-end p99.9 about 5 ms instead of 11-53 ms). 0 turns it off and leaves write-back to the kernel's dirty-page thresholds, as Kafka does. No effect off Linux."),
        new(AdminListener, ConfigType.String, "127.0.0.1:9644", AdminListenerAddress, ConfigImportance.High,
            "host:port of the HTTP admin listener, apart from the Kafka listeners: Prometheus metrics on /metrics, liveness on /health/live and readiness on /health/ready. Empty turns it off. Port 0 picks a free port. When left at its default and the port is taken (several nodes on one machine), the node logs a warning and runs without it; a port set explicitly must bind, as a Kafka listener must."),
        new(AdminConsoleEnable, ConfigType.Boolean, "true", null, ConfigImportance.Medium,
            "Serve the web console on the admin listener (/console, with its JSON API under /api): cluster overview, topics, a message browser, produce, consumer groups with lag charts and broker configs. It is a Kafka client of this node's first advertised listener. false leaves the admin listener with metrics and health only."),
        new(ContainerMode, ConfigType.Boolean, "false", null, ConfigImportance.Low,
            "Run as Brook's container image does (its Dockerfile sets BROOK_BROOK_CONTAINER_MODE=true), like the apache/kafka and Confluent images: KAFKA_* environment variables configure the node (KAFKA_ADVERTISED_LISTENERS → advertised.listeners; BROOK_* variables and the command line still win) and CLUSTER_ID sets cluster.id; ZooKeeper-era keys are ignored with one warning; unset keys take container defaults (listeners PLAINTEXT://0.0.0.0:9092, or the advertised listeners' ports on every interface; advertised.listeners PLAINTEXT://localhost:9092 when neither is set; log.dirs /var/lib/brook/data; brook.admin.listener 0.0.0.0:9644); and a node of a multi-node quorum formats an unformatted log directory at start-up with cluster.id, as the images run kafka-storage.sh format."),
        new("brook.balancer.enable", ConfigType.Boolean, "false", null, ConfigImportance.High,
            "Continuous partition balancing on the active controller (dynamic, cluster-wide): it moves replicas off brokers listed in brook.balancer.decommission.brokers and off unregistered brokers, evens out replica counts when a broker joins, and moves replicas off a broker whose log directories are fuller than brook.balancer.disk.usage.threshold.percent, through ordinary reassignments (ListPartitionReassignments shows them), at most brook.balancer.max.concurrent.moves at a time. Off by default: as in Kafka, replicas then move only when an operator reassigns them."),
        new("brook.balancer.check.interval.ms", ConfigType.Long, "30000", ConfigValidator.AtLeast(100), ConfigImportance.Medium,
            "How often the balancer looks at the cluster and plans its next step (dynamic, cluster-wide)."),
        new("brook.balancer.max.concurrent.moves", ConfigType.Int, "2", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "Most partitions being reassigned at once, the operator's moves included: the balancer starts a move only below it (dynamic, cluster-wide)."),
        new("brook.balancer.decommission.brokers", ConfigType.List, "", BrokerIdList, ConfigImportance.Medium,
            "Ids of brokers to decommission (dynamic, cluster-wide): with the balancer on, every replica moves off them and they receive none; once such a broker holds no replica and has stopped (it is fenced), the balancer unregisters it."),
        new("brook.balancer.disk.usage.threshold.percent", ConfigType.Int, "80", ConfigValidator.Between(1, 100), ConfigImportance.Medium,
            "A broker whose fullest log directory's filesystem is used beyond this share has replicas moved to brokers below it (dynamic, cluster-wide)."),
        new("brook.balancer.replication.throttled.rate", ConfigType.Long, "52428800", ConfigValidator.AtLeast(1), ConfigImportance.Medium,
            "With the balancer on, the replicas a reassignment is adding count as throttled replicas (leader and follower side), and a broker whose leader/follower.replication.throttled.rate is unset throttles them at this many bytes/s (dynamic, cluster-wide), so a move does not starve clients."),
    ];

    // The core keys above, then the rest of Kafka 4.1's broker keys; a key defined above wins over the same key there.
    private static readonly ConfigDef[] AllDefs =
    [
        .. Defs,
        .. KafkaBrokerConfigDefs.All.Where(k => !Array.Exists(Defs, d => d.Name == k.Name)),
    ];

    private static readonly Dictionary<string, ConfigDef> ByName = AllDefs.ToDictionary(d => d.Name, StringComparer.Ordinal);

    /// <summary>Every broker key, in catalogue order (grouped by area): Brook's core keys, then the rest of Kafka 4.1's.</summary>
    public static IReadOnlyList<ConfigDef> All => AllDefs;

    /// <summary>True when AlterConfigs may change <paramref name="key"/> at run time (per broker or cluster-wide).</summary>
    public static bool IsDynamic(string key) => UpdateModeOf(key) != BrokerConfigUpdateMode.ReadOnly;

    /// <summary>
    /// How <paramref name="key"/> may change at run time: Kafka 4.1's mode, except that Brook keeps its listeners
    /// read-only, and that every broker default of a topic key is cluster-wide (Kafka makes only the first spelling
    /// dynamic: log.retention.ms but not log.retention.hours; Brook accepts all, as they resolve to the same setting).
    /// Kafka 3.x's log.message.format.version stays read-only, as it was there.
    /// </summary>
    public static BrokerConfigUpdateMode UpdateModeOf(string key) =>
        UpdateModes.Value.TryGetValue(key, out BrokerConfigUpdateMode mode) ? mode : BrokerConfigUpdateMode.ReadOnly;

    private static readonly Lazy<Dictionary<string, BrokerConfigUpdateMode>> UpdateModes = new(() =>
    {
        var modes = new Dictionary<string, BrokerConfigUpdateMode>(StringComparer.Ordinal);
        foreach (ConfigDef def in AllDefs)
        {
            BrokerConfigUpdateMode mode = KafkaBrokerConfigDefs.ReadOnlyInBrook.Contains(def.Name) ? BrokerConfigUpdateMode.ReadOnly
                : def.TopicSynonym is not null && def.Name != "log.message.format.version" ? BrokerConfigUpdateMode.ClusterWide
                : def.Name.StartsWith("brook.balancer.", StringComparison.Ordinal) ? BrokerConfigUpdateMode.ClusterWide
                : KafkaBrokerConfigDefs.KafkaModeOf(def.Name);
            if (mode != BrokerConfigUpdateMode.ReadOnly) modes[def.Name] = mode;
        }
        return modes;
    });

    /// <summary>True for keys Brook accepts, stores and reports but does not act on (yet).</summary>
    public static bool HasNoEffect(string key) => Find(key) is { } def && KafkaBrokerConfigDefs.HasNoEffect(def);

    /// <summary>The documentation Brook reports for <paramref name="def"/> (--help, DescribeConfigs), saying when the key has no effect.</summary>
    public static string DocumentationOf(ConfigDef def) =>
        KafkaBrokerConfigDefs.HasNoEffect(def) && !def.Documentation.Contains("unused", StringComparison.OrdinalIgnoreCase)
            ? def.Documentation + " No effect in Brook."
            : def.Documentation;

    /// <summary>Checks a dynamic broker config change; an error message or null.</summary>
    public static string? ValidateDynamic(string key, string? value)
    {
        if (Find(key) is not { } def) return $"Unknown broker config name: {key}";
        if (!IsDynamic(key)) return $"Cannot update these configs dynamically: {key} (it needs a restart)";
        if (value is null) return null;
        return def.TryParse(value, out _) is { } problem ? $"Invalid value {value} for configuration {key}: {problem}" : null;
    }

    /// <summary>
    /// The checks Kafka adds for dynamic broker configs beyond name and value (Kafka answers INVALID_REQUEST for them):
    /// TLS key-store keys change only with a listener prefix, per-broker keys only on a broker's own resource
    /// (<paramref name="clusterDefault"/> = the empty resource name), and thread counts by at most a factor of two from
    /// <paramref name="current"/>. Returns the error message or null. Run after <see cref="ValidateDynamic"/>.
    /// </summary>
    public static string? ValidateDynamicScope(string key, string? value, bool clusterDefault, BrokerConfig current)
    {
        if (KafkaBrokerConfigDefs.ListenerPrefixOnly.Contains(key))
            return $"These security configs can be dynamically updated only per-listener using the listener prefix: {key} (Brook has no per-listener configs)";
        if (clusterDefault && UpdateModeOf(key) == BrokerConfigUpdateMode.PerBroker)
            return $"Cannot update these configs at default cluster level, broker id must be specified: {key}";
        if (value is not null && KafkaBrokerConfigDefs.ThreadCounts.Contains(key) && Get(key).TryParse(value, out object? parsed) is null
            && parsed is int wanted && current.GetIntOrNull(key) is int now && wanted != now)
        {
            string prefix = string.Create(CultureInfo.InvariantCulture, $"Dynamic thread count update validation failed for {key}={wanted}");
            if (wanted < now / 2) return string.Create(CultureInfo.InvariantCulture, $"{prefix}, value should be at least half the current value {now}");
            if (wanted > now * 2L) return string.Create(CultureInfo.InvariantCulture, $"{prefix}, value should not be greater than double the current value {now}");
        }
        return null;
    }

    /// <summary>The definition of <paramref name="name"/>, or null if Brook does not know the key.</summary>
    public static ConfigDef? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The definition of <paramref name="name"/>; throws <see cref="KeyNotFoundException"/> for unknown keys.</summary>
    public static ConfigDef Get(string name) =>
        ByName.TryGetValue(name, out ConfigDef? def) ? def : throw new KeyNotFoundException($"Unknown broker configuration key '{name}'");

    /// <summary>
    /// The keys that configure the same setting as <paramref name="name"/>, in precedence order (the first one set wins),
    /// including <paramref name="name"/> itself; a key without aliases yields just itself.
    /// E.g. log.retention.hours → [log.retention.ms, log.retention.minutes, log.retention.hours].
    /// </summary>
    public static IReadOnlyList<string> AliasGroupOf(string name)
    {
        foreach (string[] group in AliasGroups)
        {
            if (Array.IndexOf(group, name) >= 0)
            {
                return group;
            }
        }

        return [name];
    }

    /// <summary>Broker keys supplying the default of topic key <paramref name="topicKey"/>, in precedence order.</summary>
    public static IReadOnlyList<ConfigDef> SynonymsOfTopicKey(string topicKey) =>
        AllDefs.Where(d => string.Equals(d.TopicSynonym, topicKey, StringComparison.Ordinal)).ToArray();

    /// <summary>The text printed by <c>brook --help</c>: usage, precedence, environment mapping and every key with its default.</summary>
    public static string HelpText()
    {
        var sb = new StringBuilder();
        sb.AppendLine("Usage: brook [server.properties | --config <file>] [--override key=value]... [--key=value | --key value]...");
        sb.AppendLine("       brook --help | --version");
        sb.AppendLine("       brook storage format | random-uuid | info ...   (format a node's log directory; brook storage --help)");
        sb.AppendLine();
        sb.AppendLine("Configuration precedence, lowest to highest: built-in defaults, the properties file,");
        sb.AppendLine("BROOK_* environment variables, command-line overrides.");
        sb.AppendLine("Environment variables: BROOK_ + the key upper-cased with '.' written as '_' and '_' as '__',");
        sb.AppendLine("e.g. BROOK_LOG_DIRS=/var/lib/brook sets log.dirs, BROOK_NUM_PARTITIONS=3 sets num.partitions.");
        sb.AppendLine("Unknown keys are ignored with a warning; invalid values stop the broker.");
        sb.AppendLine();
        sb.AppendLine("Keys (type, default, allowed values):");
        foreach (ConfigDef def in AllDefs.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            sb.Append("  ").Append(def.Name)
              .Append(" (").Append(def.Type.ToString().ToUpperInvariant())
              .Append(", default ").Append(def.IsSensitive && def.DefaultValue is not null ? "[hidden]" : def.DefaultText);
            if (def.Validator is not null)
            {
                sb.Append(", ").Append(def.Validator.Allowed);
            }

            sb.AppendLine(")");
            sb.Append("      ").AppendLine(DocumentationOf(def));
        }

        return sb.ToString();
    }
}
