namespace Brook.Common.Config;

/// <summary>
/// Reads configuration from KAFKA_* environment variables the way the apache/kafka and Confluent container images do,
/// so an existing Kafka compose file runs Brook with only the image name changed (<see cref="BrokerConfigDefs.ContainerMode"/>).
/// </summary>
/// <remarks>
/// The images' rule: drop the KAFKA_ prefix, lower-case the rest, then '___' becomes '-', '__' becomes '_' and '_' becomes
/// '.' (KAFKA_ADVERTISED_LISTENERS → advertised.listeners, KAFKA_LISTENER_NAME_INTERNAL_SSL__CLIENT__AUTH →
/// listener.name.internal.ssl_client_auth). Variables the images use for the JVM and log4j (KAFKA_OPTS, KAFKA_HEAP_OPTS,
/// KAFKA_JMX_PORT, …) are not configuration and are skipped; CLUSTER_ID, which the images pass to `kafka-storage.sh
/// format`, becomes cluster.id. ZooKeeper-era keys (zookeeper.connect, broker.id.generation.enable, port, …) and
/// Confluent Server's own confluent.* keys have no meaning for a KRaft-only broker: they are collected for one warning
/// each kind rather than one unknown-key warning per variable.
/// </remarks>
public static class KafkaImageEnvironment
{
    public const string Prefix = "KAFKA_";

    /// <summary>The images' cluster id variable (not KAFKA_-prefixed).</summary>
    public const string ClusterIdVariable = "CLUSTER_ID";

    // The images' launch scripts exclude exactly these from their env-to-properties step: they configure the JVM,
    // log4j and JMX, or name the image's Kafka version.
    private static readonly HashSet<string> NotConfiguration = new(StringComparer.Ordinal)
    {
        "KAFKA_VERSION", "KAFKA_HEAP_OPTS", "KAFKA_LOG4J_OPTS", "KAFKA_OPTS", "KAFKA_JMX_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS",
        "KAFKA_GC_LOG_OPTS", "KAFKA_LOG4J_ROOT_LOGLEVEL", "KAFKA_LOG4J_LOGGERS", "KAFKA_TOOLS_LOG4J_LOGLEVEL",
        "KAFKA_JMX_HOSTNAME", "KAFKA_JMX_PORT", "KAFKA_HOME", "KAFKA_DEBUG", "KAFKA_LOG4J_CONFIG",
    };

    // Keys a ZooKeeper-mode broker read that KRaft removed (Kafka 4.0 dropped them, or they never applied without ZooKeeper).
    private static readonly HashSet<string> ZooKeeperEraKeys = new(StringComparer.Ordinal)
    {
        "broker.id.generation.enable", "reserved.broker.max.id", "control.plane.listener.name", "advertised.host.name",
        "advertised.port", "host.name", "port", "inter.broker.protocol.version", "log.message.format.version",
        "zookeeper.metadata.migration.enable", "authorizer.class.name.zookeeper", "delegation.token.master.key",
        "offsets.commit.required.acks", "transaction.state.log.num.partitions.zookeeper",
    };

    /// <summary>What the KAFKA_* variables of an environment say.</summary>
    /// <param name="Settings">Configuration keys with their values and the variable each came from, sorted by variable.</param>
    /// <param name="ZooKeeperEra">Variables naming ZooKeeper-era keys, which are ignored.</param>
    /// <param name="ConfluentServer">Variables naming Confluent Server's confluent.* keys, which are ignored.</param>
    public sealed record Translation(
        IReadOnlyList<(string Key, string Value, string Variable)> Settings,
        IReadOnlyList<string> ZooKeeperEra,
        IReadOnlyList<string> ConfluentServer);

    /// <summary>The config key for <paramref name="variableName"/>, or null if it is not a KAFKA_* configuration variable.</summary>
    public static string? ToConfigKey(string variableName)
    {
        if (!variableName.StartsWith(Prefix, StringComparison.Ordinal) || variableName.Length == Prefix.Length
            || NotConfiguration.Contains(variableName))
        {
            return null;
        }

        // The images' rule is BROOK_*'s with one addition: '___' (taken first, left to right) is a '-'.
        return string.Join('-', variableName[Prefix.Length..].Split("___").Select(BrokerEnvironment.KeyOf));
    }

    /// <summary>True for a key only ZooKeeper-mode Kafka had (and Brook does not define).</summary>
    public static bool IsZooKeeperEra(string key) =>
        BrokerConfigDefs.Find(key) is null && (key.StartsWith("zookeeper.", StringComparison.Ordinal) || ZooKeeperEraKeys.Contains(key));

    /// <summary>Translates the KAFKA_* and CLUSTER_ID variables of <paramref name="environment"/> (the process environment when null).</summary>
    public static Translation Read(IEnumerable<KeyValuePair<string, string>>? environment = null)
    {
        var settings = new List<(string, string, string)>();
        var zooKeeper = new List<string>();
        var confluent = new List<string>();
        foreach (KeyValuePair<string, string> pair in environment ?? EnvironmentVariables.OfProcess())
        {
            if (pair.Key == ClusterIdVariable)
            {
                if (pair.Value.Length > 0) settings.Add(("cluster.id", pair.Value, pair.Key));
                continue;
            }

            string? key = ToConfigKey(pair.Key);
            if (key is null) continue;
            if (IsZooKeeperEra(key)) zooKeeper.Add(pair.Key);
            else if (key.StartsWith("confluent.", StringComparison.Ordinal) && BrokerConfigDefs.Find(key) is null) confluent.Add(pair.Key);
            else settings.Add((key, pair.Value, pair.Key));
        }

        // Environment enumeration order is unspecified; sort so warnings and errors come out deterministically.
        settings.Sort((a, b) => string.CompareOrdinal(a.Item3, b.Item3));
        zooKeeper.Sort(StringComparer.Ordinal);
        confluent.Sort(StringComparer.Ordinal);
        return new Translation(settings, zooKeeper, confluent);
    }
}
