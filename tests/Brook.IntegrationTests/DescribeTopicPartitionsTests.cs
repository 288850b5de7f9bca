using Brook.IntegrationTests.Infrastructure;
using Brook.IntegrationTests.Wire;
using Brook.Protocol.Messages;
using BrookError = Brook.Common.ErrorCode;

namespace Brook.IntegrationTests;

/// <summary>
/// DescribeTopicPartitions (KIP-966) against a real broker, as the Java Admin's describeTopics pages through it: topics in
/// name order, at most ResponsePartitionLimit partitions per response, continued from NextCursor until it is null.
/// </summary>
[Trait("Category", "Broker")]
public sealed class DescribeTopicPartitionsTests(DefaultBrokerFixture fixture) : IClassFixture<DefaultBrokerFixture>
{
    [Fact]
    public async Task Pages_follow_the_cursor_across_topics_and_unknown_names_are_reported()
    {
        var prefix = KafkaTestClient.UniqueTopic("dtp");
        var (a, b) = ($"{prefix}-a", $"{prefix}-b");
        await KafkaTestClient.CreateTopicAsync(fixture.BootstrapServers, a, 5);
        await KafkaTestClient.CreateTopicAsync(fixture.BootstrapServers, b, 2);
        using var client = await ProtocolClient.ConnectAsync(fixture.Broker.Port);
        var missing = $"{prefix}-missing";

        async Task<DescribeTopicPartitionsResponse> Page(DescribeTopicPartitionsCursor? cursor) =>
            await client.SendAsync<DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse>(new DescribeTopicPartitionsRequest
            {
                // Out of order on purpose: the answer is in name order.
                Topics = [new() { Name = b }, new() { Name = missing }, new() { Name = a }],
                ResponsePartitionLimit = 3,
                Cursor = cursor,
            }, 0);

        var seen = new List<(string, int)>();
        var first = await Page(null);
        Assert.Equal([a], first.Topics.Select(t => t.Name));
        Assert.Equal(new DescribeTopicPartitionsCursor { TopicName = a, PartitionIndex = 3 }, first.NextCursor);
        var second = await Page(first.NextCursor);
        Assert.Equal(new DescribeTopicPartitionsCursor { TopicName = b, PartitionIndex = 1 }, second.NextCursor);
        var third = await Page(second.NextCursor);
        Assert.Null(third.NextCursor);
        Assert.Equal(BrookError.UnknownTopicOrPartition, (BrookError)third.Topics.Single(t => t.Name == missing).ErrorCode);
        foreach (var topic in new[] { first, second, third }.SelectMany(r => r.Topics).Where(t => t.ErrorCode == 0))
        {
            Assert.False(topic.TopicId.IsZero);
            foreach (var p in topic.Partitions)
            {
                seen.Add((topic.Name!, p.PartitionIndex));
                Assert.Equal(BrokerProcess.DefaultNodeId, p.LeaderId);
                Assert.Equal([BrokerProcess.DefaultNodeId], p.ReplicaNodes);
                Assert.Equal([BrokerProcess.DefaultNodeId], p.IsrNodes);
                Assert.Empty(p.OfflineReplicas);
            }
        }
        Assert.Equal([(a, 0), (a, 1), (a, 2), (a, 3), (a, 4), (b, 0), (b, 1)], seen);

        // A cursor on a topic that was not asked for is refused.
        var refused = await client.SendAsync<DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse>(new DescribeTopicPartitionsRequest
        {
            Topics = [new() { Name = a }],
            Cursor = new DescribeTopicPartitionsCursor { TopicName = b, PartitionIndex = 0 },
        }, 0);
        Assert.Equal(BrookError.InvalidRequest, (BrookError)Assert.Single(refused.Topics).ErrorCode);
    }
}
