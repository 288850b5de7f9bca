using Brook.Common;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>
/// AlterConfigs v0-2 (deprecated by IncrementalAlterConfigs): replaces a topic's whole set of overrides — keys not
/// named go back to their defaults. Broker resources are read-only here until dynamic broker configs exist.
/// </summary>
public sealed class AlterConfigsHandler(ClusterController controller) : ApiHandler<AlterConfigsRequest>
{
    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, AlterConfigsRequest request)
    {
        var response = new AlterConfigsResponse();
        var changes = new List<(AlterConfigsResponse.AlterConfigsResourceResponse Result, TopicConfigChange Change)>();
        foreach (var resource in request.Resources)
        {
            var result = new AlterConfigsResponse.AlterConfigsResourceResponse { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName };
            response.Responses.Add(result);
            var problem = ConfigAlterations.CheckResource(resource.ResourceType, resource.Configs.Select(c => c.Name));
            if (problem is { } p)
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)p.Code, p.Message);
                continue;
            }
            var overrides = resource.Configs.Where(c => c.Value is not null).ToDictionary(c => c.Name, c => c.Value!, StringComparer.Ordinal);
            changes.Add((result, new TopicConfigChange(resource.ResourceName, overrides)));
        }
        await ConfigAlterations.ApplyAsync(controller, changes, request.ValidateOnly, (r, code, message) => (r.ErrorCode, r.ErrorMessage) = ((short)code, message));
        return response;
    }
}
