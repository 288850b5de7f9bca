using Brook.Protocol.Messages;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// Sets cluster-wide dynamic broker configs (the broker resource with an empty name) through one node with
/// IncrementalAlterConfigs; Confluent's client cannot name that resource, so this speaks the protocol directly.
/// </summary>
public static class ClusterDefaults
{
    /// <summary>Sets every key to its value in one request and asserts the node accepted it.</summary>
    public static async Task SetAsync(ClusterNode node, params (string Key, string Value)[] configs)
    {
        using var client = await node.ConnectAsync(ClusterListener.Client);
        var altered = await client.SendAsync<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>(new IncrementalAlterConfigsRequest
        {
            Resources =
            [
                new()
                {
                    ResourceType = DescribeConfigsRequest.ResourceTypeBroker,
                    ResourceName = "",
                    Configs = [.. configs.Select(c => new IncrementalAlterConfigsRequest.AlterableConfig
                        { Name = c.Key, ConfigOperation = IncrementalAlterConfigsRequest.OperationSet, Value = c.Value })],
                },
            ],
        }, 1);
        Assert.Equal(0, Assert.Single(altered.Responses).ErrorCode);
    }
}
