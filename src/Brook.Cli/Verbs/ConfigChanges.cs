using System.Text.Json.Nodes;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.Cli.Verbs;

/// <summary>Incremental config changes (IncrementalAlterConfigs: set and delete, other overrides untouched) and config listings.</summary>
public static class ConfigChanges
{
    /// <summary>Sends <paramref name="sets"/> and <paramref name="deletes"/> for <paramref name="resource"/>; a refusal throws with the broker's reason.</summary>
    public static async Task ApplyAsync(CliContext cli, ConfigResource resource, IReadOnlyDictionary<string, string> sets, IReadOnlyCollection<string> deletes)
    {
        var entries = sets.Select(s => new ConfigEntry { Name = s.Key, Value = s.Value, IncrementalOperation = AlterConfigOpType.Set })
            .Concat(deletes.Select(d => new ConfigEntry { Name = d, IncrementalOperation = AlterConfigOpType.Delete }))
            .ToList();
        using var admin = cli.Admin();
        try
        {
            await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>> { [resource] = entries },
                new IncrementalAlterConfigsOptions { RequestTimeout = cli.Timeout });
        }
        catch (IncrementalAlterConfigsException e)
        {
            var error = e.Results.Select(r => r.Error).FirstOrDefault(r => r.IsError) ?? e.Error;
            throw new CliException($"{resource.Type.ToString().ToLowerInvariant()} {resource.Name}: {error.Reason} ({error.Code})");
        }
    }

    /// <summary>
    /// The configs of <paramref name="resource"/>: all of them, or (<paramref name="all"/> false) only those set explicitly:
    /// a topic's own overrides, or a broker's static and dynamic settings.
    /// </summary>
    public static async Task<IReadOnlyList<ConfigEntryResult>> DescribeAsync(IAdminClient admin, TimeSpan timeout, ConfigResource resource, bool all, bool topic)
    {
        var results = await admin.DescribeConfigsAsync([resource], new DescribeConfigsOptions { RequestTimeout = timeout });
        return results.Single().Entries.Values
            .Where(e => all || (topic ? e.Source == ConfigSource.DynamicTopicConfig : e.Source is not ConfigSource.DefaultConfig and not ConfigSource.UnknownConfig))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Config entries as rows: NAME, VALUE (sensitive values hidden), SOURCE.</summary>
    public static IEnumerable<IReadOnlyList<string>> Rows(IEnumerable<ConfigEntryResult> entries) =>
        entries.Select(e => (IReadOnlyList<string>)[e.Name, Shown(e) ?? "", SourceName(e.Source)]);

    /// <summary>Config entries as a JSON object name → { value, source, read_only, sensitive }.</summary>
    public static JsonObject ToJson(IEnumerable<ConfigEntryResult> entries)
    {
        var json = new JsonObject();
        foreach (var e in entries)
        {
            json[e.Name] = new JsonObject
            {
                ["value"] = Shown(e),
                ["source"] = SourceName(e.Source),
                ["read_only"] = e.IsReadOnly,
                ["sensitive"] = e.IsSensitive,
            };
        }
        return json;
    }

    /// <summary>A key=value map as a JSON object.</summary>
    public static JsonObject ToJson(IReadOnlyDictionary<string, string> values)
    {
        var json = new JsonObject();
        foreach (var (key, value) in values) json[key] = value;
        return json;
    }

    /// <summary>"a=1, b deleted" for the confirmation line.</summary>
    public static string Describe(IReadOnlyDictionary<string, string> sets, IEnumerable<string> deletes) =>
        string.Join(", ", sets.Select(s => $"{s.Key}={s.Value}").Concat(deletes.Select(d => $"{d} removed")));

    private static string? Shown(ConfigEntryResult entry) => entry.IsSensitive ? "(sensitive)" : entry.Value;

    // Kafka's own names for config sources, as kafka-configs.sh prints them.
    private static string SourceName(ConfigSource source) => source switch
    {
        ConfigSource.DynamicTopicConfig => "DYNAMIC_TOPIC_CONFIG",
        ConfigSource.DynamicBrokerConfig => "DYNAMIC_BROKER_CONFIG",
        ConfigSource.DynamicDefaultBrokerConfig => "DYNAMIC_DEFAULT_BROKER_CONFIG",
        ConfigSource.StaticBrokerConfig => "STATIC_BROKER_CONFIG",
        ConfigSource.DefaultConfig => "DEFAULT_CONFIG",
        _ => "UNKNOWN",
    };
}
