using Microsoft.AspNetCore.Routing;

namespace Brook.Server.Hosting;

/// <summary>
/// More HTTP endpoints on the admin listener (the web console is one), added by the program that hosts the broker so
/// the server layer does not depend on them.
/// </summary>
public interface IAdminEndpoints
{
    /// <summary>Maps the endpoints on <paramref name="routes"/>; <paramref name="broker"/> holds the node's services.</summary>
    void Map(IEndpointRouteBuilder routes, IServiceProvider broker);

    /// <summary>What the endpoints are, for the listener's start-up log line (e.g. "/console").</summary>
    string Summary { get; }
}
