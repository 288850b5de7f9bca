using Brook.Common.Config;

namespace Brook.Common.Tests.Config;

/// <summary>KRaft roles and quorum settings: what a standalone node, a voter and a broker-only node must configure.</summary>
public class ClusterRoleConfigTests
{
    private static BrokerConfig From(params (string Key, string Value)[] pairs) =>
        BrokerConfig.FromProperties(pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));

    private static readonly (string, string)[] Voter2Of3 =
    [
        ("node.id", "2"),
        ("process.roles", "broker,controller"),
        ("controller.quorum.voters", "1@127.0.0.1:19093,2@127.0.0.2:19093,3@127.0.0.3:19093"),
        ("listeners", "PLAINTEXT://127.0.0.2:19092,CONTROLLER://127.0.0.2:19093"),
        ("controller.listener.names", "CONTROLLER"),
        ("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
    ];

    [Fact]
    public void TheDefaultNodeIsAStandaloneCombinedNode()
    {
        var c = BrokerConfig.Default;
        Assert.True(c.IsBroker);
        Assert.True(c.IsController);
        Assert.True(c.IsStandalone);
        Assert.Empty(c.ControllerQuorumVoters);
        Assert.Equal("PLAINTEXT", c.BrokerListenerName);
    }

    [Fact]
    public void VotersAreParsedAndANodeOutsideThemIsAnObserverController()
    {
        var c = From(Voter2Of3);
        Assert.False(c.IsStandalone);
        Assert.Equal([new QuorumVoter(1, "127.0.0.1", 19093), new QuorumVoter(2, "127.0.0.2", 19093), new QuorumVoter(3, "127.0.0.3", 19093)],
            c.ControllerQuorumVoters);
        Assert.Equal("PLAINTEXT", c.BrokerListenerName);
        Assert.Single(c.AdvertisedListeners); // the controller listener is never advertised to clients

        // A controller outside the voters is allowed: it joins as an observer until AddRaftVoter makes it a voter (KIP-853).
        var stranger = Voter2Of3.Select(p => p.Item1 == "node.id" ? ("node.id", "7") : p).ToArray();
        Assert.Equal(7, From(stranger).NodeId);
    }

    [Theory]
    [InlineData("1@host", "id@host:port")]
    [InlineData("x@h:1", "non-negative integer")]
    [InlineData("1@h:99999", "between 1 and 65535")]
    [InlineData("1@h:1,1@g:2", "more than once")]
    public void MalformedVotersAreRefused(string voters, string reason)
    {
        var pairs = Voter2Of3.Select(p => p.Item1 == "controller.quorum.voters" ? ("controller.quorum.voters", voters) : p).ToArray();
        Assert.Contains(reason, Assert.Throws<ConfigException>(() => From(pairs)).Message);
    }

    [Fact]
    public void AVoterNeedsItsControllerListener()
    {
        var pairs = Voter2Of3.Select(p => p.Item1 == "listeners" ? ("listeners", "PLAINTEXT://127.0.0.2:19092") : p).ToArray();
        Assert.Contains("controller listener", Assert.Throws<ConfigException>(() => From(pairs)).Message);
        var noName = Voter2Of3.Where(p => p.Item1 != "controller.listener.names").ToArray();
        Assert.Throws<ConfigException>(() => From(noName));
    }

    [Fact]
    public void ABrokerOnlyNodeNeedsTheQuorumAndNoControllerListener()
    {
        var broker = new[]
        {
            ("node.id", "4"),
            ("process.roles", "broker"),
            ("controller.quorum.voters", "1@127.0.0.1:19093"),
            ("listeners", "PLAINTEXT://127.0.0.4:19092"),
            ("controller.listener.names", "CONTROLLER"),
            ("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
        };
        var c = From(broker);
        Assert.True(c.IsBroker);
        Assert.False(c.IsController);
        Assert.False(c.IsStandalone);

        Assert.Contains("find the quorum", Assert.Throws<ConfigException>(() => From([.. broker.Where(p => p.Item1 != "controller.quorum.voters")])).Message);
        Assert.Contains("must not listen", Assert.Throws<ConfigException>(() =>
            From([.. broker.Select(p => p.Item1 == "listeners" ? ("listeners", "PLAINTEXT://127.0.0.4:19092,CONTROLLER://127.0.0.4:19093") : p)])).Message);
    }

    [Fact]
    public void AControllerOnlyStandaloneNodeIsRefused()
    {
        Assert.Contains("must also be a broker", Assert.Throws<ConfigException>(() => From(("process.roles", "controller"))).Message);
        Assert.Contains("janitor", Assert.Throws<ConfigException>(() => From(("process.roles", "broker,janitor"))).Message);
    }
}
