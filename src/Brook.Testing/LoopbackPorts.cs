using System.Net;
using System.Net.Sockets;

namespace Brook.Testing;

/// <summary>Free TCP ports on 127.0.0.1, for the listeners whose port others must know before they start (the controllers').</summary>
internal static class LoopbackPorts
{
    /// <summary>
    /// Distinct ports the kernel just handed out for port 0. Another process may take one before the broker binds it:
    /// <see cref="BrookTestCluster.StartAsync"/> then starts again on new ports.
    /// </summary>
    public static List<int> Pick(int count)
    {
        var ports = new HashSet<int>();
        while (ports.Count < count)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            ports.Add(((IPEndPoint)listener.LocalEndpoint).Port);
            listener.Stop();
        }
        return [.. ports];
    }
}
