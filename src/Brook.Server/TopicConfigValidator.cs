using Brook.Common.Config;
using Brook.Metadata;

namespace Brook.Server;

/// <summary>Checks topic config overrides against Kafka's per-topic definitions (INVALID_CONFIG names the key).</summary>
public sealed class TopicConfigValidator : ITopicConfigValidator
{
    public string? Validate(string key, string? value) => TopicConfigDefs.Validate(key, value);

    public string? ValidateAll(IReadOnlyDictionary<string, string> overrides) =>
        TopicConfigDefs.ValidateAll(overrides.ToDictionary(kv => kv.Key, kv => (string?)kv.Value));
}
