namespace Brook.Common.Config;

/// <summary>Collects configuration layers, lowest precedence first, and builds a validated <see cref="BrokerConfig"/>.</summary>
/// <remarks>
/// Later layers override earlier ones key by key. Only the winning value of each key is parsed and validated, so a bad
/// value in the file that an environment variable or flag replaces does not stop the broker. Unknown keys become
/// warnings naming the key and its source. In container mode (<see cref="BrokerConfigDefs.ContainerMode"/>) the KAFKA_*
/// variables form a layer just below the BROOK_* ones and <see cref="ContainerDefaults"/> fill what no layer set.
/// </remarks>
public sealed class BrokerConfigBuilder
{
    private readonly List<(string Key, string Value, string Source)> _entries = [];

    // Where the KAFKA_* layer sits in _entries (its entries count only in container mode, which the other layers decide).
    private readonly List<(int Position, KafkaImageEnvironment.Translation Translation)> _kafkaLayers = [];

    /// <summary>Adds a .properties file; each value's source is "path:line".</summary>
    public BrokerConfigBuilder AddPropertiesFile(string path)
    {
        foreach (PropertyEntry entry in JavaProperties.Load(path))
        {
            _entries.Add((entry.Key, entry.Value, $"{path}:{entry.Line}"));
        }

        return this;
    }

    /// <summary>Adds properties text (as it would appear in a file); <paramref name="sourceName"/> labels its values.</summary>
    public BrokerConfigBuilder AddPropertiesText(string text, string sourceName)
    {
        foreach (PropertyEntry entry in JavaProperties.Parse(text, sourceName))
        {
            _entries.Add((entry.Key, entry.Value, $"{sourceName}:{entry.Line}"));
        }

        return this;
    }

    /// <summary>
    /// Adds the BROOK_* variables of <paramref name="environment"/> (the process environment when null), and below them
    /// its KAFKA_* and CLUSTER_ID variables, which count only in container mode.
    /// </summary>
    public BrokerConfigBuilder AddEnvironment(IEnumerable<KeyValuePair<string, string>>? environment = null)
    {
        var variables = (environment ?? EnvironmentVariables.OfProcess()).ToList();
        _kafkaLayers.Add((_entries.Count, KafkaImageEnvironment.Read(variables)));
        foreach ((string key, string value, string variable) in BrokerEnvironment.Read(variables))
        {
            _entries.Add((key, value, "environment variable " + variable));
        }

        return this;
    }

    /// <summary>Adds the command line's overrides (not its config file: add that first with <see cref="AddPropertiesFile"/>).</summary>
    public BrokerConfigBuilder AddCommandLine(BrokerCommandLine commandLine)
    {
        foreach (KeyValuePair<string, string> pair in commandLine.Overrides)
        {
            _entries.Add((pair.Key, pair.Value, "command line"));
        }

        return this;
    }

    /// <summary>Adds one value (tests, embedding).</summary>
    public BrokerConfigBuilder Set(string key, string value, string source = "code")
    {
        _entries.Add((key, value, source));
        return this;
    }

    /// <summary>Validates everything and returns the immutable configuration; throws <see cref="ConfigException"/> on the first invalid value.</summary>
    public BrokerConfig Build()
    {
        var warnings = new List<string>();
        var winners = new Dictionary<string, (string Value, string Source)>(StringComparer.Ordinal);
        bool containerMode = IsContainerMode();
        foreach ((string key, string value, string source) in containerMode ? WithKafkaLayers(warnings) : _entries)
        {
            if (BrokerConfigDefs.Find(key) is null)
            {
                warnings.Add($"Unknown configuration '{key}' (from {source}) is ignored");
                continue;
            }

            winners[key] = (value, source);
        }

        if (containerMode) ContainerDefaults.Apply(winners);
        var settings = new Dictionary<string, BrokerConfig.Setting>(StringComparer.Ordinal);

        // Catalogue order keeps the first reported error stable regardless of layer order.
        foreach (ConfigDef def in BrokerConfigDefs.All)
        {
            if (winners.TryGetValue(def.Name, out var winner))
            {
                settings[def.Name] = new BrokerConfig.Setting(def.Parse(winner.Value, winner.Source), winner.Value, winner.Source);
            }
        }

        return new BrokerConfig(settings, warnings);
    }

    // The last layer that sets brook.container.mode decides (the KAFKA_* layer cannot switch itself on).
    private bool IsContainerMode()
    {
        for (int i = _entries.Count - 1; i >= 0; i--)
        {
            (string key, string value, string source) = _entries[i];
            if (key == BrokerConfigDefs.ContainerMode) return (bool)BrokerConfigDefs.Get(key).Parse(value, source)!;
        }

        return false;
    }

    private IEnumerable<(string Key, string Value, string Source)> WithKafkaLayers(List<string> warnings)
    {
        int next = 0;
        foreach ((int position, KafkaImageEnvironment.Translation translation) in _kafkaLayers)
        {
            for (; next < position; next++) yield return _entries[next];
            foreach ((string key, string value, string variable) in translation.Settings)
                yield return (key, value, "environment variable " + variable);
            if (translation.ZooKeeperEra.Count > 0)
                warnings.Add("ZooKeeper-era settings are ignored, Brook runs in KRaft mode only (as Kafka 4 does): " + string.Join(", ", translation.ZooKeeperEra));
            if (translation.ConfluentServer.Count > 0)
                warnings.Add("Confluent Server settings are ignored: " + string.Join(", ", translation.ConfluentServer));
        }

        for (; next < _entries.Count; next++) yield return _entries[next];
    }
}
