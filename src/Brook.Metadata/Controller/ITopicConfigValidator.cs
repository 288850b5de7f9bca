namespace Brook.Metadata;

/// <summary>Checks topic config entries before a topic is created or altered with them (the config layer knows the keys).</summary>
public interface ITopicConfigValidator
{
    /// <summary>An error message when <paramref name="key"/> is unknown or <paramref name="value"/> invalid for it; null when fine.</summary>
    string? Validate(string key, string? value);

    /// <summary>Checks rules that span keys (e.g. min.compaction.lag.ms ≤ max.compaction.lag.ms); null when fine.</summary>
    string? ValidateAll(IReadOnlyDictionary<string, string> overrides) => null;
}
