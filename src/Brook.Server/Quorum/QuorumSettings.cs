using Brook.Common.Config;
using Brook.Raft;

namespace Brook.Server.Quorum;

/// <summary>The KRaft settings of this node, from Kafka's controller.quorum.* keys.</summary>
public static class QuorumSettings
{
    /// <summary>
    /// The voters are controller.quorum.voters; a standalone node is the one voter of its own quorum (a majority of
    /// one: it elects itself at once and commits what it has flushed).
    /// </summary>
    public static RaftConfig RaftConfigFor(BrokerConfig config, string clusterId) => new()
    {
        NodeId = config.NodeId,
        ClusterId = clusterId,
        Voters = config.IsStandalone ? [config.NodeId] : [.. config.ControllerQuorumVoters.Select(v => v.Id)],
        // Written into the first voters record an AddRaftVoter/RemoveRaftVoter makes, so the set in the log says where
        // the original voters listen too.
        VoterEndpoints = VoterEndpoints(config),
        ElectionTimeoutMs = config.ControllerQuorumElectionTimeoutMs,
        FetchTimeoutMs = config.ControllerQuorumFetchTimeoutMs,
        ElectionBackoffMaxMs = config.ControllerQuorumElectionBackoffMaxMs,
        RequestTimeoutMs = config.ControllerQuorumRequestTimeoutMs,
        RetryBackoffMs = Math.Max(1, config.ControllerQuorumRetryBackoffMs),
    };

    /// <summary>controller.quorum.voters as a voter set, each voter on the controller listener it names.</summary>
    public static VoterSet BootstrapVoters(BrokerConfig config) =>
        VoterSet.Bootstrap([.. config.ControllerQuorumVoters.Select(v => v.Id)], VoterEndpoints(config));

    private static Dictionary<int, IReadOnlyList<RaftEndpoint>> VoterEndpoints(BrokerConfig config) =>
        config.ControllerQuorumVoters.ToDictionary(v => v.Id,
            v => (IReadOnlyList<RaftEndpoint>)[new RaftEndpoint(ControllerListenerName(config), v.Host, v.Port)]);

    /// <summary>The listener quorum traffic uses: the first of controller.listener.names.</summary>
    public static string ControllerListenerName(BrokerConfig config) =>
        config.ControllerListenerNames.Count > 0 ? config.ControllerListenerNames[0] : "CONTROLLER";
}
