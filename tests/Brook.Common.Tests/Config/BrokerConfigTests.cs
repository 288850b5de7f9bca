using Brook.Common.Config;

namespace Brook.Common.Tests.Config;

public class BrokerConfigTests
{
    private static readonly KeyValuePair<string, string>[] NoEnvironment = [];

    private static BrokerConfig From(params (string Key, string Value)[] pairs) =>
        BrokerConfig.FromProperties(pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));

    private static KeyValuePair<string, string> Env(string name, string value) => new(name, value);

    [Fact]
    public void DefaultsMatchTheCatalogue()
    {
        BrokerConfig c = BrokerConfig.Default;
        Assert.Equal(1, c.NodeId);
        Assert.Equal(["broker", "controller"], c.ProcessRoles);
        Assert.Null(c.ClusterId);
        Assert.Equal(["./data"], c.LogDirs);
        Assert.Equal(1, c.NumPartitions);
        Assert.Equal(1, c.DefaultReplicationFactor);
        Assert.True(c.AutoCreateTopicsEnable);
        Assert.True(c.DeleteTopicEnable);
        Assert.Equal(1048588, c.MessageMaxBytes);
        Assert.Equal(104857600, c.SocketRequestMaxBytes);
        Assert.Equal(1073741824, c.LogSegmentBytes);
        Assert.Equal(168 * 3_600_000L, c.LogRollMs);
        Assert.Equal(168 * 3_600_000L, c.LogRetentionMs);
        Assert.Equal(-1, c.LogRetentionBytes);
        Assert.Equal(300000, c.LogRetentionCheckIntervalMs);
        Assert.Equal(4096, c.LogIndexIntervalBytes);
        Assert.Equal(60000, c.LogSegmentDeleteDelayMs);
        Assert.Equal(long.MaxValue, c.LogFlushIntervalMessages);
        Assert.Equal(long.MaxValue, c.LogFlushIntervalMs);
        Assert.Null(c.GetLongOrNull("log.flush.interval.ms"));
        Assert.Equal(["delete"], c.LogCleanupPolicy);
        Assert.Equal(MessageTimestampType.CreateTime, c.LogMessageTimestampType);
        Assert.Equal(long.MaxValue, c.LogMessageTimestampBeforeMaxMs);
        Assert.Equal(3600000, c.LogMessageTimestampAfterMaxMs);
        Assert.Equal("producer", c.CompressionType);
        Assert.Equal(1, c.MinInsyncReplicas);
        Assert.Equal(50, c.OffsetsTopicNumPartitions);
        Assert.Equal(3, c.OffsetsTopicReplicationFactor); // Kafka's default; a standalone node creates the topic with 1
        Assert.Equal(50, c.TransactionStateLogNumPartitions);
        Assert.Equal(900000, c.TransactionMaxTimeoutMs);
        Assert.Equal(86400000, c.ProducerIdExpirationMs);
        Assert.Equal(3000, c.GroupInitialRebalanceDelayMs);
        Assert.Equal(10080 * 60_000L, c.OffsetsRetentionMs);
        Assert.Equal(500, c.QueuedMaxRequests);
        Assert.Equal(600000, c.ConnectionsMaxIdleMs);
        Assert.False(c.UnstableApiVersionsEnable);
        Assert.True(c.FlushOnAck);
        Assert.Empty(c.Warnings);
        ListenerEndpoint listener = Assert.Single(c.Listeners);
        Assert.Equal(new ListenerEndpoint("PLAINTEXT", "127.0.0.1", 9092, SecurityProtocol.Plaintext), listener);
        Assert.Equal(c.Listeners, c.AdvertisedListeners);
    }

    [Fact]
    public void PrecedenceIsFileThenEnvironmentThenCommandLine()
    {
        string file = Path.Combine(Path.GetTempPath(), $"brook-{Guid.NewGuid():N}.properties");
        File.WriteAllText(file, "num.partitions=2\nlog.dirs=/from/file\nmessage.max.bytes=1000\nnode.id=7\n");
        try
        {
            BrokerCommandLine cl = BrokerCommandLine.Parse(["--config", file, "--override", "num.partitions=4", "--message.max.bytes=3000"]);
            BrokerConfig c = BrokerConfig.Load(cl, [Env("BROOK_NUM_PARTITIONS", "3"), Env("BROOK_LOG_DIRS", "/from/env"), Env("BROOK_MESSAGE_MAX_BYTES", "2000"), Env("OTHER_VAR", "x")]);

            Assert.Equal(4, c.NumPartitions);
            Assert.Equal("command line", c.SourceOf("num.partitions"));
            Assert.Equal(["/from/env"], c.LogDirs);
            Assert.Equal("environment variable BROOK_LOG_DIRS", c.SourceOf("log.dirs"));
            Assert.Equal(3000, c.MessageMaxBytes);
            Assert.Equal(7, c.NodeId);
            Assert.Equal(file + ":4", c.SourceOf("node.id"));
            Assert.Equal("default", c.SourceOf("num.io.threads"));
            Assert.Empty(c.Warnings);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void OnlyTheWinningValueIsValidated()
    {
        BrokerConfig c = new BrokerConfigBuilder()
            .AddPropertiesText("num.partitions=lots", "server.properties")
            .AddEnvironment([Env("BROOK_NUM_PARTITIONS", "6")])
            .Build();
        Assert.Equal(6, c.NumPartitions);
    }

    [Theory]
    [InlineData("BROOK_LOG_DIRS", "log.dirs")]
    [InlineData("BROOK_NUM_PARTITIONS", "num.partitions")]
    [InlineData("BROOK_BROOK_LOG_FLUSH_ON_ACK", "brook.log.flush.on.ack")]
    [InlineData("BROOK_A__B_C", "a_b.c")]
    [InlineData("KAFKA_LOG_DIRS", null)]
    [InlineData("brook_log_dirs", null)]
    [InlineData("BROOK_", null)]
    public void EnvironmentNamesMapToKeys(string variable, string? key)
    {
        Assert.Equal(key, BrokerEnvironment.ToConfigKey(variable));
        if (key is not null)
        {
            Assert.Equal(variable, BrokerEnvironment.ToVariableName(key));
        }
    }

    [Fact]
    public void CommandLineForms()
    {
        BrokerCommandLine cl = BrokerCommandLine.Parse(["server.properties", "--override", "a=b=c", "--log.dirs", "./x", "--num.partitions=3", "--override=x.y=1"]);
        Assert.Equal("server.properties", cl.ConfigFile);
        Assert.Equal(
            [new("a", "b=c"), new("log.dirs", "./x"), new("num.partitions", "3"), new("x.y", "1")],
            cl.Overrides);
        Assert.False(cl.HelpRequested);

        Assert.Equal("f.properties", BrokerCommandLine.Parse(["--config=f.properties"]).ConfigFile);
        Assert.True(BrokerCommandLine.Parse(["--help"]).HelpRequested);
        Assert.True(BrokerCommandLine.Parse(["--version"]).VersionRequested);
        Assert.StartsWith("brook ", BrokerCommandLine.VersionText());
    }

    [Theory]
    [InlineData("--log.dirs")]
    [InlineData("--override", "novalue")]
    [InlineData("a.properties", "b.properties")]
    [InlineData("-x")]
    [InlineData("--log.dirs", "--num.partitions=3")]
    public void MalformedCommandLinesThrow(params string[] args)
    {
        Assert.Throws<ConfigException>(() => BrokerCommandLine.Parse(args));
    }

    [Fact]
    public void HelpTextListsKeysWithDefaults()
    {
        string help = BrokerConfigDefs.HelpText();
        Assert.Contains("Usage: brook", help);
        Assert.Contains("BROOK_LOG_DIRS", help);
        Assert.Contains("num.partitions (INT, default 1, [1,...])", help);
        Assert.Contains("brook.log.flush.on.ack (BOOLEAN, default true)", help);
        Assert.Contains("log.cleanup.policy (LIST, default delete, [delete, compact])", help);
    }

    [Fact]
    public void UnknownKeyIsAWarningNamingKeyAndSource()
    {
        BrokerConfig c = new BrokerConfigBuilder()
            .AddPropertiesText("num.partitions=2\nno.such.key=1\n", "server.properties")
            .AddEnvironment([Env("BROOK_WHATEVER", "x")])
            .Build();
        Assert.Equal(2, c.Warnings.Count);
        Assert.Contains(c.Warnings, w => w.Contains("'no.such.key'", StringComparison.Ordinal) && w.Contains("server.properties:2", StringComparison.Ordinal));
        Assert.Contains(c.Warnings, w => w.Contains("'whatever'", StringComparison.Ordinal) && w.Contains("BROOK_WHATEVER", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("num.partitions", "abc", "INT")]
    [InlineData("num.partitions", "0", "at least 1")]
    [InlineData("log.segment.bytes", "13", "at least 14")]
    [InlineData("auto.create.topics.enable", "yes", "true or false")]
    [InlineData("compression.type", "brotli", "[uncompressed, zstd, lz4, snappy, gzip, producer]")]
    [InlineData("log.message.timestamp.type", "createtime", "CreateTime")]
    [InlineData("log.cleanup.policy", "delete,archive", "[delete, compact]")]
    [InlineData("log.cleaner.min.cleanable.ratio", "1.5", "no more than 1")]
    [InlineData("offsets.topic.replication.factor", "40000", "SHORT")]
    [InlineData("log.retention.ms", "1.5", "LONG")]
    public void InvalidValueThrowsNamingKeyValueSourceAndAllowed(string key, string value, string expected)
    {
        var e = Assert.Throws<ConfigException>(() =>
            new BrokerConfigBuilder().AddPropertiesText($"\n{key}={value}\n", "server.properties").Build());
        Assert.Equal(key, e.Key);
        Assert.Equal(value, e.Value);
        Assert.Equal("server.properties:2", e.Origin);
        Assert.Contains(key, e.Message);
        Assert.Contains(value, e.Message);
        Assert.Contains("server.properties:2", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ValuesAreTrimmedAndBooleansCaseInsensitive()
    {
        BrokerConfig c = From(("num.partitions", " 3 "), ("auto.create.topics.enable", "FALSE"), ("log.dirs", " /a , /b "));
        Assert.Equal(3, c.NumPartitions);
        Assert.False(c.AutoCreateTopicsEnable);
        Assert.Equal(["/a", "/b"], c.LogDirs);
    }

    [Fact]
    public void RetentionPrecedenceIsMsThenMinutesThenHours()
    {
        Assert.Equal(2 * 3_600_000L, From(("log.retention.hours", "2")).LogRetentionMs);
        Assert.Equal(5 * 60_000L, From(("log.retention.hours", "2"), ("log.retention.minutes", "5")).LogRetentionMs);
        BrokerConfig all = From(("log.retention.hours", "2"), ("log.retention.minutes", "5"), ("log.retention.ms", "1234"));
        Assert.Equal(1234, all.LogRetentionMs);
        Assert.Equal(2, all.Warnings.Count); // minutes and hours are shadowed
        Assert.Equal(-1, From(("log.retention.ms", "-5")).LogRetentionMs);
        Assert.Equal(-1, From(("log.retention.hours", "-1")).LogRetentionMs);
    }

    [Fact]
    public void AliasPrecedenceIsByKeyNotByLayer()
    {
        BrokerConfig c = new BrokerConfigBuilder()
            .AddPropertiesText("log.retention.ms=1000", "server.properties")
            .Set("log.retention.hours", "1", "command line")
            .Build();
        Assert.Equal(1000, c.LogRetentionMs);
        string warning = Assert.Single(c.Warnings);
        Assert.Contains("'log.retention.hours' (from command line) is ignored", warning);
    }

    [Fact]
    public void RollPrecedenceIsMsThenHours()
    {
        Assert.Equal(3 * 3_600_000L, From(("log.roll.hours", "3")).LogRollMs);
        Assert.Equal(500, From(("log.roll.hours", "3"), ("log.roll.ms", "500")).LogRollMs);
        Assert.Equal(3_600_000L, From(("log.roll.jitter.hours", "1")).LogRollJitterMs);
    }

    [Fact]
    public void NodeIdAndBrokerIdAliases()
    {
        Assert.Equal(5, From(("broker.id", "5")).NodeId);
        Assert.Equal(6, From(("node.id", "6"), ("broker.id", "6")).NodeId);
        var e = Assert.Throws<ConfigException>(() => From(("node.id", "6"), ("broker.id", "7")));
        Assert.Equal("broker.id", e.Key);
    }

    [Fact]
    public void LogDirFallback()
    {
        Assert.Equal(["/x"], From(("log.dir", "/x")).LogDirs);
        BrokerConfig both = From(("log.dir", "/x"), ("log.dirs", "/y,/z"));
        Assert.Equal(["/y", "/z"], both.LogDirs);
        Assert.Single(both.Warnings);
        Assert.Throws<ConfigException>(() => From(("log.dirs", "")));
        Assert.Throws<ConfigException>(() => From(("log.dirs", "/a,/a")));
    }

    [Fact]
    public void ListenersParseWithSecurityProtocols()
    {
        BrokerConfig c = From(
            ("listeners", "PLAINTEXT://0.0.0.0:9092,internal://[::1]:9093,SSL://broker.example:9094,CONTROLLER://:9095"),
            ("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,INTERNAL:SASL_PLAINTEXT,SSL:SSL,CONTROLLER:PLAINTEXT"),
            ("controller.listener.names", "CONTROLLER"),
            ("advertised.listeners", "PLAINTEXT://public.example:19092"));
        Assert.Equal(
            [
                new ListenerEndpoint("PLAINTEXT", "0.0.0.0", 9092, SecurityProtocol.Plaintext),
                new ListenerEndpoint("INTERNAL", "::1", 9093, SecurityProtocol.SaslPlaintext),
                new ListenerEndpoint("SSL", "broker.example", 9094, SecurityProtocol.Ssl),
                new ListenerEndpoint("CONTROLLER", "", 9095, SecurityProtocol.Plaintext),
            ],
            c.Listeners);
        Assert.Equal("INTERNAL://[::1]:9093", c.Listeners[1].ToString());

        // Controller listeners are not advertised; listeners missing from advertised.listeners advertise themselves.
        Assert.Equal(
            [
                new ListenerEndpoint("PLAINTEXT", "public.example", 19092, SecurityProtocol.Plaintext),
                new ListenerEndpoint("INTERNAL", "::1", 9093, SecurityProtocol.SaslPlaintext),
                new ListenerEndpoint("SSL", "broker.example", 9094, SecurityProtocol.Ssl),
            ],
            c.AdvertisedListeners);
        Assert.Equal("public.example", c.AdvertisedListenerFor("plaintext")!.Host);
        Assert.Null(c.AdvertisedListenerFor("CONTROLLER"));
    }

    [Fact]
    public void StockKraftServerPropertiesLoadsWithoutWarnings()
    {
        const string stock = """
            process.roles=broker,controller
            node.id=1
            controller.quorum.bootstrap.servers=localhost:9093
            listeners=PLAINTEXT://:9092,CONTROLLER://:9093
            inter.broker.listener.name=PLAINTEXT
            advertised.listeners=PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093
            controller.listener.names=CONTROLLER
            listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
            num.network.threads=3
            num.io.threads=8
            socket.send.buffer.bytes=102400
            socket.receive.buffer.bytes=102400
            socket.request.max.bytes=104857600
            log.dirs=/tmp/kraft-combined-logs
            num.partitions=1
            num.recovery.threads.per.data.dir=1
            offsets.topic.replication.factor=1
            share.coordinator.state.topic.replication.factor=1
            share.coordinator.state.topic.min.isr=1
            transaction.state.log.replication.factor=1
            transaction.state.log.min.isr=1
            log.retention.hours=168
            log.segment.bytes=1073741824
            log.retention.check.interval.ms=300000
            """;
        BrokerConfig c = new BrokerConfigBuilder().AddPropertiesText(stock, "server.properties").Build();
        Assert.Empty(c.Warnings);
        Assert.Equal(2, c.Listeners.Count);
        Assert.Equal("PLAINTEXT://localhost:9092", Assert.Single(c.AdvertisedListeners).ToString());
        Assert.Equal(["/tmp/kraft-combined-logs"], c.LogDirs);
    }

    [Fact]
    public void ControllerListenerDefaultsToPlaintextWhenMapIsUnset()
    {
        BrokerConfig c = From(("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093"), ("controller.listener.names", "CONTROLLER"));
        Assert.Equal(SecurityProtocol.Plaintext, c.Listeners[1].SecurityProtocol);
    }

    [Fact]
    public void WildcardListenerAdvertisesTheMachineName()
    {
        BrokerConfig c = From(("listeners", "PLAINTEXT://0.0.0.0:9092"));
        ListenerEndpoint advertised = Assert.Single(c.AdvertisedListeners);
        Assert.NotEqual("0.0.0.0", advertised.Host);
        Assert.NotEmpty(advertised.Host);
        Assert.Equal(9092, advertised.Port);
        Assert.Contains(c.Warnings, w => w.Contains("advertising", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("listeners", "PLAINTEXT//host:9092")]
    [InlineData("listeners", "PLAINTEXT://host")]
    [InlineData("listeners", "PLAINTEXT://host:99999")]
    [InlineData("listeners", "PLAINTEXT://host:abc")]
    [InlineData("listeners", "INTERNAL://host:9092")]
    [InlineData("listeners", "PLAINTEXT://a:9092,PLAINTEXT://b:9093")]
    [InlineData("listeners", "PLAINTEXT://:9092,SSL://127.0.0.1:9092")]
    [InlineData("advertised.listeners", "PLAINTEXT://0.0.0.0:9092")]
    [InlineData("advertised.listeners", "SSL://host:9092")]
    [InlineData("listener.security.protocol.map", "PLAINTEXT:TLS")]
    [InlineData("inter.broker.listener.name", "INTERNAL")]
    public void BadListenerConfigurationThrowsNamingTheKey(string key, string value)
    {
        var e = Assert.Throws<ConfigException>(() => From((key, value)));
        Assert.Equal(key, e.Key);
    }

    [Fact]
    public void EffectiveListsEveryKeyWithSourceAndMasksPasswords()
    {
        BrokerConfig c = From(("ssl.keystore.password", "s3cret"), ("num.partitions", "4"));
        var effective = c.Effective.ToDictionary(e => e.Key);
        Assert.Equal(BrokerConfigDefs.All.Count, effective.Count);
        Assert.Equal(("ssl.keystore.password", "[hidden]", "code"), effective["ssl.keystore.password"]);
        Assert.Equal(("num.partitions", "4", "code"), effective["num.partitions"]);
        Assert.Equal(("log.retention.hours", "168", "default"), effective["log.retention.hours"]);
        Assert.Equal(("log.retention.ms", "null", "default"), effective["log.retention.ms"]);
        Assert.DoesNotContain(c.Effective, e => e.Value.Contains("s3cret", StringComparison.Ordinal));
        Assert.Equal("s3cret", c.GetString("ssl.keystore.password"));
    }

    [Fact]
    public void GenericAccessors()
    {
        BrokerConfig c = From(("log.flush.interval.ms", "250"), ("flush.on.ack.unknown", "x"));
        Assert.Equal(250, c.GetLong("log.flush.interval.ms"));
        Assert.Equal(250, c.LogFlushIntervalMs);
        Assert.Equal(1, c.GetInt("num.partitions"));
        Assert.Equal(1, c.GetLong("num.partitions"));
        Assert.True(c.GetBool("brook.log.flush.on.ack"));
        Assert.Equal(0.5, c.GetDouble("log.cleaner.min.cleanable.ratio"));
        Assert.Equal("PLAINTEXT://127.0.0.1:9092", c.GetString("listeners"));
        Assert.Null(c.GetString("cluster.id"));
        Assert.Throws<InvalidOperationException>(() => c.GetInt("log.retention.minutes"));
        Assert.Throws<InvalidCastException>(() => c.GetBool("num.partitions"));
        Assert.Throws<KeyNotFoundException>(() => c.Get("no.such.key"));
    }

    [Fact]
    public void FlushOnAckCanBeTurnedOff()
    {
        BrokerConfig c = BrokerConfig.Load(BrokerCommandLine.Parse(["--brook.log.flush.on.ack=false"]), NoEnvironment);
        Assert.False(c.FlushOnAck);
    }

    [Fact]
    public void DescribeReportsSourcesAndAliasSynonyms()
    {
        BrokerConfig c = From(("log.retention.minutes", "30"), ("ssl.key.password", "pw"));
        var entries = c.Describe().ToDictionary(e => e.Name);
        ConfigEntry retentionMs = entries["log.retention.ms"];
        Assert.Null(retentionMs.Value);
        Assert.Equal(ConfigSource.DefaultConfig, retentionMs.Source);
        Assert.Equal(
            [new("log.retention.minutes", "30", ConfigSource.StaticBrokerConfig), new("log.retention.hours", "168", ConfigSource.DefaultConfig)],
            retentionMs.Synonyms);
        ConfigEntry minutes = entries["log.retention.minutes"];
        Assert.Equal("30", minutes.Value);
        Assert.Equal(ConfigSource.StaticBrokerConfig, minutes.Source);
        // Broker-wide topic defaults can change at run time (KIP-226); listeners need a restart.
        Assert.False(minutes.IsReadOnly);
        Assert.True(entries["listeners"].IsReadOnly);
        ConfigEntry password = entries["ssl.key.password"];
        Assert.True(password.IsSensitive);
        Assert.Null(password.Value);
        Assert.Equal(ConfigType.Password, password.Type);
    }

    [Fact]
    public void SessionTimeoutBoundsMustBeOrdered()
    {
        Assert.Throws<ConfigException>(() => From(("group.min.session.timeout.ms", "10000"), ("group.max.session.timeout.ms", "5000")));
    }

    [Fact]
    public void DynamicLayersOverrideStaticValuesWithTheirOwnSources()
    {
        BrokerConfig c = From(("log.retention.ms", "1000"), ("log.segment.bytes", "2000000"));
        BrokerConfig d = c.WithDynamic(
            new Dictionary<string, string> { ["log.retention.ms"] = "5000", ["listeners"] = "PLAINTEXT://0.0.0.0:1" },
            new Dictionary<string, string> { ["log.segment.bytes"] = "3000000" });
        Assert.Equal(5000, d.LogRetentionMs);
        Assert.Equal(3_000_000, d.LogSegmentBytes);
        Assert.Equal(ConfigSource.DynamicDefaultBrokerConfig, d.SourceKindOf("log.retention.ms"));
        Assert.Equal(ConfigSource.DynamicBrokerConfig, d.SourceKindOf("log.segment.bytes"));
        Assert.Equal(c.Listeners, d.Listeners); // not dynamic: ignored
        Assert.NotNull(BrokerConfigDefs.ValidateDynamic("listeners", "PLAINTEXT://0.0.0.0:1"));
        Assert.NotNull(BrokerConfigDefs.ValidateDynamic("log.retention.ms", "soon"));
        Assert.Null(BrokerConfigDefs.ValidateDynamic("log.retention.ms", "60000"));
    }
}
