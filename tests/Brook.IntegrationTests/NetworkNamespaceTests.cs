using System.Net;
using System.Net.Sockets;
using Brook.IntegrationTests.Infrastructure;

namespace Brook.IntegrationTests;

/// <summary>
/// The fault-injection tooling itself, without any broker: TCP endpoints inside a namespace talk until their link is cut
/// and again once it is healed, a one-way cut stops one direction of an open connection only, the test process reaches
/// the namespace's hosts over the veth link, and nothing is left behind.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class NetworkNamespaceTests
{
    private const int Port = 7000;
    private static readonly IPAddress A = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress B = IPAddress.Parse("127.0.0.3");
    private static readonly TimeSpan Blackholed = TimeSpan.FromSeconds(1);

    [NetworkNamespaceFact]
    public async Task LoopbackEndpointsTalkUntilCutAndAgainAfterHealing()
    {
        string name;
        string rootLink;
        using (var ns = NetworkNamespace.Create(hosts: 1))
        {
            name = ns.Name;
            rootLink = ns.RootLink;
            using var onA = Listen(ns.CreateSocket(), A);
            using var onB = Listen(ns.CreateSocket(), B);

            Assert.True(await ConnectsAsync(ns.CreateSocket(), A, B), "127.0.0.2 -> 127.0.0.3 before the cut");
            Assert.True(await ConnectsAsync(ns.CreateSocket(), B, A), "127.0.0.3 -> 127.0.0.2 before the cut");

            ns.Cut(A, B);
            Assert.Equal(2, ns.Cuts.Count);
            Assert.False(await ConnectsAsync(ns.CreateSocket(), A, B), "127.0.0.2 -> 127.0.0.3 while cut");
            Assert.False(await ConnectsAsync(ns.CreateSocket(), B, A), "127.0.0.3 -> 127.0.0.2 while cut");

            ns.Heal(A, B);
            Assert.Empty(ns.Cuts);
            Assert.True(await ConnectsAsync(ns.CreateSocket(), A, B), "127.0.0.2 -> 127.0.0.3 after healing");
            Assert.True(await ConnectsAsync(ns.CreateSocket(), B, A), "127.0.0.3 -> 127.0.0.2 after healing");
        }

        Assert.False(NetworkNamespace.Exists(name), $"{name} still exists after dispose");
        Assert.False(Directory.Exists($"/sys/class/net/{rootLink}"), $"{rootLink} still exists after dispose");
    }

    [NetworkNamespaceFact]
    public async Task AOneWayCutStopsOneDirectionOfAnOpenConnectionUntilHealed()
    {
        using var ns = NetworkNamespace.Create(hosts: 1);
        using var listener = Listen(ns.CreateSocket(), B);
        using var client = ns.CreateSocket();
        client.Bind(new IPEndPoint(A, 0));
        await client.ConnectAsync(new IPEndPoint(B, Port)).WaitAsync(TimeSpan.FromSeconds(5));
        using var server = await listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(5));

        ns.Cut(A, B, LinkDirection.OneWay);

        await server.SendAsync("x"u8.ToArray());
        Assert.Equal((byte)'x', await ReceiveByteAsync(client, TimeSpan.FromSeconds(5))); // 127.0.0.3 -> 127.0.0.2 still flows
        await client.SendAsync("y"u8.ToArray());
        await Assert.ThrowsAsync<TimeoutException>(() => ReceiveByteAsync(server, TimeSpan.FromMilliseconds(700)));

        ns.HealAll();
        // TCP retransmits the held-back byte once its packets pass again.
        Assert.Equal((byte)'y', await ReceiveByteAsync(server, TimeSpan.FromSeconds(10)));
    }

    [NetworkNamespaceFact]
    public async Task TheTestProcessReachesHostsInsideOverTheVethLinkAndCanBeCutOff()
    {
        using var ns = NetworkNamespace.Create(hosts: 2);
        var host = ns.Hosts[1];
        using var listener = Listen(ns.CreateSocket(), host);

        // A socket of the root namespace: this is how clients in the test process reach nodes.
        Assert.True(await ConnectsAsync(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), null, host));

        ns.Cut(ns.RootAddress, host);
        Assert.False(await ConnectsAsync(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), null, host));
        // The rest of the namespace is unaffected: the other host still reaches it.
        Assert.True(await ConnectsAsync(ns.CreateSocket(), ns.Hosts[0], host));

        ns.HealAll();
        Assert.True(await ConnectsAsync(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), null, host));
    }

    /// <summary>Binds <paramref name="socket"/> to the address and <see cref="Port"/> and listens (the kernel completes handshakes; nothing needs to accept).</summary>
    private static Socket Listen(Socket socket, IPAddress address)
    {
        socket.Bind(new IPEndPoint(address, Port));
        socket.Listen(16);
        return socket;
    }

    /// <summary>
    /// Connects <paramref name="socket"/> (from <paramref name="from"/> when given) to <paramref name="to"/>:<see cref="Port"/>,
    /// where the caller listens; false if the connect does not complete within a second (the
    /// packets are dropped, so there is no refusal to wait for).
    /// </summary>
    private static async Task<bool> ConnectsAsync(Socket socket, IPAddress? from, IPAddress to)
    {
        using (socket)
        {
            if (from is not null) socket.Bind(new IPEndPoint(from, 0));
            using var timeout = new CancellationTokenSource(Blackholed);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(to, Port), timeout.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    private static async Task<byte> ReceiveByteAsync(Socket socket, TimeSpan timeout)
    {
        var buffer = new byte[1];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (read == 0) throw new IOException("connection closed");
            return buffer[0];
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"nothing received within {timeout.TotalMilliseconds:0} ms");
        }
    }
}
