namespace Brook.Metadata;

/// <summary>Checks topic config entries before a topic is created with them (the storage layer knows the keys).</summary>
public interface ITopicConfigValidator
{
    /// <summary>An error message when <paramref name="key"/> is unknown or <paramref name="value"/> invalid for it; null when fine.</summary>
    string? Validate(string key, string? value);
}
