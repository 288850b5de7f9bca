using System.Net.Sockets;
using Brook.Common.Config;
using Brook.Server.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Hosting;

/// <summary>
/// The HTTP admin listener (brook.admin.listener), apart from the Kafka listeners: /metrics in the Prometheus text
/// format, /health/live (the process answers) and /health/ready (the broker has loaded, registered and serves clients;
/// 503 before and while shutting down) for orchestrators. It runs its own small Kestrel server, started before the
/// broker so liveness answers during a long start-up, and stopped after it.
/// </summary>
public sealed class AdminServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AdminServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The bound port.</summary>
    public int Port { get; }

    /// <summary>Whether brook.admin.listener names an address (an empty value turns the listener, and metric collection, off).</summary>
    public static bool IsConfigured(BrokerConfig config) => (config.GetString(BrokerConfigDefs.AdminListener) ?? "").Length > 0;

    /// <summary>
    /// Starts the listener for <paramref name="broker"/>'s services, or returns null when brook.admin.listener is empty,
    /// or when it is left at its default and the port is taken (logged). A port set explicitly that cannot be bound
    /// throws <see cref="IOException"/>, as a Kafka listener does.
    /// </summary>
    public static async Task<AdminServer?> StartAsync(BrokerConfig config, IServiceProvider broker, IReadOnlyList<IAdminEndpoints> extensions,
        ILogger logger, CancellationToken cancellationToken)
    {
        if (!IsConfigured(config)) return null;
        var address = config.GetString(BrokerConfigDefs.AdminListener)!;
        if (HostPort.TryParse(address, out var host, out var port) is { } reason)
            throw new ConfigException($"{BrokerConfigDefs.AdminListener}: {reason}");

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(BrookBroker.ToEndPoint(host, port));
        });
        var app = builder.Build();
        var exporter = broker.GetRequiredService<PrometheusExporter>();
        var readiness = broker.GetRequiredService<BrokerReadiness>();
        app.MapGet("/metrics", () => Results.Text(exporter.Scrape(), PrometheusExporter.ContentType));
        app.MapGet("/health/live", () => Results.Text("live\n"));
        app.MapGet("/health/ready", () => readiness.Ready.IsCompletedSuccessfully && !readiness.Closing.IsCancellationRequested
            ? Results.Text("ready\n")
            : Results.Text("not ready\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        foreach (var extension in extensions) extension.Map(app, broker);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            await app.DisposeAsync();
            if (config.IsSet(BrokerConfigDefs.AdminListener))
                throw new IOException($"{BrokerConfigDefs.AdminListener} {address}: {e.Message}", e);
            logger.LogWarning("The admin listener (metrics, health) is off: its default address {Address} cannot be bound ({Reason}); set {Key} to another host:port",
                address, e.Message, BrokerConfigDefs.AdminListener);
            return null;
        }
        var bound = app.Urls.Select(u => new Uri(u).Port).FirstOrDefault(port);
        logger.LogInformation("Admin listener on http://{Host}:{Port}: /metrics, /health/live, /health/ready{More}", host, bound,
            string.Concat(extensions.Select(e => ", " + e.Summary)));
        return new AdminServer(app, bound);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
        }
        catch (OperationCanceledException) { }
        await _app.DisposeAsync();
    }
}
