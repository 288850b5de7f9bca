using System.Net;
using Brook.Common.Config;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Brook.Server.Hosting;

/// <summary>
/// The configured listeners and the Kestrel endpoints they were bound to. A listener configured with port 0 gets an
/// ephemeral port when Kestrel binds; after that, <see cref="Bound"/> and <see cref="Advertised"/> report the real port,
/// so the broker registers (and clients are told) the port it actually listens on.
/// </summary>
public sealed class ListenerBindings(BrokerConfig config)
{
    private readonly Dictionary<string, ListenOptions> _options = new(StringComparer.Ordinal);

    /// <summary>Called while Kestrel is configured, once per listener.</summary>
    internal void Add(string listenerName, ListenOptions options)
    {
        lock (_options) _options[listenerName] = options;
    }

    /// <summary>The port Kestrel bound for <paramref name="listener"/> (its configured port before binding).</summary>
    public int BoundPort(ListenerEndpoint listener)
    {
        lock (_options)
            return _options.TryGetValue(listener.Name, out var o) && o.EndPoint is IPEndPoint ip && ip.Port != 0 ? ip.Port : listener.Port;
    }

    /// <summary>Every listener with its bound port.</summary>
    public IReadOnlyList<ListenerEndpoint> Bound => [.. config.Listeners.Select(l => l with { Port = BoundPort(l) })];

    /// <summary>
    /// The advertised (client-facing) listeners; an advertised port of 0 becomes the port its listener bound.
    /// </summary>
    public IReadOnlyList<ListenerEndpoint> Advertised => [.. config.AdvertisedListeners.Select(a =>
        a.Port != 0 ? a : a with { Port = config.Listeners.First(l => l.Name == a.Name) is { } l ? BoundPort(l) : 0 })];
}
