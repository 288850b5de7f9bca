using Brook.Common;
using Brook.Metadata;
using Brook.Protocol.Messages;

namespace Brook.Server.Handlers;

/// <summary>What AlterConfigs and IncrementalAlterConfigs share: resource checks and committing topic changes in one batch.</summary>
internal static class ConfigAlterations
{
    /// <summary>Refuses resources we cannot alter and requests naming a key twice (Kafka's INVALID_REQUEST).</summary>
    public static (ErrorCode Code, string Message)? CheckResource(sbyte resourceType, IEnumerable<string> keys)
    {
        if (resourceType == DescribeConfigsRequest.ResourceTypeBroker)
            return (ErrorCode.InvalidRequest, "Dynamic broker configs are not supported yet: set broker configs in server.properties");
        if (resourceType != DescribeConfigsRequest.ResourceTypeTopic)
            return (ErrorCode.InvalidRequest, $"Unsupported resource type {resourceType}.");
        var duplicate = keys.GroupBy(k => k).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) return (ErrorCode.InvalidRequest, $"Error due to duplicate config keys: {duplicate.Key}");
        return null;
    }

    public static async Task ApplyAsync<TResult>(ClusterController controller, List<(TResult Result, TopicConfigChange Change)> changes,
        bool validateOnly, Action<TResult, ErrorCode, string?> report)
    {
        if (changes.Count == 0) return;
        var results = await controller.AlterTopicConfigsAsync(changes.Select(c => c.Change).ToList(), validateOnly, CancellationToken.None);
        for (var i = 0; i < results.Count; i++) report(changes[i].Result, results[i].ErrorCode, results[i].ErrorMessage);
    }
}
