using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>
/// IncrementalAlterConfigs v0-1 (KIP-339): SET, DELETE, APPEND and SUBTRACT applied to the current overrides of a
/// topic, of this broker or (empty name) of the cluster-wide broker defaults; APPEND/SUBTRACT only for list-typed keys
/// (e.g. cleanup.policy) and start from the effective value.
/// </summary>
public sealed class IncrementalAlterConfigsHandler(MetadataView metadata, IControllerChannel controller, DynamicBrokerConfig brokerConfig) : ApiHandler<IncrementalAlterConfigsRequest>
{
    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, IncrementalAlterConfigsRequest request)
    {
        var image = metadata.Image;
        var response = new IncrementalAlterConfigsResponse();
        var changes = new List<(IncrementalAlterConfigsResponse.AlterConfigsResourceResponse Result, ConfigAlterations.Change Change)>();
        foreach (var resource in request.Resources)
        {
            var result = new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName };
            response.Responses.Add(result);
            var problem = ConfigAlterations.CheckResource(resource.ResourceType, resource.ResourceName, brokerConfig.Static.NodeId, resource.Configs.Select(c => c.Name));
            if (problem is { } p)
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)p.Code, p.Message);
                continue;
            }
            if (ConfigAlterations.CurrentOverrides(image, resource.ResourceType, resource.ResourceName) is not { } current)
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)ErrorCode.UnknownTopicOrPartition, $"Topic {resource.ResourceName} does not exist.");
                continue;
            }
            var overrides = new Dictionary<string, string>(current, StringComparer.Ordinal);
            var isTopic = resource.ResourceType == DescribeConfigsRequest.ResourceTypeTopic;
            string? error = null;
            foreach (var op in resource.Configs)
            {
                error = Apply(op, overrides, isTopic);
                if (error is not null) break;
            }
            if (error is not null)
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)ErrorCode.InvalidConfig, error);
                continue;
            }
            changes.Add((result, new ConfigAlterations.Change(resource.ResourceType, resource.ResourceName, overrides)));
        }
        await ConfigAlterations.ApplyAsync(metadata, controller, brokerConfig, changes, request.ValidateOnly, (r, code, message) => (r.ErrorCode, r.ErrorMessage) = ((short)code, message));
        return response;
    }

    private string? Apply(IncrementalAlterConfigsRequest.AlterableConfig op, Dictionary<string, string> overrides, bool isTopic)
    {
        switch (op.ConfigOperation)
        {
            case IncrementalAlterConfigsRequest.OperationSet:
                if (op.Value is null) return $"Null value not supported for config {op.Name}";
                overrides[op.Name] = op.Value;
                return null;
            case IncrementalAlterConfigsRequest.OperationDelete:
                overrides.Remove(op.Name);
                return null;
            case IncrementalAlterConfigsRequest.OperationAppend:
            case IncrementalAlterConfigsRequest.OperationSubtract:
                var def = isTopic ? TopicConfigDefs.Find(op.Name) : BrokerConfigDefs.Find(op.Name);
                if (def is null) return $"Unknown config name: {op.Name}";
                if (def.Type != ConfigType.List) return $"Config {op.Name} is not a list, so it cannot be appended to or subtracted from";
                var current = overrides.TryGetValue(op.Name, out var v) ? v
                    : isTopic
                        ? TopicConfigDefs.ResolveTopicConfig(brokerConfig.Current, overrides).First(e => e.Name == op.Name).Value ?? ""
                        : brokerConfig.Current.GetString(op.Name) ?? "";
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
