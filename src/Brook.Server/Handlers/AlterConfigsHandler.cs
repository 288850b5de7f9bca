using Brook.Common.Config;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>
/// AlterConfigs v0-2 (deprecated by IncrementalAlterConfigs): replaces a resource's whole set of overrides — keys not
/// named go back to their defaults. Topics, this broker, or (empty name) the cluster-wide broker defaults.
/// </summary>
public sealed class AlterConfigsHandler(MetadataView metadata, IControllerChannel controller, DynamicBrokerConfig brokerConfig) : ApiHandler<AlterConfigsRequest>
{
    /// <summary>Also on the controller listener: brokers forward this change to the active controller.</summary>
    public override ListenerScope Listeners => ListenerScope.Both;

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, AlterConfigsRequest request)
    {
        var response = new AlterConfigsResponse();
        var changes = new List<(AlterConfigsResponse.AlterConfigsResourceResponse Result, ConfigAlterations.Change Change)>();
        foreach (var resource in request.Resources)
        {
            var result = new AlterConfigsResponse.AlterConfigsResourceResponse { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName };
            response.Responses.Add(result);
            var problem = ConfigAlterations.CheckResource(resource.ResourceType, resource.ResourceName, brokerConfig.Static.NodeId, resource.Configs.Select(c => c.Name));
            if (problem is { } p)
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)p.Code, p.Message);
                continue;
            }
            var overrides = resource.Configs.Where(c => c.Value is not null).ToDictionary(c => c.Name, c => c.Value!, StringComparer.Ordinal);
            changes.Add((result, new ConfigAlterations.Change(resource.ResourceType, resource.ResourceName, overrides)));
        }
        await ConfigAlterations.ApplyAsync(metadata, controller, brokerConfig, changes, request.ValidateOnly, (r, code, message) => (r.ErrorCode, r.ErrorMessage) = ((short)code, message));
        return response;
    }
}
