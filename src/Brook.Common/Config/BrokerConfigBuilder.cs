namespace Brook.Common.Config;

/// <summary>Collects configuration layers, lowest precedence first, and builds a validated <see cref="BrokerConfig"/>.</summary>
/// <remarks>
/// Later layers override earlier ones key by key. Only the winning value of each key is parsed and validated, so a bad
/// value in the file that an environment variable or flag replaces does not stop the broker. Unknown keys become
/// warnings naming the key and its source.
/// </remarks>
public sealed class BrokerConfigBuilder
{
    private readonly List<(string Key, string Value, string Source)> _entries = [];

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

    /// <summary>Adds the BROOK_* variables of <paramref name="environment"/> (the process environment when null).</summary>
    public BrokerConfigBuilder AddEnvironment(IEnumerable<KeyValuePair<string, string>>? environment = null)
    {
        foreach ((string key, string value, string variable) in BrokerEnvironment.Read(environment))
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
        foreach ((string key, string value, string source) in _entries)
        {
            if (BrokerConfigDefs.Find(key) is null)
            {
                warnings.Add($"Unknown configuration '{key}' (from {source}) is ignored");
                continue;
            }

            winners[key] = (value, source);
        }

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
}
