using Brook.Common.Config;
using Brook.Protocol.Messages;
using Brook.Server.Quorum;

namespace Brook.Server.Tests;

/// <summary>What a broker-only node takes from a DescribeQuorum v2 answer as its controller.quorum.voters.</summary>
public sealed class ControllerQuorumDiscoveryTests
{
    private static DescribeQuorumResponse Answer(short partitionError, int[] voters, params (int Id, string Host, int Port)[] nodes) => new()
    {
        Topics = [new()
        {
            TopicName = RaftWire.MetadataTopicName,
            Partitions = [new() { PartitionIndex = 0, ErrorCode = partitionError, LeaderId = 1, LeaderEpoch = 3, CurrentVoters = [.. voters.Select(v => new DescribeQuorumResponse.ReplicaState { ReplicaId = v })] }],
        }],
        Nodes = [.. nodes.Select(n => new DescribeQuorumResponse.Node
        {
            NodeId = n.Id,
            Listeners = [new Brook.Protocol.Messages.ListenerEndpoint { Name = "CONTROLLER", Host = n.Host, Port = (ushort)n.Port }],
        })],
    };

    [Fact]
    public void Every_voter_with_its_controller_endpoint_becomes_a_configured_voter()
    {
        var voters = ControllerQuorumDiscovery.VotersFrom(Answer(0, [1, 2, 3], (1, "10.0.0.1", 9093), (2, "10.0.0.2", 9093), (3, "c3.example", 19093)));
        Assert.Equal([new QuorumVoter(1, "10.0.0.1", 9093), new QuorumVoter(2, "10.0.0.2", 9093), new QuorumVoter(3, "c3.example", 19093)], voters);
    }

    [Fact]
    public void An_answer_missing_a_voters_endpoint_or_reporting_an_error_is_not_used()
    {
        Assert.Null(ControllerQuorumDiscovery.VotersFrom(Answer(0, [1, 2, 3], (1, "10.0.0.1", 9093), (2, "10.0.0.2", 9093))));
        Assert.Null(ControllerQuorumDiscovery.VotersFrom(Answer(6, [1], (1, "10.0.0.1", 9093)))); // NOT_LEADER_OR_FOLLOWER
        Assert.Null(ControllerQuorumDiscovery.VotersFrom(Answer(0, [])));
    }

    [Fact]
    public void Only_a_broker_only_node_without_voters_but_with_bootstrap_servers_needs_discovery()
    {
        BrokerConfig Config(params (string, string)[] pairs) => BrokerConfig.FromProperties(new Dictionary<string, string>(
            pairs.Select(p => KeyValuePair.Create(p.Item1, p.Item2)))
        {
            ["node.id"] = "4",
            ["listeners"] = "PLAINTEXT://127.0.0.1:9092",
            ["controller.listener.names"] = "CONTROLLER",
            ["listener.security.protocol.map"] = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        });
        Assert.True(ControllerQuorumDiscovery.IsNeeded(Config(("process.roles", "broker"), ("controller.quorum.bootstrap.servers", "127.0.0.1:9093"))));
        Assert.False(ControllerQuorumDiscovery.IsNeeded(Config(("process.roles", "broker"), ("controller.quorum.voters", "1@127.0.0.1:9093"))));
        var discovered = Config(("process.roles", "broker"), ("controller.quorum.bootstrap.servers", "127.0.0.1:9093"))
            .WithDiscoveredVoters([new QuorumVoter(1, "127.0.0.1", 9093)]);
        Assert.False(ControllerQuorumDiscovery.IsNeeded(discovered));
        Assert.Equal([new QuorumVoter(1, "127.0.0.1", 9093)], discovered.ControllerQuorumVoters);
        Assert.Contains(discovered.Effective, e => e.Key == "controller.quorum.voters" && e.Source == "discovered from controller.quorum.bootstrap.servers");
    }
}
