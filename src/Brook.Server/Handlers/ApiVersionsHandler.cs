using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Brook.Server.Handlers;

/// <summary>
/// ApiVersions v0-4. The advertised ranges come from the handler registry, so we only advertise what we serve.
/// Always answered with response header v0 (see <see cref="ApiDescriptor.ResponseHeaderVersion"/>); an unknown version
/// gets the v0 fallback built by <see cref="Build"/> with UNSUPPORTED_VERSION (KIP-511).
/// </summary>
public sealed class ApiVersionsHandler(IServiceProvider services) : ApiHandler<ApiVersionsRequest>
{
    private ApiVersionsResponse? _brokerCached;
    private ApiVersionsResponse? _controllerCached;

    public override ListenerScope Listeners => ListenerScope.Both;

    /// <summary>The APIs a listener of <paramref name="scope"/> serves, with their version ranges.</summary>
    public ApiVersionsResponse Build(ErrorCode error, ListenerScope scope = ListenerScope.Broker)
    {
        var registry = services.GetRequiredService<ApiRegistry>();
        return new ApiVersionsResponse
        {
            ErrorCode = (short)error,
            ApiKeys = registry.AllFor(scope)
                .Select(h => new ApiVersionsResponse.ApiVersionRange((short)h.Api.Key, h.AdvertisedMinVersion, h.MaxVersion))
                .OrderBy(r => r.ApiKey)
                .ToList(),
        };
    }

    protected override ValueTask<IMessage?> HandleAsync(RequestContext context, ApiVersionsRequest request) =>
        Done(context.Session.Scope == ListenerScope.Controller
            ? _controllerCached ??= Build(ErrorCode.None, ListenerScope.Controller)
            : _brokerCached ??= Build(ErrorCode.None));
}
