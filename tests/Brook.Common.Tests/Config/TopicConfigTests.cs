using Brook.Common.Config;

namespace Brook.Common.Tests.Config;

public class TopicConfigTests
{
    private static BrokerConfig Broker(params (string Key, string Value)[] pairs) =>
        BrokerConfig.FromProperties(pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));

    [Theory]
    [InlineData("retention.ms", "-1")]
    [InlineData("retention.ms", "86400000")]
    [InlineData("cleanup.policy", "compact")]
    [InlineData("cleanup.policy", "compact,delete")]
    [InlineData("compression.type", "zstd")]
    [InlineData("segment.bytes", "1048576")]
    [InlineData("min.cleanable.dirty.ratio", "0.01")]
    [InlineData("message.timestamp.type", "LogAppendTime")]
    [InlineData("unclean.leader.election.enable", "TRUE")]
    [InlineData("retention.bytes", "-5")]
    public void ValidValuesPass(string key, string value)
    {
        Assert.Null(TopicConfigDefs.Validate(key, value));
    }

    [Theory]
    [InlineData("retention.ms", "-2", "at least -1")]
    [InlineData("retention.ms", "soon", "LONG")]
    [InlineData("cleanup.policy", "archive", "[delete, compact]")]
    [InlineData("cleanup.policy", "", "Empty list")]
    [InlineData("compression.type", "brotli", "gzip")]
    [InlineData("segment.bytes", "10", "at least 14")]
    [InlineData("min.insync.replicas", "0", "at least 1")]
    [InlineData("min.cleanable.dirty.ratio", "2", "no more than 1")]
    [InlineData("max.message.bytes", "-1", "at least 0")]
    [InlineData("segment.index.bytes", "3", "at least 4")]
    [InlineData("flush.messages", "0", "at least 1")]
    [InlineData("preallocate", "maybe", "true or false")]
    public void InvalidValuesNameKeyAndValue(string key, string value, string expected)
    {
        string? error = TopicConfigDefs.Validate(key, value);
        Assert.NotNull(error);
        Assert.StartsWith($"Invalid value {value} for configuration {key}:", error);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void UnknownAndNullAreRejected()
    {
        Assert.Equal("Unknown topic config name: retention.hours", TopicConfigDefs.Validate("retention.hours", "1"));
        Assert.Equal("Null value not supported for topic configs: retention.ms", TopicConfigDefs.Validate("retention.ms", null));
    }

    [Fact]
    public void ValidateAllChecksCompactionLagOrder()
    {
        Assert.Null(TopicConfigDefs.ValidateAll(new Dictionary<string, string?> { ["min.compaction.lag.ms"] = "10", ["max.compaction.lag.ms"] = "20" }));
        Assert.NotNull(TopicConfigDefs.ValidateAll(new Dictionary<string, string?> { ["min.compaction.lag.ms"] = "30", ["max.compaction.lag.ms"] = "20" }));
        Assert.NotNull(TopicConfigDefs.ValidateAll(new Dictionary<string, string?> { ["bogus"] = "1" }));
    }

    [Fact]
    public void EveryTopicKeyHasABrokerSynonymExceptTheThrottledReplicaLists()
    {
        // Kafka defines leader/follower.replication.throttled.replicas per topic only: they name a topic's replicas.
        string[] topicOnly = ["leader.replication.throttled.replicas", "follower.replication.throttled.replicas"];
        foreach (ConfigDef def in TopicConfigDefs.All)
        {
            if (topicOnly.Contains(def.Name)) Assert.Empty(BrokerConfigDefs.SynonymsOfTopicKey(def.Name));
            else Assert.NotEmpty(BrokerConfigDefs.SynonymsOfTopicKey(def.Name));
        }
    }

    [Fact]
    public void TopicDefaultsEqualBrokerDefaults()
    {
        var entries = TopicConfigDefs.ResolveTopicConfig(BrokerConfig.Default, new Dictionary<string, string>());
        Assert.Equal(TopicConfigDefs.All.Count, entries.Count);
        Assert.All(entries, e => Assert.Equal(ConfigSource.DefaultConfig, e.Source));
        TopicConfig typed = TopicConfig.Resolve(BrokerConfig.Default);
        Assert.Equal(BrokerConfig.Default.LogRetentionMs, typed.RetentionMs);
        Assert.Equal(BrokerConfig.Default.LogRollMs, typed.SegmentMs);
        Assert.Equal(BrokerConfig.Default.LogSegmentBytes, typed.SegmentBytes);
        Assert.Equal(BrokerConfig.Default.MessageMaxBytes, typed.MaxMessageBytes);
        Assert.Equal(BrokerConfig.Default.LogFlushIntervalMs, typed.FlushMs);
        Assert.True(typed.HasDeletePolicy);
        Assert.False(typed.HasCompactPolicy);
    }

    [Fact]
    public void ResolveReportsTopicBrokerAndDefaultSources()
    {
        BrokerConfig broker = Broker(("log.retention.hours", "24"), ("message.max.bytes", "2000000"));
        var overrides = new Dictionary<string, string> { ["segment.bytes"] = "1048576", ["cleanup.policy"] = "compact, delete" };
        var entries = TopicConfigDefs.ResolveTopicConfig(broker, overrides).ToDictionary(e => e.Name);

        ConfigEntry segment = entries["segment.bytes"];
        Assert.Equal("1048576", segment.Value);
        Assert.Equal(ConfigSource.TopicConfig, segment.Source);
        Assert.False(segment.IsReadOnly);
        Assert.Equal(
            [new("segment.bytes", "1048576", ConfigSource.TopicConfig), new("log.segment.bytes", "1073741824", ConfigSource.DefaultConfig)],
            segment.Synonyms);

        Assert.Equal("compact,delete", entries["cleanup.policy"].Value);

        ConfigEntry retention = entries["retention.ms"];
        Assert.Equal("86400000", retention.Value);
        Assert.Equal(ConfigSource.StaticBrokerConfig, retention.Source);
        Assert.Equal(
            [new("log.retention.hours", "24", ConfigSource.StaticBrokerConfig), new("log.retention.hours", "168", ConfigSource.DefaultConfig)],
            retention.Synonyms);

        ConfigEntry maxMessage = entries["max.message.bytes"];
        Assert.Equal("2000000", maxMessage.Value);
        Assert.Equal(ConfigSource.StaticBrokerConfig, maxMessage.Source);

        ConfigEntry timestampType = entries["message.timestamp.type"];
        Assert.Equal("CreateTime", timestampType.Value);
        Assert.Equal(ConfigSource.DefaultConfig, timestampType.Source);
        Assert.Equal(ConfigType.String, timestampType.Type);

        TopicConfig typed = TopicConfig.Resolve(broker, overrides);
        Assert.Equal(86_400_000L, typed.RetentionMs);
        Assert.Equal(1048576, typed.SegmentBytes);
        Assert.Equal(2000000, typed.MaxMessageBytes);
        Assert.True(typed.HasCompactPolicy);
        Assert.True(typed.HasDeletePolicy);
        Assert.Equal(["cleanup.policy", "segment.bytes"], typed.OverriddenKeys.Order());
    }

    [Fact]
    public void BrokerTimeAliasesFlowIntoTopicDefaults()
    {
        TopicConfig typed = TopicConfig.Resolve(Broker(("log.roll.ms", "1000"), ("log.retention.minutes", "2"), ("log.message.timestamp.type", "LogAppendTime")));
        Assert.Equal(1000, typed.SegmentMs);
        Assert.Equal(120_000, typed.RetentionMs);
        Assert.Equal(MessageTimestampType.LogAppendTime, typed.MessageTimestampType);
    }

    [Fact]
    public void TypedResolveRejectsBadOverrides()
    {
        Assert.Throws<ConfigException>(() => TopicConfig.Resolve(BrokerConfig.Default, new Dictionary<string, string> { ["retention.ms"] = "x" }));
        Assert.Throws<ConfigException>(() => TopicConfig.Resolve(BrokerConfig.Default, new Dictionary<string, string> { ["nope"] = "1" }));
    }

    [Theory]
    [InlineData("0.8.2")]
    [InlineData("0.8.2.2")]
    [InlineData("0.9.0")]
    [InlineData("0.10.0")]
    [InlineData("0.10.0-IV1")]
    [InlineData("0.10.0.0")]
    [InlineData("0.10.2.1")]
    [InlineData("1.0")]
    [InlineData("2.8")]
    [InlineData("2.8.1")]
    [InlineData("3.0-IV1")]
    [InlineData("3.7-IV4")]
    [InlineData("3.9")]
    [InlineData("4.0-IV1")]
    public void MessageFormatVersionAcceptsWhatKafka39Accepted(string version)
    {
        Assert.True(MessageFormatVersion.IsValid(version));
        Assert.Null(TopicConfigDefs.Validate("message.format.version", version));
    }

    [Theory]
    [InlineData("")]
    [InlineData("banana")]
    [InlineData("4.0")]
    [InlineData("4.1")]
    [InlineData("3.10")]
    [InlineData("0.10.3")]
    [InlineData("2.8-IV2")]
    [InlineData("0.10")]
    [InlineData("10.0")]
    public void MessageFormatVersionRefusesWhatKafka39Refused(string version)
    {
        Assert.False(MessageFormatVersion.IsValid(version));
        string? error = TopicConfigDefs.Validate("message.format.version", version);
        Assert.NotNull(error);
        Assert.StartsWith($"Invalid value {version} for configuration message.format.version:", error);
    }

    [Fact]
    public void KeysRemovedInKafka4AreAcceptedStoredAndDescribed()
    {
        Assert.True(TopicConfigDefs.IsRemovedInKafka4("message.format.version"));
        Assert.True(TopicConfigDefs.IsRemovedInKafka4("message.timestamp.difference.max.ms"));
        Assert.True(TopicConfigDefs.IsRemovedInKafka4("message.downconversion.enable"));
        Assert.False(TopicConfigDefs.IsRemovedInKafka4("retention.ms"));
        Assert.Null(TopicConfigDefs.Validate("message.timestamp.difference.max.ms", "60000"));
        Assert.NotNull(TopicConfigDefs.Validate("message.timestamp.difference.max.ms", "-1"));
        Assert.Null(TopicConfigDefs.Validate("message.downconversion.enable", "false"));
        Assert.NotNull(TopicConfigDefs.Validate("message.downconversion.enable", "maybe"));

        var overrides = new Dictionary<string, string> { ["message.format.version"] = "0.10.0", ["message.timestamp.difference.max.ms"] = "60000" };
        Assert.Null(TopicConfigDefs.ValidateAll(overrides.ToDictionary(kv => kv.Key, kv => (string?)kv.Value)));
        var entries = TopicConfigDefs.ResolveTopicConfig(BrokerConfig.Default, overrides).ToDictionary(e => e.Name);
        Assert.Equal("0.10.0", entries["message.format.version"].Value);
        Assert.Equal(ConfigSource.TopicConfig, entries["message.format.version"].Source);
        Assert.Equal("60000", entries["message.timestamp.difference.max.ms"].Value);
        Assert.Contains("no effect in Brook", entries["message.format.version"].Documentation, StringComparison.Ordinal);

        var defaults = TopicConfigDefs.ResolveTopicConfig(BrokerConfig.Default, new Dictionary<string, string>()).ToDictionary(e => e.Name);
        Assert.Equal("3.0-IV1", defaults["message.format.version"].Value);
        Assert.Equal(ConfigSource.DefaultConfig, defaults["message.format.version"].Source);

        // The removed keys change nothing: the timestamp bounds stay Kafka 4's.
        TopicConfig typed = TopicConfig.Resolve(BrokerConfig.Default, overrides);
        Assert.Equal(long.MaxValue, typed.MessageTimestampBeforeMaxMs);
        Assert.Equal(3_600_000, typed.MessageTimestampAfterMaxMs);
    }

    [Fact]
    public void BrokerDefaultsOfRemovedKeysFlowIntoTopics()
    {
        var entries = TopicConfigDefs.ResolveTopicConfig(Broker(("log.message.format.version", "2.8")), new Dictionary<string, string>())
            .ToDictionary(e => e.Name);
        Assert.Equal("2.8", entries["message.format.version"].Value);
        Assert.Equal(ConfigSource.StaticBrokerConfig, entries["message.format.version"].Source);
    }
}
