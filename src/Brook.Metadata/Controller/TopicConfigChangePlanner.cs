using Brook.Common;
using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>The complete set of config overrides a topic should have after an AlterConfigs / IncrementalAlterConfigs request.</summary>
public sealed record TopicConfigChange(string Topic, IReadOnlyDictionary<string, string> NewOverrides);

/// <summary>The outcome of a <see cref="TopicConfigChange"/>.</summary>
public sealed record TopicConfigChangeResult(string Topic, ErrorCode ErrorCode, string? ErrorMessage);

/// <summary>
/// Turns wanted override sets into ConfigRecords (set for new or changed keys, null value for removed ones) after
/// validating every key. Pure; validate-only is the same decision without the append.
/// </summary>
internal static class TopicConfigChangePlanner
{
    public static (List<TopicConfigChangeResult> Results, List<MetadataRecord> Records) Plan(
        MetadataImage image, IReadOnlyList<TopicConfigChange> changes, ITopicConfigValidator? validator)
    {
        var results = new List<TopicConfigChangeResult>(changes.Count);
        var records = new List<MetadataRecord>();
        foreach (var change in changes)
        {
            if (!image.TopicsByName.TryGetValue(change.Topic, out var topic))
            {
                results.Add(new(change.Topic, ErrorCode.UnknownTopicOrPartition, $"Topic {change.Topic} does not exist."));
                continue;
            }
            string? problem = null;
            foreach (var (key, value) in change.NewOverrides)
            {
                problem = validator?.Validate(key, value);
                if (problem is not null) break;
            }
            if (problem is null && validator is not null) problem = validator.ValidateAll(change.NewOverrides);
            if (problem is not null)
            {
                results.Add(new(change.Topic, ErrorCode.InvalidConfig, problem));
                continue;
            }
            foreach (var (key, value) in change.NewOverrides)
            {
                if (!topic.Configs.TryGetValue(key, out var old) || old != value)
                    records.Add(new ConfigRecord(ConfigResourceType.Topic, topic.Name, key, value));
            }
            foreach (var key in topic.Configs.Keys)
            {
                if (!change.NewOverrides.ContainsKey(key))
                    records.Add(new ConfigRecord(ConfigResourceType.Topic, topic.Name, key, null));
            }
            results.Add(new(change.Topic, ErrorCode.None, null));
        }
        return (results, records);
    }
}
