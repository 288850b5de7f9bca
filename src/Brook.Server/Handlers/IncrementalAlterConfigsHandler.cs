using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>
/// IncrementalAlterConfigs v0-1 (KIP-339): SET, DELETE, APPEND and SUBTRACT applied to a topic's current overrides;
/// APPEND/SUBTRACT only for list-typed keys (e.g. cleanup.policy) and start from the effective value.
/// </summary>
public sealed class IncrementalAlterConfigsHandler(ClusterController controller, BrokerConfig config) : ApiHandler<IncrementalAlterConfigsRequest>
{
    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, IncrementalAlterConfigsRequest request)
    {
        var image = controller.Image;
        var response = new IncrementalAlterConfigsResponse();
        var changes = new List<(IncrementalAlterConfigsResponse.AlterConfigsResourceResponse Result, TopicConfigChange Change)>();
        foreach (var resource in request.Resources)
        {
            var result = new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName };
            response.Responses.Add(result);
            var problem = ConfigAlterations.CheckResource(resource.ResourceType, resource.Configs.Select(c => c.Name));
            if (problem is { } p)
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)p.Code, p.Message);
                continue;
            }
            if (!image.TopicsByName.TryGetValue(resource.ResourceName, out var topic))
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)ErrorCode.UnknownTopicOrPartition, $"Topic {resource.ResourceName} does not exist.");
                continue;
            }
            var overrides = new Dictionary<string, string>(topic.Configs, StringComparer.Ordinal);
            string? error = null;
            foreach (var op in resource.Configs)
            {
                error = Apply(op, overrides, topic);
                if (error is not null) break;
            }
            if (error is not null)
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)ErrorCode.InvalidConfig, error);
                continue;
            }
            changes.Add((result, new TopicConfigChange(resource.ResourceName, overrides)));
        }
        await ConfigAlterations.ApplyAsync(controller, changes, request.ValidateOnly, (r, code, message) => (r.ErrorCode, r.ErrorMessage) = ((short)code, message));
        return response;
    }

    private string? Apply(IncrementalAlterConfigsRequest.AlterableConfig op, Dictionary<string, string> overrides, TopicImage topic)
    {
        switch (op.ConfigOperation)
        {
            case IncrementalAlterConfigsRequest.OperationSet:
                if (op.Value is null) return $"Null value not supported for topic config {op.Name}";
                overrides[op.Name] = op.Value;
                return null;
            case IncrementalAlterConfigsRequest.OperationDelete:
                overrides.Remove(op.Name);
                return null;
            case IncrementalAlterConfigsRequest.OperationAppend:
            case IncrementalAlterConfigsRequest.OperationSubtract:
                var def = TopicConfigDefs.Find(op.Name);
                if (def is null) return $"Unknown topic config name: {op.Name}";
                if (def.Type != ConfigType.List) return $"Config {op.Name} is not a list, so it cannot be appended to or subtracted from";
                var current = overrides.TryGetValue(op.Name, out var v) ? v
                    : TopicConfigDefs.ResolveTopicConfig(config, topic.Configs).First(e => e.Name == op.Name).Value ?? "";
                var items = current.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
                var given = (op.Value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (op.ConfigOperation == IncrementalAlterConfigsRequest.OperationAppend)
                    items.AddRange(given.Where(g => !items.Contains(g)));
                else
                    items.RemoveAll(i => given.Contains(i));
                overrides[op.Name] = string.Join(",", items);
                return null;
            default:
                return $"Unknown config operation {op.ConfigOperation} for {op.Name}";
        }
    }
}
