using System.Collections.Concurrent;
using Brook.Common.Config;
using Brook.Metadata;
using Microsoft.Extensions.Logging;

namespace Brook.Server;

/// <summary>
/// Says once per key and process that a config Kafka 4.0 removed (message.format.version, message.timestamp.difference.max.ms,
/// message.downconversion.enable and their broker defaults) is in use and has no effect. Brook accepts and stores such keys
/// so 3.x tools keep working; the log line tells the operator why setting them changes nothing.
/// </summary>
public sealed class RemovedConfigNotices(ILogger<RemovedConfigNotices> logger)
{
    private readonly ConcurrentDictionary<string, bool> _noticed = new(StringComparer.Ordinal);

    /// <summary>Notes the removed keys among <paramref name="topic"/>'s overrides (called whenever its settings are resolved).</summary>
    public void NoteTopic(TopicImage topic)
    {
        foreach (var key in topic.Configs.Keys)
        {
            if (TopicConfigDefs.IsRemovedInKafka4(key)) Note(key, $"topic {topic.Name}");
        }
    }

    /// <summary>Notes the removed broker defaults among a dynamic broker config layer (null: none).</summary>
    public void NoteBroker(IReadOnlyDictionary<string, string>? dynamicConfigs, string resource)
    {
        if (dynamicConfigs is null) return;
        foreach (var key in dynamicConfigs.Keys)
        {
            if (BrokerConfigDefs.Find(key)?.TopicSynonym is { } topicKey && TopicConfigDefs.IsRemovedInKafka4(topicKey)) Note(key, resource);
        }
    }

    private void Note(string key, string where)
    {
        if (_noticed.TryAdd(key, true))
            logger.LogWarning("Config {Key} (first seen on {Where}) was removed in Kafka 4.0 and has no effect in Brook; it is accepted and stored so tools that still set it keep working", key, where);
    }
}
