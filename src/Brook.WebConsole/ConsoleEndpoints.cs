using Brook.Server.Hosting;
using Brook.Server.Metrics;
using Brook.WebConsole.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Brook.WebConsole;

/// <summary>
/// The web console on the admin listener: the page at <c>/console</c> (embedded assets) and its JSON API under
/// <c>/api</c>. The API is a Kafka client of the node's own listener; the charts read the broker's metrics history.
/// </summary>
public sealed class ConsoleEndpoints : IAdminEndpoints
{
    public string Summary => "the web console on /console";

    public void Map(IEndpointRouteBuilder routes, IServiceProvider broker)
    {
        var assets = new ConsoleAssets();
        var kafka = new ConsoleKafka(broker.GetRequiredService<ListenerBindings>());
        var exporter = broker.GetRequiredService<PrometheusExporter>();
        var history = broker.GetRequiredService<MetricsHistory>();
        broker.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopped.Register(kafka.Dispose);

        routes.MapGet("/", () => Results.Redirect("/console/"));
        routes.MapGet("/console/{**path}", (string? path, HttpContext context) =>
        {
            // Every page of the single-page console is index.html; its routes live after the '#'.
            var asset = assets.Find(string.IsNullOrEmpty(path) ? "index.html" : path);
            if (asset is null) return Results.NotFound();
            context.Response.Headers.ETag = asset.ETag;
            context.Response.Headers.CacheControl = "no-cache";
            if (context.Request.Headers.IfNoneMatch == asset.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
            return Results.Bytes(asset.Content, asset.ContentType);
        });

        ClusterApi.Map(routes, kafka);
        TopicsApi.Map(routes, kafka, exporter, history);
        MessagesApi.Map(routes, kafka);
        GroupsApi.Map(routes, kafka, history);
    }
}
