using System.Globalization;
using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata;
using Brook.Protocol.Messages;

namespace Brook.Server.Handlers;

/// <summary>
/// What AlterConfigs and IncrementalAlterConfigs share: which resources can be altered, the current overrides of a
/// resource, and committing the wanted override sets (topics in one metadata batch; brokers one resource at a time).
/// </summary>
internal static class ConfigAlterations
{
    /// <summary>A resource to alter and the complete override set it should end up with.</summary>
    public sealed record Change(sbyte ResourceType, string ResourceName, IReadOnlyDictionary<string, string> Overrides);

    /// <summary>Refuses resources we cannot alter and requests naming a key twice (Kafka's INVALID_REQUEST).</summary>
    public static (ErrorCode Code, string Message)? CheckResource(sbyte resourceType, string resourceName, int nodeId, IEnumerable<string> keys)
    {
        if (resourceType == DescribeConfigsRequest.ResourceTypeBroker)
        {
            if (resourceName.Length > 0 && resourceName != nodeId.ToString(CultureInfo.InvariantCulture))
                return (ErrorCode.InvalidRequest, $"This is broker {nodeId}; send configs of broker {resourceName} to that broker.");
        }
        else if (resourceType != DescribeConfigsRequest.ResourceTypeTopic)
        {
            return (ErrorCode.InvalidRequest, $"Unsupported resource type {resourceType}.");
        }
        var duplicate = keys.GroupBy(k => k).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) return (ErrorCode.InvalidRequest, $"Error due to duplicate config keys: {duplicate.Key}");
        return null;
    }

    // Kafka's order: unknown or read-only keys and bad values first (INVALID_CONFIG here, as Brook has always answered),
    // then the scope rules, which Kafka reports as INVALID_REQUEST (it wraps every broker config failure so, KAFKA-13609).
    private static (ErrorCode Code, string Message)? CheckBrokerScope(Change change, IReadOnlyDictionary<string, string> stored, BrokerConfig current)
    {
        var clusterDefault = change.ResourceName.Length == 0;
        foreach (var (key, value) in change.Overrides)
        {
            if (BrokerConfigDefs.ValidateDynamic(key, value) is { } problem) return (ErrorCode.InvalidConfig, problem);
        }
        foreach (var (key, value) in change.Overrides)
        {
            // Only keys whose value changes: an override already stored passed these checks when it was set.
            if (stored.TryGetValue(key, out var old) && old == value) continue;
            if (BrokerConfigDefs.ValidateDynamicScope(key, value, clusterDefault, current) is { } problem) return (ErrorCode.InvalidRequest, problem);
        }
        return null;
    }

    /// <summary>The overrides a resource has now (topic configs, or dynamic broker configs; empty name = cluster default).</summary>
    public static IReadOnlyDictionary<string, string>? CurrentOverrides(MetadataImage image, sbyte resourceType, string resourceName) =>
        resourceType == DescribeConfigsRequest.ResourceTypeTopic
            ? image.TopicsByName.TryGetValue(resourceName, out var topic) ? topic.Configs : null
            : image.BrokerConfigs.TryGetValue(resourceName, out var broker) ? broker : new Dictionary<string, string>();

    /// <summary>
    /// Commits <paramref name="changes"/> (or only validates them). Broker changes are first held to Kafka's rules on where
    /// a key may be set (<see cref="BrokerConfigDefs.ValidateDynamicScope"/>); names and values are checked by the
    /// controller as it writes, so a change never lands half-validated.
    /// </summary>
    public static async Task ApplyAsync<TResult>(MetadataView metadata, IControllerChannel controller, DynamicBrokerConfig brokerConfig,
        List<(TResult Result, Change Change)> changes, bool validateOnly, Action<TResult, ErrorCode, string?> report)
    {
        var topics = changes.Where(c => c.Change.ResourceType == DescribeConfigsRequest.ResourceTypeTopic).ToList();
        if (topics.Count > 0)
        {
            try
            {
                var results = await controller.AlterTopicConfigsAsync(
                    topics.Select(c => new TopicConfigChange(c.Change.ResourceName, c.Change.Overrides)).ToList(), validateOnly, CancellationToken.None);
                for (var i = 0; i < results.Count; i++) report(topics[i].Result, results[i].ErrorCode, results[i].ErrorMessage);
            }
            catch (KafkaException e)
            {
                // No controller answered in time (REQUEST_TIMED_OUT): every topic change reports it, and the client retries.
                foreach (var (result, _) in topics) report(result, e.Code, e.Message);
            }
        }
        foreach (var (result, change) in changes.Where(c => c.Change.ResourceType == DescribeConfigsRequest.ResourceTypeBroker))
        {
            var stored = CurrentOverrides(metadata.Image, change.ResourceType, change.ResourceName) ?? new Dictionary<string, string>();
            if (CheckBrokerScope(change, stored, brokerConfig.Current) is { } scopeProblem)
            {
                report(result, scopeProblem.Code, scopeProblem.Message);
                continue;
            }
            try
            {
                var (error, message) = await controller.AlterBrokerConfigsAsync(change.ResourceName, change.Overrides,
                    BrokerConfigDefs.ValidateDynamic, validateOnly, CancellationToken.None);
                report(result, error, message);
            }
            catch (KafkaException e)
            {
                report(result, e.Code, e.Message);
            }
        }
    }
}
