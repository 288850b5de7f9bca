using System.Net;
using System.Net.Sockets;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>Asks the kernel for an unused loopback TCP port.</summary>
public static class FreePort
{
    /// <summary>
    /// Binds port 0, reads the assigned port and closes the socket. There is a small window in which another process
    /// could take the port; acceptable for tests, and a broker that cannot bind fails fast with its log attached.
    /// </summary>
    public static int Pick()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
