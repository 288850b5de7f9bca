using Brook.Common.Config;

namespace Brook.Common.Tests.Config;

/// <summary>The broker catalogue against Kafka 4.1: every key known, defaults that parse, dynamic update modes and their rules.</summary>
public class KafkaBrokerCatalogueTests
{
    // Every broker key of Kafka 4.1's broker configuration table, plus the three replication throttles Kafka accepts
    // only dynamically (leader/follower.replication.throttled.rate, replica.alter.log.dirs.io.max.bytes.per.second).
    private static readonly string[] Kafka41BrokerKeys =
    [
        "add.partitions.to.txn.retry.backoff.max.ms", "add.partitions.to.txn.retry.backoff.ms", "advertised.listeners",
        "alter.config.policy.class.name", "alter.log.dirs.replication.quota.window.num",
        "alter.log.dirs.replication.quota.window.size.seconds", "authorizer.class.name", "auto.create.topics.enable",
        "auto.leader.rebalance.enable", "background.threads", "broker.heartbeat.interval.ms", "broker.id", "broker.rack",
        "broker.session.timeout.ms", "client.quota.callback.class", "compression.gzip.level", "compression.lz4.level",
        "compression.type", "compression.zstd.level", "connection.failed.authentication.delay.ms", "connections.max.idle.ms",
        "connections.max.reauth.ms", "controlled.shutdown.enable", "controller.listener.names",
        "controller.quorum.append.linger.ms", "controller.quorum.bootstrap.servers",
        "controller.quorum.election.backoff.max.ms", "controller.quorum.election.timeout.ms",
        "controller.quorum.fetch.timeout.ms", "controller.quorum.request.timeout.ms", "controller.quorum.retry.backoff.ms",
        "controller.quorum.voters", "controller.quota.window.num", "controller.quota.window.size.seconds",
        "controller.socket.timeout.ms", "create.topic.policy.class.name", "default.replication.factor",
        "delegation.token.expiry.check.interval.ms", "delegation.token.expiry.time.ms", "delegation.token.max.lifetime.ms",
        "delegation.token.secret.key", "delete.records.purgatory.purge.interval.requests", "delete.topic.enable",
        "early.start.listeners", "fetch.max.bytes", "fetch.purgatory.purge.interval.requests",
        "follower.replication.throttled.rate", "group.consumer.assignors", "group.consumer.heartbeat.interval.ms",
        "group.consumer.max.heartbeat.interval.ms", "group.consumer.max.session.timeout.ms", "group.consumer.max.size",
        "group.consumer.migration.policy", "group.consumer.min.heartbeat.interval.ms", "group.consumer.min.session.timeout.ms",
        "group.consumer.session.timeout.ms", "group.coordinator.append.linger.ms", "group.coordinator.rebalance.protocols",
        "group.coordinator.threads", "group.initial.rebalance.delay.ms", "group.max.session.timeout.ms", "group.max.size",
        "group.min.session.timeout.ms", "group.share.assignors", "group.share.delivery.count.limit",
        "group.share.heartbeat.interval.ms", "group.share.max.heartbeat.interval.ms", "group.share.max.record.lock.duration.ms",
        "group.share.max.session.timeout.ms", "group.share.max.share.sessions", "group.share.max.size",
        "group.share.min.heartbeat.interval.ms", "group.share.min.record.lock.duration.ms",
        "group.share.min.session.timeout.ms", "group.share.partition.max.record.locks", "group.share.record.lock.duration.ms",
        "group.share.session.timeout.ms", "group.streams.heartbeat.interval.ms", "group.streams.max.heartbeat.interval.ms",
        "group.streams.max.session.timeout.ms", "group.streams.max.size", "group.streams.max.standby.replicas",
        "group.streams.min.heartbeat.interval.ms", "group.streams.min.session.timeout.ms", "group.streams.num.standby.replicas",
        "group.streams.session.timeout.ms", "initial.broker.registration.timeout.ms", "inter.broker.listener.name",
        "kafka.metrics.polling.interval.secs", "kafka.metrics.reporters", "leader.imbalance.check.interval.seconds",
        "leader.replication.throttled.rate", "listener.security.protocol.map", "listeners", "log.cleaner.backoff.ms",
        "log.cleaner.dedupe.buffer.size", "log.cleaner.delete.retention.ms", "log.cleaner.enable",
        "log.cleaner.io.buffer.load.factor", "log.cleaner.io.buffer.size", "log.cleaner.io.max.bytes.per.second",
        "log.cleaner.max.compaction.lag.ms", "log.cleaner.min.cleanable.ratio", "log.cleaner.min.compaction.lag.ms",
        "log.cleaner.threads", "log.cleanup.policy", "log.dir", "log.dir.failure.timeout.ms", "log.dirs",
        "log.flush.interval.messages", "log.flush.interval.ms", "log.flush.offset.checkpoint.interval.ms",
        "log.flush.scheduler.interval.ms", "log.flush.start.offset.checkpoint.interval.ms", "log.index.interval.bytes",
        "log.index.size.max.bytes", "log.local.retention.bytes", "log.local.retention.ms", "log.message.timestamp.after.max.ms",
        "log.message.timestamp.before.max.ms", "log.message.timestamp.type", "log.preallocate", "log.retention.bytes",
        "log.retention.check.interval.ms", "log.retention.hours", "log.retention.minutes", "log.retention.ms", "log.roll.hours",
        "log.roll.jitter.hours", "log.roll.jitter.ms", "log.roll.ms", "log.segment.bytes", "log.segment.delete.delay.ms",
        "max.connection.creation.rate", "max.connections", "max.connections.per.ip", "max.connections.per.ip.overrides",
        "max.incremental.fetch.session.cache.slots", "max.request.partition.size.limit", "message.max.bytes",
        "metadata.log.dir", "metadata.log.max.record.bytes.between.snapshots", "metadata.log.max.snapshot.interval.ms",
        "metadata.log.segment.bytes", "metadata.log.segment.ms", "metadata.max.idle.interval.ms",
        "metadata.max.retention.bytes", "metadata.max.retention.ms", "metric.reporters", "metrics.num.samples",
        "metrics.recording.level", "metrics.sample.window.ms", "min.insync.replicas", "node.id", "num.io.threads",
        "num.network.threads", "num.partitions", "num.recovery.threads.per.data.dir", "num.replica.alter.log.dirs.threads",
        "num.replica.fetchers", "offset.metadata.max.bytes", "offsets.commit.timeout.ms", "offsets.load.buffer.size",
        "offsets.retention.check.interval.ms", "offsets.retention.minutes", "offsets.topic.compression.codec",
        "offsets.topic.num.partitions", "offsets.topic.replication.factor", "offsets.topic.segment.bytes",
        "principal.builder.class", "process.roles", "producer.id.expiration.ms", "producer.purgatory.purge.interval.requests",
        "queued.max.request.bytes", "queued.max.requests", "quota.window.num", "quota.window.size.seconds",
        "remote.fetch.max.wait.ms", "remote.list.offsets.request.timeout.ms", "remote.log.index.file.cache.total.size.bytes",
        "remote.log.manager.copier.thread.pool.size", "remote.log.manager.copy.max.bytes.per.second",
        "remote.log.manager.copy.quota.window.num", "remote.log.manager.copy.quota.window.size.seconds",
        "remote.log.manager.expiration.thread.pool.size", "remote.log.manager.fetch.max.bytes.per.second",
        "remote.log.manager.fetch.quota.window.num", "remote.log.manager.fetch.quota.window.size.seconds",
        "remote.log.manager.task.interval.ms", "remote.log.manager.thread.pool.size",
        "remote.log.metadata.custom.metadata.max.bytes", "remote.log.metadata.manager.class.name",
        "remote.log.metadata.manager.class.path", "remote.log.metadata.manager.impl.prefix",
        "remote.log.metadata.manager.listener.name", "remote.log.reader.max.pending.tasks", "remote.log.reader.threads",
        "remote.log.storage.manager.class.name", "remote.log.storage.manager.class.path",
        "remote.log.storage.manager.impl.prefix", "remote.log.storage.system.enable",
        "replica.alter.log.dirs.io.max.bytes.per.second", "replica.fetch.backoff.ms", "replica.fetch.max.bytes",
        "replica.fetch.min.bytes", "replica.fetch.response.max.bytes", "replica.fetch.wait.max.ms",
        "replica.high.watermark.checkpoint.interval.ms", "replica.lag.time.max.ms", "replica.selector.class",
        "replica.socket.receive.buffer.bytes", "replica.socket.timeout.ms", "replication.quota.window.num",
        "replication.quota.window.size.seconds", "request.timeout.ms", "sasl.client.callback.handler.class",
        "sasl.enabled.mechanisms", "sasl.jaas.config", "sasl.kerberos.kinit.cmd", "sasl.kerberos.min.time.before.relogin",
        "sasl.kerberos.principal.to.local.rules", "sasl.kerberos.service.name", "sasl.kerberos.ticket.renew.jitter",
        "sasl.kerberos.ticket.renew.window.factor", "sasl.login.callback.handler.class", "sasl.login.class",
        "sasl.login.connect.timeout.ms", "sasl.login.read.timeout.ms", "sasl.login.refresh.buffer.seconds",
        "sasl.login.refresh.min.period.seconds", "sasl.login.refresh.window.factor", "sasl.login.refresh.window.jitter",
        "sasl.login.retry.backoff.max.ms", "sasl.login.retry.backoff.ms", "sasl.mechanism.controller.protocol",
        "sasl.mechanism.inter.broker.protocol", "sasl.oauthbearer.assertion.algorithm", "sasl.oauthbearer.assertion.claim.aud",
        "sasl.oauthbearer.assertion.claim.exp.seconds", "sasl.oauthbearer.assertion.claim.iss",
        "sasl.oauthbearer.assertion.claim.jti.include", "sasl.oauthbearer.assertion.claim.nbf.seconds",
        "sasl.oauthbearer.assertion.claim.sub", "sasl.oauthbearer.assertion.file",
        "sasl.oauthbearer.assertion.private.key.file", "sasl.oauthbearer.assertion.private.key.passphrase",
        "sasl.oauthbearer.assertion.template.file", "sasl.oauthbearer.client.credentials.client.id",
        "sasl.oauthbearer.client.credentials.client.secret", "sasl.oauthbearer.clock.skew.seconds",
        "sasl.oauthbearer.expected.audience", "sasl.oauthbearer.expected.issuer", "sasl.oauthbearer.jwks.endpoint.refresh.ms",
        "sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms", "sasl.oauthbearer.jwks.endpoint.retry.backoff.ms",
        "sasl.oauthbearer.jwks.endpoint.url", "sasl.oauthbearer.jwt.retriever.class", "sasl.oauthbearer.jwt.validator.class",
        "sasl.oauthbearer.scope", "sasl.oauthbearer.scope.claim.name", "sasl.oauthbearer.sub.claim.name",
        "sasl.oauthbearer.token.endpoint.url", "sasl.server.callback.handler.class", "sasl.server.max.receive.size",
        "security.inter.broker.protocol", "security.providers", "share.coordinator.append.linger.ms",
        "share.coordinator.load.buffer.size", "share.coordinator.snapshot.update.records.per.snapshot",
        "share.coordinator.state.topic.compression.codec", "share.coordinator.state.topic.min.isr",
        "share.coordinator.state.topic.num.partitions", "share.coordinator.state.topic.replication.factor",
        "share.coordinator.state.topic.segment.bytes", "share.coordinator.threads", "share.coordinator.write.timeout.ms",
        "share.fetch.purgatory.purge.interval.requests", "socket.connection.setup.timeout.max.ms",
        "socket.connection.setup.timeout.ms", "socket.listen.backlog.size", "socket.receive.buffer.bytes",
        "socket.request.max.bytes", "socket.send.buffer.bytes", "ssl.allow.dn.changes", "ssl.allow.san.changes",
        "ssl.cipher.suites", "ssl.client.auth", "ssl.enabled.protocols", "ssl.endpoint.identification.algorithm",
        "ssl.engine.factory.class", "ssl.key.password", "ssl.keymanager.algorithm", "ssl.keystore.certificate.chain",
        "ssl.keystore.key", "ssl.keystore.location", "ssl.keystore.password", "ssl.keystore.type",
        "ssl.principal.mapping.rules", "ssl.protocol", "ssl.provider", "ssl.secure.random.implementation",
        "ssl.trustmanager.algorithm", "ssl.truststore.certificates", "ssl.truststore.location", "ssl.truststore.password",
        "ssl.truststore.type", "telemetry.max.bytes", "transaction.abort.timed.out.transaction.cleanup.interval.ms",
        "transaction.max.timeout.ms", "transaction.partition.verification.enable",
        "transaction.remove.expired.transaction.cleanup.interval.ms", "transaction.state.log.load.buffer.size",
        "transaction.state.log.min.isr", "transaction.state.log.num.partitions", "transaction.state.log.replication.factor",
        "transaction.state.log.segment.bytes", "transaction.two.phase.commit.enable", "transactional.id.expiration.ms",
        "unclean.leader.election.enable",
    ];

    private static BrokerConfig From(params (string Key, string Value)[] pairs) =>
        BrokerConfig.FromProperties(pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));

    [Fact]
    public void EveryKafka41BrokerKeyIsKnown()
    {
        Assert.DoesNotContain(Kafka41BrokerKeys, k => BrokerConfigDefs.Find(k) is null);
        Assert.Equal(BrokerConfigDefs.All.Count, BrokerConfigDefs.All.Select(d => d.Name).Distinct().Count());
    }

    [Fact]
    public void AKafka41ServerPropertiesWithEveryKeyLoadsWithoutWarnings()
    {
        // Each key at its own default (in configuration spelling): nothing is unknown, nothing fails to parse.
        var builder = new BrokerConfigBuilder();
        foreach (string key in Kafka41BrokerKeys)
        {
            ConfigDef def = BrokerConfigDefs.Get(key);
            if (def.DefaultValue is not null && key is not "listeners" and not "log.dirs" and not "log.dir")
            {
                builder.Set(key, ConfigDef.Format(def.DefaultValue)!, "server.properties");
            }
        }

        Assert.Empty(builder.Build().Warnings);
    }

    [Fact]
    public void EveryDefaultRoundTripsThroughItsOwnParser()
    {
        foreach (ConfigDef def in BrokerConfigDefs.All.Where(d => d.DefaultValue is not null))
        {
            Assert.True(def.TryParse(ConfigDef.Format(def.DefaultValue)!, out object? parsed) is null, def.Name);
            Assert.Equal(ConfigDef.Format(def.DefaultValue), ConfigDef.Format(parsed));
        }
    }

    [Theory]
    [InlineData("background.threads", ConfigType.Int, "10")]
    [InlineData("sasl.kerberos.min.time.before.relogin", ConfigType.Long, "60000")]
    [InlineData("sasl.login.refresh.buffer.seconds", ConfigType.Short, "300")]
    [InlineData("sasl.kerberos.ticket.renew.window.factor", ConfigType.Double, "0.8")]
    [InlineData("ssl.enabled.protocols", ConfigType.List, "TLSv1.2,TLSv1.3")]
    [InlineData("ssl.keystore.location", ConfigType.String, null)]
    [InlineData("sasl.jaas.config", ConfigType.Password, null)]
    [InlineData("replica.selector.class", ConfigType.String, null)]
    [InlineData("client.quota.callback.class", ConfigType.Class, null)]
    [InlineData("compression.gzip.level", ConfigType.Int, "-1")]
    [InlineData("compression.zstd.level", ConfigType.Int, "3")]
    [InlineData("fetch.max.bytes", ConfigType.Int, "57671680")]
    [InlineData("group.coordinator.rebalance.protocols", ConfigType.List, "classic,consumer,streams")]
    [InlineData("group.consumer.assignors", ConfigType.List, "uniform,range")]
    [InlineData("max.connections", ConfigType.Int, "2147483647")]
    [InlineData("log.cleaner.dedupe.buffer.size", ConfigType.Long, "134217728")]
    [InlineData("metadata.log.segment.bytes", ConfigType.Int, "1073741824")]
    [InlineData("leader.replication.throttled.rate", ConfigType.Long, "9223372036854775807")]
    [InlineData("log.message.format.version", ConfigType.String, "3.0-IV1")]
    public void KafkaTypesAndDefaults(string key, ConfigType type, string? defaultValue)
    {
        ConfigDef def = BrokerConfigDefs.Get(key);
        Assert.Equal(type, def.Type);
        Assert.Equal(defaultValue, ConfigDef.Format(def.DefaultValue));
    }

    [Theory]
    [InlineData("compression.gzip.level", "0")]
    [InlineData("compression.gzip.level", "10")]
    [InlineData("compression.lz4.level", "18")]
    [InlineData("group.consumer.migration.policy", "sideways")]
    [InlineData("ssl.client.auth", "always")]
    [InlineData("background.threads", "0")]
    [InlineData("group.share.max.size", "1001")]
    [InlineData("log.message.format.version", "3.10")]
    public void KafkaValidationIsKept(string key, string value)
    {
        Assert.NotNull(BrokerConfigDefs.Get(key).TryParse(value, out _));
    }

    [Theory]
    [InlineData("compression.gzip.level", "-1")]
    [InlineData("compression.gzip.level", "9")]
    [InlineData("group.consumer.migration.policy", "UPGRADE")]
    [InlineData("sasl.oauthbearer.assertion.algorithm", "es256")]
    [InlineData("log.message.format.version", "2.8")]
    public void KafkaValidValuesPass(string key, string value)
    {
        Assert.Null(BrokerConfigDefs.Get(key).TryParse(value, out _));
    }

    [Theory]
    [InlineData("background.threads", BrokerConfigUpdateMode.ClusterWide)]
    [InlineData("num.io.threads", BrokerConfigUpdateMode.ClusterWide)]
    [InlineData("num.network.threads", BrokerConfigUpdateMode.ClusterWide)]
    [InlineData("log.cleaner.threads", BrokerConfigUpdateMode.ClusterWide)]
    [InlineData("max.connections.per.ip", BrokerConfigUpdateMode.ClusterWide)]
    [InlineData("metric.reporters", BrokerConfigUpdateMode.ClusterWide)]
    [InlineData("producer.id.expiration.ms", BrokerConfigUpdateMode.ClusterWide)]
    [InlineData("remote.log.reader.threads", BrokerConfigUpdateMode.ClusterWide)]
    [InlineData("follower.replication.throttled.rate", BrokerConfigUpdateMode.ClusterWide)]
    [InlineData("log.retention.ms", BrokerConfigUpdateMode.ClusterWide)]
    [InlineData("log.retention.hours", BrokerConfigUpdateMode.ClusterWide)]
    [InlineData("message.max.bytes", BrokerConfigUpdateMode.ClusterWide)]
    [InlineData("compression.zstd.level", BrokerConfigUpdateMode.ClusterWide)]
    [InlineData("log.message.timestamp.difference.max.ms", BrokerConfigUpdateMode.ClusterWide)]
    [InlineData("sasl.kerberos.min.time.before.relogin", BrokerConfigUpdateMode.PerBroker)]
    [InlineData("sasl.enabled.mechanisms", BrokerConfigUpdateMode.PerBroker)]
    [InlineData("ssl.client.auth", BrokerConfigUpdateMode.PerBroker)]
    [InlineData("ssl.keystore.location", BrokerConfigUpdateMode.PerBroker)]
    [InlineData("principal.builder.class", BrokerConfigUpdateMode.PerBroker)]
    [InlineData("listeners", BrokerConfigUpdateMode.ReadOnly)]
    [InlineData("listener.security.protocol.map", BrokerConfigUpdateMode.ReadOnly)]
    [InlineData("log.dirs", BrokerConfigUpdateMode.ReadOnly)]
    [InlineData("node.id", BrokerConfigUpdateMode.ReadOnly)]
    [InlineData("broker.rack", BrokerConfigUpdateMode.ReadOnly)]
    [InlineData("request.timeout.ms", BrokerConfigUpdateMode.ReadOnly)]
    [InlineData("log.cleaner.enable", BrokerConfigUpdateMode.ReadOnly)]
    [InlineData("log.message.format.version", BrokerConfigUpdateMode.ReadOnly)]
    public void UpdateModesFollowKafka(string key, BrokerConfigUpdateMode mode)
    {
        Assert.Equal(mode, BrokerConfigDefs.UpdateModeOf(key));
        Assert.Equal(mode != BrokerConfigUpdateMode.ReadOnly, BrokerConfigDefs.IsDynamic(key));
    }

    [Fact]
    public void DynamicKeysAreAcceptedAndReadOnlyOrUnknownOnesRefused()
    {
        Assert.Null(BrokerConfigDefs.ValidateDynamic("background.threads", "12"));
        Assert.Null(BrokerConfigDefs.ValidateDynamic("sasl.kerberos.min.time.before.relogin", "120000"));
        Assert.StartsWith("Invalid value many for configuration background.threads", BrokerConfigDefs.ValidateDynamic("background.threads", "many"));
        Assert.StartsWith("Cannot update these configs dynamically: broker.rack", BrokerConfigDefs.ValidateDynamic("broker.rack", "r1"));
        Assert.Equal("Unknown broker config name: no.such.key", BrokerConfigDefs.ValidateDynamic("no.such.key", "1"));
    }

    [Fact]
    public void PerBrokerKeysAreRefusedOnTheClusterDefault()
    {
        BrokerConfig current = BrokerConfig.Default;
        Assert.Null(BrokerConfigDefs.ValidateDynamicScope("sasl.kerberos.min.time.before.relogin", "120000", clusterDefault: false, current));
        Assert.Equal(
            "Cannot update these configs at default cluster level, broker id must be specified: sasl.kerberos.min.time.before.relogin",
            BrokerConfigDefs.ValidateDynamicScope("sasl.kerberos.min.time.before.relogin", "120000", clusterDefault: true, current));
        Assert.Null(BrokerConfigDefs.ValidateDynamicScope("log.retention.ms", "1000", clusterDefault: true, current));
    }

    [Fact]
    public void KeyStoreKeysNeedAListenerPrefix()
    {
        string? problem = BrokerConfigDefs.ValidateDynamicScope("ssl.keystore.location", "/k.jks", clusterDefault: false, BrokerConfig.Default);
        Assert.StartsWith("These security configs can be dynamically updated only per-listener using the listener prefix: ssl.keystore.location", problem);
        Assert.Null(BrokerConfigDefs.ValidateDynamicScope("ssl.client.auth", "required", clusterDefault: false, BrokerConfig.Default));
    }

    [Theory]
    [InlineData("20", true)]
    [InlineData("5", true)]
    [InlineData("10", true)]
    [InlineData("21", false)]
    [InlineData("4", false)]
    public void ThreadCountsChangeByAtMostAFactorOfTwo(string value, bool accepted)
    {
        string? problem = BrokerConfigDefs.ValidateDynamicScope("background.threads", value, clusterDefault: false, BrokerConfig.Default);
        Assert.Equal(accepted, problem is null);
        if (!accepted)
        {
            Assert.StartsWith($"Dynamic thread count update validation failed for background.threads={value}", problem);
        }

        // The bound follows the value in force, dynamic layers included.
        BrokerConfig raised = BrokerConfig.Default.WithDynamic(null, new Dictionary<string, string> { ["background.threads"] = "20" });
        Assert.Null(BrokerConfigDefs.ValidateDynamicScope("background.threads", "40", clusterDefault: false, raised));
    }

    [Fact]
    public void DynamicLayersApplyKafkaDynamicKeysAndSayWhere()
    {
        BrokerConfig d = BrokerConfig.Default.WithDynamic(
            new Dictionary<string, string> { ["background.threads"] = "12", ["log.dirs"] = "/elsewhere" },
            new Dictionary<string, string> { ["sasl.kerberos.min.time.before.relogin"] = "120000" });
        Assert.Equal(12, d.GetInt("background.threads"));
        Assert.Equal(ConfigSource.DynamicDefaultBrokerConfig, d.SourceKindOf("background.threads"));
        Assert.Equal(120000, d.GetLong("sasl.kerberos.min.time.before.relogin"));
        Assert.Equal(ConfigSource.DynamicBrokerConfig, d.SourceKindOf("sasl.kerberos.min.time.before.relogin"));
        Assert.Equal(BrokerConfig.Default.LogDirs, d.LogDirs);
    }

    [Fact]
    public void DescribeMarksWritableKeysAndKeysWithoutEffect()
    {
        var entries = BrokerConfig.Default.Describe().ToDictionary(e => e.Name);
        Assert.Equal(BrokerConfigDefs.All.Count, entries.Count);
        Assert.False(entries["background.threads"].IsReadOnly);
        Assert.EndsWith("No effect in Brook.", entries["background.threads"].Documentation);
        Assert.Equal("10", entries["background.threads"].Value);
        Assert.Equal(ConfigSource.DefaultConfig, entries["background.threads"].Source);
        Assert.True(entries["broker.rack"].IsReadOnly);
        Assert.DoesNotContain("No effect", entries["log.retention.ms"].Documentation, StringComparison.Ordinal);
        Assert.False(BrokerConfigDefs.HasNoEffect("log.segment.bytes"));
        Assert.True(BrokerConfigDefs.HasNoEffect("num.io.threads"));
        Assert.True(BrokerConfigDefs.HasNoEffect("early.start.listeners"));
        Assert.False(BrokerConfigDefs.HasNoEffect("controlled.shutdown.enable"));
        Assert.True(entries["sasl.jaas.config"].IsSensitive);
    }

    [Fact]
    public void Kafka3RemovedBrokerKeysLoadWithAWarning()
    {
        BrokerConfig c = From(("log.message.format.version", "2.8"), ("log.message.timestamp.difference.max.ms", "60000"));
        Assert.Equal("2.8", c.GetString("log.message.format.version"));
        Assert.Equal(2, c.Warnings.Count(w => w.Contains("removed in Kafka 4.0", StringComparison.Ordinal)));
        var e = Assert.Throws<ConfigException>(() => From(("log.message.format.version", "banana")));
        Assert.Equal("log.message.format.version", e.Key);
    }

    [Fact]
    public void HelpListsKafkaKeys()
    {
        string help = BrokerConfigDefs.HelpText();
        Assert.Contains("background.threads (INT, default 10, [1,...])", help);
        Assert.Contains("sasl.kerberos.min.time.before.relogin (LONG, default 60000)", help);
    }
}
