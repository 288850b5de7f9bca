namespace Brook.Common.Config;

/// <summary>One other place that configures the same setting, as DescribeConfigs reports synonyms.</summary>
/// <param name="Name">The key (broker or topic spelling).</param>
/// <param name="Value">Its value in that key's own units (e.g. hours for log.retention.hours); null for masked or unset values.</param>
/// <param name="Source">Which layer it lives in.</param>
public sealed record ConfigSynonym(string Name, string? Value, ConfigSource Source);

/// <summary>An effective configuration value with its provenance, shaped for DescribeConfigs.</summary>
/// <param name="Name">The key.</param>
/// <param name="Value">The effective value in configuration spelling; null when unset or sensitive.</param>
/// <param name="Source">Where the effective value came from.</param>
/// <param name="IsSensitive">A password: <paramref name="Value"/> is withheld.</param>
/// <param name="IsReadOnly">True for static broker keys (Brook has no dynamic broker configuration); false for topic keys.</param>
/// <param name="Type">The value type (DescribeConfigs v3 config_type).</param>
/// <param name="Documentation">One-line documentation (DescribeConfigs v3).</param>
/// <param name="Synonyms">Every layer/alias that sets this value, highest precedence first, including the winning one.</param>
public sealed record ConfigEntry(
    string Name,
    string? Value,
    ConfigSource Source,
    bool IsSensitive,
    bool IsReadOnly,
    ConfigType Type,
    string Documentation,
    IReadOnlyList<ConfigSynonym> Synonyms)
{
    /// <summary>DescribeConfigs v0's is_default flag.</summary>
    public bool IsDefault => Source == ConfigSource.DefaultConfig;
}
