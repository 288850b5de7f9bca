using System.Net;
using Brook.Common.Config;
using Brook.Server;
using Brook.Server.Network;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Brook.Host;

/// <summary>Builds and runs the broker process: Kestrel listeners with the Kafka connection handler, and the broker services.</summary>
public static class BrokerHost
{
    public static async Task<int> RunAsync(BrokerConfig config)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            foreach (var listener in config.Listeners)
            {
                var endpoint = ToEndPoint(listener.Host, listener.Port);
                var name = listener.Name;
                kestrel.Listen(endpoint, o =>
                {
                    o.Use(next => connection =>
                    {
                        connection.Items[KafkaConnectionHandler.ListenerNameItem] = name;
                        return next(connection);
                    });
                    o.UseConnectionHandler<KafkaConnectionHandler>();
                });
            }
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        builder.Services.AddBrookBroker(config);

        await using var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Brook");
        foreach (var warning in config.Warnings) logger.LogWarning("{Warning}", warning);
        // One entry rather than one per key: with Kafka 4.1's 300-odd broker keys, per-key entries queue up in the console
        // logger ahead of the "started" line.
        logger.LogInformation("Effective configuration:{Lines}",
            string.Concat(config.Effective.Select(e => $"{Environment.NewLine}  config {e.Key} = {e.Value} ({e.Source})")));
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            logger.LogCritical("Cannot listen: {Reason}", e.Message);
            return 1;
        }
        logger.LogInformation("Brook broker {NodeId} started; listeners {Listeners}; advertised {Advertised}; log.dirs {Dirs}",
            config.NodeId, string.Join(",", config.Listeners), string.Join(",", config.AdvertisedListeners), string.Join(",", config.LogDirs));
        await app.WaitForShutdownAsync();
        logger.LogInformation("Brook broker {NodeId} stopped", config.NodeId);
        return 0;
    }

    private static IPEndPoint ToEndPoint(string host, int port)
    {
        if (string.IsNullOrEmpty(host) || host == "0.0.0.0") return new IPEndPoint(IPAddress.Any, port);
        if (host == "::") return new IPEndPoint(IPAddress.IPv6Any, port);
        if (IPAddress.TryParse(host, out var ip)) return new IPEndPoint(ip, port);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return new IPEndPoint(IPAddress.Loopback, port);
        var addresses = Dns.GetHostAddresses(host);
        return new IPEndPoint(addresses.First(), port);
    }
}
