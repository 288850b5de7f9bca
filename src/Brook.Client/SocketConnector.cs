using System.Net;
using System.Net.Sockets;

namespace Brook.Client;

/// <summary>Opens the TCP socket of a connection: resolve, bind the local address if one is set, connect within the timeout (TCP_NODELAY, keepalive).</summary>
internal static class SocketConnector
{
    public static async Task<Socket> ConnectAsync(EndPoint endpoint, KafkaConnectionOptions options, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(options.ConnectTimeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        Exception? last = null;
        try
        {
            var (addresses, port) = await ResolveAsync(endpoint, linked.Token);
            var local = options.LocalAddress;
            // A socket bound to an IPv4 address cannot reach an IPv6 peer: try only the addresses of the bound family,
            // the way Kafka's use_all_dns_ips tries each address of a name in turn.
            var candidates = local is null ? addresses : addresses.Where(a => a.AddressFamily == local.AddressFamily).ToArray();
            if (candidates.Length == 0)
                throw new KafkaConnectionException($"{endpoint} has no {local?.AddressFamily} address to reach from {local}");
            foreach (var address in candidates)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    // As Kafka's Selector does: an idle inter-broker connection to a vanished host is found out eventually.
                    socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
                    if (local is not null) socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(new IPEndPoint(address, port), linked.Token);
                    return socket;
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    last = e;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new KafkaConnectionException(
                $"connecting to {endpoint} timed out after {options.ConnectTimeout.TotalMilliseconds:0} ms",
                new TimeoutException());
        }
        catch (SocketException e)
        {
            // DNS failures land here.
            throw new KafkaConnectionException($"could not resolve {endpoint}: {e.Message}", e);
        }
        throw new KafkaConnectionException($"could not connect to {endpoint}: {last?.Message}", last);
    }

    private static async Task<(IPAddress[] Addresses, int Port)> ResolveAsync(EndPoint endpoint, CancellationToken ct)
    {
        switch (endpoint)
        {
            case IPEndPoint ip:
                return ([ip.Address], ip.Port);
            case DnsEndPoint dns when IPAddress.TryParse(dns.Host, out var literal):
                return ([literal], dns.Port);
            case DnsEndPoint dns:
                return (await Dns.GetHostAddressesAsync(dns.Host, ct), dns.Port);
            default:
                throw new ArgumentException($"unsupported endpoint type {endpoint.GetType().Name}", nameof(endpoint));
        }
    }
}
