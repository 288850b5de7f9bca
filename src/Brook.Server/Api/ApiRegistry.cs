namespace Brook.Server.Api;

/// <summary>
/// API key → handler, per kind of listener: client (broker) listeners serve what KafkaApis serves, controller
/// listeners what Kafka's ControllerApis serves (the quorum's and the controller's own APIs). ApiVersions is derived
/// from it, so what a listener advertises is what it serves.
/// </summary>
public sealed class ApiRegistry
{
    private readonly IApiHandler?[] _broker = new IApiHandler?[128];
    private readonly IApiHandler?[] _controller = new IApiHandler?[128];

    public ApiRegistry(IEnumerable<IApiHandler> handlers)
    {
        foreach (var h in handlers)
        {
            var k = (int)h.Api.Key;
            if (h.Listeners.HasFlag(ListenerScope.Broker)) Add(_broker, k, h);
            if (h.Listeners.HasFlag(ListenerScope.Controller)) Add(_controller, k, h);
        }
    }

    private static void Add(IApiHandler?[] table, int key, IApiHandler handler)
    {
        if (table[key] is not null) throw new InvalidOperationException($"two handlers for API {handler.Api.Key} on the same kind of listener");
        table[key] = handler;
    }

    /// <summary>The handler of <paramref name="apiKey"/> on a client listener.</summary>
    public IApiHandler? Find(short apiKey) => Find(apiKey, ListenerScope.Broker);

    /// <summary>The handler of <paramref name="apiKey"/> on a listener of the given kind, or null when it does not serve it.</summary>
    public IApiHandler? Find(short apiKey, ListenerScope scope)
    {
        var table = scope == ListenerScope.Controller ? _controller : _broker;
        return apiKey >= 0 && apiKey < table.Length ? table[apiKey] : null;
    }

    /// <summary>Every handler of client listeners.</summary>
    public IEnumerable<IApiHandler> All => AllFor(ListenerScope.Broker);

    /// <summary>Every handler a listener of the given kind serves.</summary>
    public IEnumerable<IApiHandler> AllFor(ListenerScope scope) =>
        (scope == ListenerScope.Controller ? _controller : _broker).Where(h => h is not null)!;
}

/// <summary>Which kinds of listener an API is served on.</summary>
[Flags]
public enum ListenerScope
{
    /// <summary>Client-facing listeners (and inter-broker traffic on them).</summary>
    Broker = 1,
    /// <summary>The controller listener(s) named by controller.listener.names.</summary>
    Controller = 2,
    Both = Broker | Controller,
}
