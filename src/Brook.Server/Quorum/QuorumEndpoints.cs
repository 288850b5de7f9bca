using System.Net;
using Brook.Common.Config;
using Brook.Raft;

namespace Brook.Server.Quorum;

/// <summary>Where this node reaches the voters, and the address its own outbound connections leave from.</summary>
public static class QuorumEndpoints
{
    /// <summary>
    /// A voter's controller endpoint (resolved on every connection attempt): from the voter set the local Raft node
    /// holds when it knows one for the node (KIP-853: a voter added later is in no configuration file), else from
    /// controller.quorum.voters.
    /// </summary>
    public static Func<int, EndPoint?> VoterResolver(BrokerConfig config, Func<VoterSet?>? currentVoters = null)
    {
        var bootstrap = QuorumSettings.BootstrapVoters(config);
        var listener = QuorumSettings.ControllerListenerName(config);
        return id =>
        {
            var voter = currentVoters?.Invoke()?.Find(id) is { Endpoints.Count: > 0 } known ? known : bootstrap.Find(id);
            return voter?.EndpointFor(listener) is { } endpoint ? Resolve(endpoint.Host, endpoint.Port) : null;
        };
    }

    /// <summary>
    /// The controllers and where they listen, for DescribeQuorum and DescribeCluster: the voter set the node holds (the
    /// configured one while it has none), a voter listed there without endpoints taking them from controller.quorum.voters.
    /// </summary>
    public static IEnumerable<RaftVoter> ControllerVoters(BrokerConfig config, VoterSet? current)
    {
        var bootstrap = QuorumSettings.BootstrapVoters(config);
        foreach (var voter in (current ?? bootstrap).Voters)
            yield return voter.Endpoints.Count > 0 ? voter : bootstrap.Find(voter.Id) ?? voter;
    }

    /// <summary>
    /// The address connections to peers leave from: the host of this node's own controller listener (for a voter) or
    /// client listener, when it names a literal address. A node on 127.0.0.2 thus talks from 127.0.0.2, so a test can
    /// cut it off from a peer with an iptables rule on the address pair.
    /// </summary>
    public static IPAddress? LocalAddress(BrokerConfig config)
    {
        var own = config.IsController && config.ControllerListenerNames.Count > 0
            ? config.Listeners.FirstOrDefault(l => l.Name == config.ControllerListenerNames[0])
            : config.Listeners.FirstOrDefault(l => !config.ControllerListenerNames.Contains(l.Name));
        return own is not null && !own.IsWildcardHost && IPAddress.TryParse(own.Host, out var ip) ? ip : null;
    }

    /// <summary>The host of this node's inter-broker listener when it is a literal address: where replica fetches leave from.</summary>
    public static IPAddress? BrokerLocalAddress(BrokerConfig config)
    {
        var own = config.Listeners.FirstOrDefault(l => l.Name == config.BrokerListenerName);
        return own is not null && !own.IsWildcardHost && IPAddress.TryParse(own.Host, out var ip) ? ip : null;
    }

    internal static EndPoint? Resolve(string host, int port)
    {
        if (IPAddress.TryParse(host, out var ip)) return new IPEndPoint(ip, port);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return new IPEndPoint(IPAddress.Loopback, port);
        try
        {
            var addresses = Dns.GetHostAddresses(host);
            return addresses.Length > 0 ? new IPEndPoint(addresses[0], port) : null;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return null;
        }
    }
}
