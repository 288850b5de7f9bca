using System.Text.Json.Serialization;

namespace Brook.Examples.EventSourcing;

/// <summary>
/// The bank accounts service: HTTP API, command handler, projector and read model in one host. <see cref="Build"/>
/// wires it (Program.cs runs that); <see cref="StartAsync"/> starts an instance on a given (or free) port, for tests.
/// </summary>
public sealed class BankAccountsService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BankAccountsService(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The address the instance listens on, e.g. http://127.0.0.1:41234.</summary>
    public string Url { get; }

    /// <summary>The instance's projector phase and counters.</summary>
    public ProjectionStatus Status => _app.Services.GetRequiredService<ProjectionStatus>();

    /// <summary>The web application with every service and route, not started; <paramref name="args"/> as for any ASP.NET Core host (--urls ...).</summary>
    public static WebApplication Build(BankAccountsOptions options, string[]? args = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            ApplicationName = typeof(BankAccountsService).Assembly.GetName().Name,
        });
        // What an appsettings.json would say: the framework's per-request lines are noise next to the service's own.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ProjectionStatus>();
        builder.Services.AddSingleton<AccountReadModel>();
        builder.Services.AddSingleton<AccountEventLog>();
        builder.Services.AddSingleton<AccountCommandHandler>();
        builder.Services.AddSingleton<AccountProjector>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AccountProjector>());
        var app = builder.Build();
        app.MapAccountEndpoints();
        return app;
    }

    /// <summary>
    /// Starts an instance listening on <paramref name="url"/> (port 0: a free one) and returns once it listens; it
    /// rebuilds its read model in the background (see <c>GET /health/ready</c>).
    /// </summary>
    public static async Task<BankAccountsService> StartAsync(BankAccountsOptions options, string url = "http://127.0.0.1:0",
        CancellationToken cancellationToken = default)
    {
        var app = Build(options);
        app.Urls.Clear();
        app.Urls.Add(url);
        await app.StartAsync(cancellationToken);
        // With port 0 the bound address is known only now: Kestrel replaces the requested addresses with the bound ones.
        return new BankAccountsService(app, app.Urls.First());
    }

    /// <summary>Stops the instance: the projector commits its offsets and leaves its group, the producers flush.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
