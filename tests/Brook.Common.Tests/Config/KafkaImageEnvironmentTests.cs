using Brook.Common.Config;

namespace Brook.Common.Tests.Config;

/// <summary>
/// KAFKA_* variables as the apache/kafka and Confluent images read them, in container mode only; ZooKeeper-era keys
/// ignored with one warning; the container defaults.
/// </summary>
public class KafkaImageEnvironmentTests
{
    private const string ContainerModeOn = "BROOK_BROOK_CONTAINER_MODE";

    private static KeyValuePair<string, string> Env(string name, string value) => new(name, value);

    private static BrokerConfig Load(params KeyValuePair<string, string>[] environment) =>
        new BrokerConfigBuilder().AddEnvironment(environment).Build();

    [Theory]
    [InlineData("KAFKA_ADVERTISED_LISTENERS", "advertised.listeners")]
    [InlineData("KAFKA_NODE_ID", "node.id")]
    [InlineData("KAFKA_PROCESS_ROLES", "process.roles")]
    [InlineData("KAFKA_LISTENER_NAME_INTERNAL_SSL__CLIENT__AUTH", "listener.name.internal.ssl_client_auth")]
    [InlineData("KAFKA_SOME___DASHED_KEY", "some-dashed.key")]
    [InlineData("KAFKA_HEAP_OPTS", null)]
    [InlineData("KAFKA_OPTS", null)]
    [InlineData("KAFKA_JMX_PORT", null)]
    [InlineData("KAFKA_VERSION", null)]
    [InlineData("KAFKA_", null)]
    [InlineData("kafka_node_id", null)]
    [InlineData("BROOK_NODE_ID", null)]
    public void VariableNamesMapToKeysAsTheImagesDo(string variable, string? key) =>
        Assert.Equal(key, KafkaImageEnvironment.ToConfigKey(variable));

    [Fact]
    public void OutsideContainerModeKafkaVariablesAreNotConfiguration()
    {
        // A developer's shell with KAFKA_HOME or a stray KAFKA_NODE_ID must not reconfigure a plain `brook`.
        var config = Load(Env("KAFKA_NODE_ID", "7"), Env("KAFKA_ZOOKEEPER_CONNECT", "zk:2181"), Env("CLUSTER_ID", "abc"));
        Assert.Equal(1, config.NodeId);
        Assert.Null(config.ClusterId);
        Assert.Empty(config.Warnings);
        Assert.Equal("./data", config.LogDirs[0]);
    }

    [Fact]
    public void AZooKeeperEraComposeFileRunsWithOneWarning()
    {
        // The environment of a typical ZooKeeper-era compose service (Confluent's cp-kafka quick start).
        var config = Load(
            Env(ContainerModeOn, "true"),
            Env("KAFKA_BROKER_ID", "3"),
            Env("KAFKA_ZOOKEEPER_CONNECT", "zookeeper:2181"),
            Env("KAFKA_ZOOKEEPER_SESSION_TIMEOUT_MS", "18000"),
            Env("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT"),
            Env("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://kafka:29092,PLAINTEXT_HOST://localhost:9092"),
            Env("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1"),
            Env("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1"),
            Env("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1"),
            Env("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0"),
            Env("KAFKA_CONFLUENT_SUPPORT_METRICS_ENABLE", "false"),
            Env("KAFKA_JMX_PORT", "9101"),
            Env("KAFKA_JMX_HOSTNAME", "localhost"),
            Env("KAFKA_HEAP_OPTS", "-Xmx1G"));

        Assert.Equal(3, config.NodeId);
        Assert.Equal(["PLAINTEXT://kafka:29092", "PLAINTEXT_HOST://localhost:9092"], config.AdvertisedListeners.Select(l => l.ToString()));
        // No KAFKA_LISTENERS: the advertised listeners' ports on every interface, as Confluent's image derives them.
        Assert.Equal(["PLAINTEXT://0.0.0.0:29092", "PLAINTEXT_HOST://0.0.0.0:9092"], config.Listeners.Select(l => l.ToString()));
        Assert.Equal(1, config.GetInt("offsets.topic.replication.factor"));
        Assert.Equal(0, config.GetInt("group.initial.rebalance.delay.ms"));
        Assert.Equal(ContainerDefaults.LogDirs, config.LogDirs[0]);

        var zooKeeper = Assert.Single(config.Warnings, w => w.Contains("ZooKeeper", StringComparison.Ordinal));
        Assert.Contains("KAFKA_ZOOKEEPER_CONNECT", zooKeeper, StringComparison.Ordinal);
        Assert.Contains("KAFKA_ZOOKEEPER_SESSION_TIMEOUT_MS", zooKeeper, StringComparison.Ordinal);
        Assert.Single(config.Warnings, w => w.Contains("KAFKA_CONFLUENT_SUPPORT_METRICS_ENABLE", StringComparison.Ordinal));
        Assert.Equal(2, config.Warnings.Count);
    }

    [Fact]
    public void AKRaftComposeServiceConfiguresAQuorumNode()
    {
        // One service of the apache/kafka image's three-node KRaft compose example.
        var config = Load(
            Env(ContainerModeOn, "true"),
            Env("CLUSTER_ID", "4L6g3nShT-eMCtK--X86sw"),
            Env("KAFKA_NODE_ID", "2"),
            Env("KAFKA_PROCESS_ROLES", "broker,controller"),
            Env("KAFKA_LISTENERS", "PLAINTEXT://:19092,CONTROLLER://:9093,PLAINTEXT_HOST://:9092"),
            Env("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://kafka-2:19092,PLAINTEXT_HOST://localhost:29092"),
            Env("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT"),
            Env("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
            Env("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT"),
            Env("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093"),
            Env("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0"));

        Assert.Empty(config.Warnings);
        Assert.Equal(2, config.NodeId);
        Assert.Equal("4L6g3nShT-eMCtK--X86sw", config.ClusterId);
        Assert.False(config.IsStandalone);
        Assert.Equal([1, 2, 3], config.ControllerQuorumVoters.Select(v => v.Id));
        Assert.Equal(3, config.Listeners.Count);
        Assert.Equal(["PLAINTEXT://kafka-2:19092", "PLAINTEXT_HOST://localhost:29092"], config.AdvertisedListeners.Select(l => l.ToString()));
        Assert.Equal(ContainerDefaults.AdminListener, config.GetString(BrokerConfigDefs.AdminListener));
    }

    [Fact]
    public void BrookVariablesAndTheCommandLineWinOverKafkaVariables()
    {
        var environment = new[]
        {
            Env(ContainerModeOn, "true"), Env("KAFKA_NUM_PARTITIONS", "3"), Env("BROOK_NUM_PARTITIONS", "6"),
            Env("KAFKA_LOG_RETENTION_HOURS", "24"), Env("KAFKA_DEFAULT_REPLICATION_FACTOR", "1"),
        };
        var config = new BrokerConfigBuilder()
            .AddPropertiesText("log.retention.hours=1\ndefault.replication.factor=1", "server.properties")
            .AddEnvironment(environment)
            .AddCommandLine(BrokerCommandLine.Parse(["--override", "default.replication.factor=1"]))
            .Build();
        Assert.Equal(6, config.GetInt("num.partitions"));
        // KAFKA_* sits above the file.
        Assert.Equal(24L * 3600 * 1000, config.LogRetentionMs);
        Assert.Contains(config.Effective, e => e.Key == "default.replication.factor" && e.Source == "command line");
    }

    [Fact]
    public void TheContainerDefaultsListenEverywhereAndAdvertiseLocalhost()
    {
        var config = Load(Env(ContainerModeOn, "true"));
        Assert.Equal(["PLAINTEXT://0.0.0.0:9092"], config.Listeners.Select(l => l.ToString()));
        Assert.Equal(["PLAINTEXT://localhost:9092"], config.AdvertisedListeners.Select(l => l.ToString()));
        Assert.Equal([ContainerDefaults.LogDirs], config.LogDirs);
        Assert.True(config.IsStandalone);

        // A listener the user sets is advertised as Kafka would (not the container's localhost default).
        var own = Load(Env(ContainerModeOn, "true"), Env("KAFKA_LISTENERS", "PLAINTEXT://127.0.0.1:19092"), Env("KAFKA_LOG_DIR", "/data/k"));
        Assert.Equal(["PLAINTEXT://127.0.0.1:19092"], own.AdvertisedListeners.Select(l => l.ToString()));
        Assert.Equal(["/data/k"], own.LogDirs);
    }

    [Fact]
    public void AnInvalidKafkaVariableIsReportedByName()
    {
        var e = Assert.Throws<ConfigException>(() => Load(Env(ContainerModeOn, "true"), Env("KAFKA_NUM_PARTITIONS", "many")));
        Assert.Contains("KAFKA_NUM_PARTITIONS", e.Message, StringComparison.Ordinal);
    }
}
