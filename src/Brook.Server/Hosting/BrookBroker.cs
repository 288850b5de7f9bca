using System.Net;
using Brook.Common.Config;
using Brook.Server.Metrics;
using Brook.Server.Network;
using Brook.Server.Quorum;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Hosting;

/// <summary>
/// A running Brook node, in this process: the `brook` executable is a thin wrapper around it, and tests and embedders
/// can start several in one process (each with its own data directory and listeners; port 0 picks a free port, and the
/// bound port is what the node registers and advertises).
/// </summary>
public sealed class BrookBroker : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ListenerBindings _bindings;

    private readonly AdminServer? _admin;

    private BrookBroker(WebApplication app, BrokerConfig config, AdminServer? admin)
    {
        _app = app;
        _admin = admin;
        Config = config;
        _bindings = app.Services.GetRequiredService<ListenerBindings>();
    }

    public BrokerConfig Config { get; }

    /// <summary>The node's services (for tests that look inside).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Every listener with the port it is bound to.</summary>
    public IReadOnlyList<ListenerEndpoint> Listeners => _bindings.Bound;

    /// <summary>The client-facing listeners with their bound ports.</summary>
    public IReadOnlyList<ListenerEndpoint> AdvertisedListeners => _bindings.Advertised;

    /// <summary>The port of the HTTP admin listener (metrics, health), or null when it is off.</summary>
    public int? AdminPort => _admin?.Port;

    /// <summary>"host:port" of the first advertised listener, ready for bootstrap.servers.</summary>
    public string BootstrapServers => AdvertisedListeners[0] is { } l ? $"{l.HostForUri}:{l.Port}" : "";

    /// <summary>
    /// Builds and starts a node: binds its listeners, replays its metadata, opens its partitions and registers it.
    /// Throws <see cref="IOException"/> when a listener cannot be bound.
    /// </summary>
    /// <param name="config">The node's configuration.</param>
    /// <param name="configureLogging">Replaces the default single-line console logging (tests route it elsewhere).</param>
    /// <param name="cancellationToken">Cancels the start-up.</param>
    /// <param name="adminEndpoints">More endpoints for the admin listener (the brook executable adds the web console).</param>
    public static async Task<BrookBroker> StartAsync(BrokerConfig config, Action<ILoggingBuilder>? configureLogging = null,
        CancellationToken cancellationToken = default, IReadOnlyList<IAdminEndpoints>? adminEndpoints = null)
    {
        void ConfigureLogging(ILoggingBuilder logging)
        {
            logging.ClearProviders();
            if (configureLogging is not null) configureLogging(logging);
            else
                logging.AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
                });
            logging.SetMinimumLevel(LogLevel.Information);
            logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        }

        // A broker-only node given only controller.quorum.bootstrap.servers learns the voters first: every service
        // below is built from the configuration that names them.
        if (ControllerQuorumDiscovery.IsNeeded(config))
        {
            using var discoveryLoggers = LoggerFactory.Create(ConfigureLogging);
            config = await ControllerQuorumDiscovery.ResolveAsync(config, discoveryLoggers.CreateLogger("Brook.Quorum.Discovery"), cancellationToken);
        }

        // No appsettings.json reload: its file watcher watches the content root (the working directory, which holds ./data)
        // recursively, so every log append and fsync came back as inotify events the broker spent CPU on (about 8% of a
        // broker's CPU under a replicated produce load). Brook's configuration is its own (server.properties, BROOK_*,
        // --override); nothing of ASP.NET's needs to reload.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        ConfigureLogging(builder.Logging);

        // Kestrel's transport takes its pipes' memory from the IMemoryPoolFactory in DI; the last registration wins.
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();
        var bindings = new ListenerBindings(config);
        builder.Services.AddSingleton(bindings);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            foreach (var listener in config.Listeners)
            {
                var name = listener.Name;
                kestrel.Listen(ToEndPoint(listener.Host, listener.Port), o =>
                {
                    bindings.Add(name, o);
                    o.Use(next => connection =>
                    {
                        connection.Items[KafkaConnectionHandler.ListenerNameItem] = name;
                        return next(connection);
                    });
                    o.UseConnectionHandler<KafkaConnectionHandler>();
                });
            }
        });
        // Room for the controlled shutdown (at most BrokerLifecycle.ControlledShutdownTimeout) before the 20 s of
        // stopping the listeners and closing the logs.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = BrokerLifecycle.ControlledShutdownTimeout + TimeSpan.FromSeconds(20));
        builder.Services.AddBrookBroker(config);

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Brook");
        foreach (var warning in config.Warnings) logger.LogWarning("{Warning}", warning);
        // One log entry for the whole effective configuration: hundreds of lines would interleave with start-up.
        logger.LogInformation("Effective configuration:{Lines}",
            string.Concat(config.Effective.Select(e => $"{Environment.NewLine}  config {e.Key} = {e.Value} ({e.Source})")));
        // The exporter listens before anything records, and the instruments exist before the first scrape. With the
        // admin listener off nobody can scrape, so no MeterListener is started and the histograms' Record calls are no-ops.
        if (AdminServer.IsConfigured(config)) app.Services.GetRequiredService<PrometheusExporter>();
        app.Services.GetRequiredService<ProcessMetrics>();
        AdminServer? admin = null;
        try
        {
            admin = await AdminServer.StartAsync(config, app.Services, adminEndpoints ?? [], logger, cancellationToken);
            await app.StartAsync(cancellationToken);
            app.Services.GetRequiredService<BrokerStateGauges>();
        }
        catch
        {
            if (admin is not null) await admin.DisposeAsync();
            await app.DisposeAsync();
            throw;
        }
        var broker = new BrookBroker(app, config, admin);
        logger.LogInformation("Brook node {NodeId} started ({Roles}); listeners {Listeners}; advertised {Advertised}; log.dirs {Dirs}",
            config.NodeId, string.Join(",", config.ProcessRoles), string.Join(",", broker.Listeners), string.Join(",", broker.AdvertisedListeners),
            string.Join(",", config.LogDirs));
        return broker;
    }

    /// <summary>Completes when the node was asked to stop (SIGTERM, Ctrl+C or <see cref="StopAsync"/>) and has stopped.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Clean shutdown: the controlled shutdown moves leaderships away, listeners close, then logs are closed cleanly.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <summary>
    /// Clean shutdown without the controlled shutdown's leadership hand-over: for a whole cluster stopping together
    /// (the logs still close cleanly).
    /// </summary>
    public Task StopWithoutControlledShutdownAsync(CancellationToken cancellationToken = default)
    {
        foreach (var lifecycle in _app.Services.GetServices<IHostedService>().OfType<BrokerLifecycle>()) lifecycle.SkipControlledShutdown();
        return _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
        }
        catch (OperationCanceledException) { }
        await _app.DisposeAsync();
        if (_admin is not null) await _admin.DisposeAsync();
    }

    /// <summary>The socket address a listener's host binds: wildcards, literals, localhost, else the name's first address.</summary>
    internal static IPEndPoint ToEndPoint(string host, int port)
    {
        if (string.IsNullOrEmpty(host) || host == "0.0.0.0") return new IPEndPoint(IPAddress.Any, port);
        if (host is "::" or "[::]") return new IPEndPoint(IPAddress.IPv6Any, port);
        if (IPAddress.TryParse(host, out var ip)) return new IPEndPoint(ip, port);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return new IPEndPoint(IPAddress.Loopback, port);
        var addresses = Dns.GetHostAddresses(host);
        return new IPEndPoint(addresses.First(), port);
    }
}
