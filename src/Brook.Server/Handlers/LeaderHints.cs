using Brook.Common;
using Brook.Metadata;
using Brook.Protocol.Messages;

namespace Brook.Server.Handlers;

/// <summary>
/// KIP-951: a Produce (v10+) or Fetch (v12+; endpoints from v16) answered NOT_LEADER_OR_FOLLOWER or
/// FENCED_LEADER_EPOCH names the partition's current leader and epoch, and the response carries that leader's endpoint
/// on the client's listener, so the client redirects at once instead of refreshing its metadata first.
/// </summary>
internal sealed class LeaderHints(MetadataImage image, string listenerName)
{
    private readonly Dictionary<int, NodeEndpoint> _endpoints = [];

    /// <summary>True for the errors whose responses carry the hint.</summary>
    public static bool Applies(ErrorCode error) => error is ErrorCode.NotLeaderOrFollower or ErrorCode.FencedLeaderEpoch;

    /// <summary>The current leader of the partition and its epoch per the image, or null when it has none.</summary>
    public LeaderIdAndEpoch? For(string topic, int partition)
    {
        if (!image.TopicsByName.TryGetValue(topic, out var t) || partition < 0 || partition >= t.Partitions.Length) return null;
        var p = t.Partitions[partition];
        if (p.Leader < 0) return null;
        if (!_endpoints.ContainsKey(p.Leader) && image.Brokers.TryGetValue(p.Leader, out var broker)
            && (broker.FindEndpoint(listenerName) ?? broker.Endpoints.FirstOrDefault()) is { } endpoint)
            _endpoints[p.Leader] = new NodeEndpoint { NodeId = broker.Id, Host = endpoint.Host, Port = endpoint.Port, Rack = broker.Rack };
        return new LeaderIdAndEpoch { LeaderId = p.Leader, LeaderEpoch = p.LeaderEpoch };
    }

    /// <summary>The endpoints of every leader named so far, for the response's NodeEndpoints.</summary>
    public IEnumerable<NodeEndpoint> Endpoints => _endpoints.Values.OrderBy(e => e.NodeId);
}
