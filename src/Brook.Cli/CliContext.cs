using Brook.ClientSupport;
using Confluent.Kafka;

namespace Brook.Cli;

/// <summary>
/// What one verb invocation works with: the resolved client settings (flag, environment, profile, default), the output,
/// and factories for Confluent.Kafka clients configured from them.
/// </summary>
public sealed class CliContext
{
    /// <summary>Where a cluster is looked for when nothing says otherwise: a local single-node Brook.</summary>
    public const string DefaultBootstrap = "127.0.0.1:9092";

    /// <summary>Resolves settings: <paramref name="bootstrap"/> beats $BROOK_BROKERS beats the profile's bootstrap.servers.</summary>
    public CliContext(CliOutput output, ClientProfile profile, string? bootstrap, IReadOnlyList<string> properties, TimeSpan timeout, bool verbose)
    {
        Output = output;
        Profile = profile;
        Timeout = timeout;
        Verbose = verbose;
        var settings = new Dictionary<string, string>(profile.Properties, StringComparer.Ordinal);
        foreach (var property in properties)
        {
            var (key, value) = KeyValue.Parse(property, "-X");
            settings[key] = value;
        }
        var fromEnvironment = Environment.GetEnvironmentVariable("BROOK_BROKERS");
        (Bootstrap, BootstrapSource) =
            bootstrap is not null ? (bootstrap, "--bootstrap")
            : fromEnvironment is { Length: > 0 } ? (fromEnvironment, "BROOK_BROKERS")
            : settings.TryGetValue("bootstrap.servers", out var fromProfile) ? (fromProfile, $"profile {profile.Name}")
            : (DefaultBootstrap, "default");
        settings["bootstrap.servers"] = Bootstrap;
        ClientProperties = settings;
    }

    /// <summary>Results and diagnostics.</summary>
    public CliOutput Output { get; }

    /// <summary>The profile in use.</summary>
    public ClientProfile Profile { get; }

    /// <summary>The cluster's bootstrap servers.</summary>
    public string Bootstrap { get; }

    /// <summary>Where <see cref="Bootstrap"/> came from: --bootstrap, BROOK_BROKERS, the profile or the default.</summary>
    public string BootstrapSource { get; }

    /// <summary>Every librdkafka property the clients get (profile, then -X overrides, then the bootstrap).</summary>
    public IReadOnlyDictionary<string, string> ClientProperties { get; }

    /// <summary>How long one admin request may take.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Whether librdkafka's own log lines are shown on stderr.</summary>
    public bool Verbose { get; }

    /// <summary>An admin client for the cluster.</summary>
    public IAdminClient Admin()
    {
        Librdkafka.EnsureLoaded();
        return new AdminClientBuilder(new AdminClientConfig(Settings()))
            .SetLogHandler((_, m) => Log(m))
            .SetErrorHandler((_, _) => { })
            .Build();
    }

    /// <summary>A producer of raw bytes; <paramref name="configure"/> adjusts its settings (acks, compression, ...).</summary>
    public IProducer<byte[]?, byte[]?> Producer(Action<ProducerConfig>? configure = null)
    {
        Librdkafka.EnsureLoaded();
        var config = new ProducerConfig(Settings());
        configure?.Invoke(config);
        return new ProducerBuilder<byte[]?, byte[]?>(config)
            .SetLogHandler((_, m) => Log(m))
            .SetErrorHandler((_, _) => { })
            .Build();
    }

    /// <summary>A consumer of raw bytes; without a group of its own it gets a throwaway group id and never commits.</summary>
    public IConsumer<byte[]?, byte[]?> Consumer(string? groupId, Action<ConsumerConfig>? configure = null)
    {
        Librdkafka.EnsureLoaded();
        var config = new ConsumerConfig(Settings())
        {
            GroupId = groupId ?? $"brook-cli-{Guid.NewGuid():N}",
            EnableAutoCommit = groupId is not null,
        };
        configure?.Invoke(config);
        return new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetLogHandler((_, m) => Log(m))
            .SetErrorHandler((_, _) => { })
            .Build();
    }

    private Dictionary<string, string> Settings()
    {
        var settings = new Dictionary<string, string>(ClientProperties, StringComparer.Ordinal);
        settings.TryAdd("client.id", "brook-cli");
        return settings;
    }

    private void Log(LogMessage message)
    {
        if (Verbose) Output.Error.WriteLine($"librdkafka {message.Level} {message.Facility}: {message.Message}");
    }
}
