using Brook.Common.Config;

namespace Brook.Common.Tests.Config;

/// <summary>leader/follower.replication.throttled.replicas: Kafka's "partitionId:brokerId,..." or "*" lists.</summary>
public sealed class ThrottledReplicasTests
{
    [Theory]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("0:1,0:2,3:1")]
    [InlineData(" 0 : 1 , 2:3")]
    public void Valid_lists_are_accepted(string value)
    {
        Assert.Null(TopicConfigDefs.Validate("leader.replication.throttled.replicas", value));
        Assert.Null(TopicConfigDefs.Validate("follower.replication.throttled.replicas", value));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("a:1")]
    [InlineData("0:1,*")]
    [InlineData("-1:2")]
    public void Malformed_lists_are_refused(string value) =>
        Assert.NotNull(TopicConfigDefs.Validate("leader.replication.throttled.replicas", value));

    [Fact]
    public void Pairs_name_single_replicas_and_a_star_names_all()
    {
        var pairs = TopicConfig.Resolve(BrokerConfig.Default,
            new Dictionary<string, string> { ["leader.replication.throttled.replicas"] = "0:1,2:3", ["follower.replication.throttled.replicas"] = "*" });

        Assert.True(pairs.LeaderThrottledReplicas.Contains(0, 1));
        Assert.True(pairs.LeaderThrottledReplicas.Contains(2, 3));
        Assert.False(pairs.LeaderThrottledReplicas.Contains(0, 3));
        Assert.True(pairs.FollowerThrottledReplicas.Contains(7, 42));
        var none = TopicConfig.Resolve(BrokerConfig.Default);
        Assert.False(none.LeaderThrottledReplicas.Any);
        Assert.False(none.FollowerThrottledReplicas.Contains(0, 1));
    }
}
