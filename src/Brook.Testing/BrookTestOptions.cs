using Microsoft.Extensions.Logging;

namespace Brook.Testing;

/// <summary>How <see cref="BrookTestBroker.StartAsync"/> starts a broker; <see cref="BrookTestClusterOptions"/> adds the cluster's size.</summary>
public class BrookTestOptions
{
    /// <summary>
    /// Broker settings with Kafka's names (<c>num.partitions</c>, <c>log.retention.ms</c>, <c>auto.create.topics.enable</c>, ...),
    /// applied over the test defaults. Listeners and <c>log.dirs</c> are chosen by the test broker.
    /// </summary>
    public Dictionary<string, string> Config { get; init; } = [];

    /// <summary>
    /// A data directory to use and keep: data survives disposal, and a later broker started on it finds its topics and
    /// offsets. Null (the default): a fresh temporary directory, deleted at disposal.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>Where the broker's log lines go, one formatted line per call (for example xUnit's ITestOutputHelper.WriteLine); null: nowhere.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The least severe log level passed to <see cref="Log"/>; warnings by default.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    /// <summary>How long start-up may take before it fails (the broker's log lines are in the exception).</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>How <see cref="BrookTestCluster.StartAsync"/> starts a cluster: its size and, per node, the broker options.</summary>
public sealed class BrookTestClusterOptions : BrookTestOptions
{
    /// <summary>Number of nodes, each a broker and a voter of the KRaft metadata quorum (ids 1..N); 3 by default.</summary>
    public int Brokers { get; init; } = 3;
}
