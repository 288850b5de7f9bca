using System.Net;
using System.Net.Sockets;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>Asks the kernel for an unused loopback TCP port, never the same one twice in a test run.</summary>
public static class FreePort
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// Binds port 0, reads the assigned port and closes the socket. There is a small window in which another process
    /// could take the port; acceptable for tests, and a broker that cannot bind fails fast with its log attached.
    /// A port handed out before is skipped: once closed, the kernel may assign it again at once, and a node given the
    /// same port for two listeners refused to start (seen in CI).
    /// </summary>
    public static int Pick()
    {
        for (var attempt = 0; ; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            lock (Gate)
            {
                // After many attempts the run has used most of the range: a repeat beats failing.
                if (HandedOut.Add(port) || attempt >= 100) return port;
            }
        }
    }
}
