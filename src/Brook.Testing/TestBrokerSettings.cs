using System.Globalization;

namespace Brook.Testing;

/// <summary>The broker settings a test broker or cluster node starts with: test-friendly defaults, then the options' own.</summary>
internal static class TestBrokerSettings
{
    /// <summary>
    /// The defaults differ from a production broker's where tests would otherwise wait: a consumer group's first
    /// rebalance starts at once (Kafka's testcontainers and EmbeddedKafka set the same), and no HTTP admin listener is
    /// bound (set <c>brook.admin.listener</c>, e.g. to 127.0.0.1:0, for metrics and the console).
    /// </summary>
    public static Dictionary<string, string> For(string dataDirectory, BrookTestOptions options, IEnumerable<KeyValuePair<string, string>> layout)
    {
        var settings = new Dictionary<string, string>
        {
            ["log.dirs"] = dataDirectory,
            ["brook.admin.listener"] = "",
            ["group.initial.rebalance.delay.ms"] = "0",
        };
        foreach (var (key, value) in layout) settings[key] = value;
        foreach (var (key, value) in options.Config)
        {
            // The test broker owns where it listens and stores: the node's own values win.
            if (key is "listeners" or "log.dirs" or "log.dir" or "node.id" or "process.roles" or "controller.quorum.voters") continue;
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>
    /// The replication settings of an N-node cluster: three copies (or N when smaller), two in sync for the internal
    /// topics; and a first election after 300 ms rather than Kafka's 1 s default (the nodes share one host, and a
    /// node with no leader waits that long before it asks for votes: most of a cluster's start-up otherwise).
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> ClusterSettings(int nodes)
    {
        yield return new("controller.quorum.election.timeout.ms", "300");
        var replicas = Math.Min(3, nodes).ToString(CultureInfo.InvariantCulture);
        var minIsr = Math.Min(2, nodes).ToString(CultureInfo.InvariantCulture);
        yield return new("default.replication.factor", replicas);
        yield return new("offsets.topic.replication.factor", replicas);
        yield return new("transaction.state.log.replication.factor", replicas);
        yield return new("transaction.state.log.min.isr", minIsr);
    }
}
