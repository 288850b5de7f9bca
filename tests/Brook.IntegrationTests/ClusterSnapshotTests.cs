using Brook.IntegrationTests.Infrastructure;
using Brook.Protocol.Messages;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.IntegrationTests;

/// <summary>
/// Metadata snapshots (KIP-630) with real processes: with a tiny metadata.log.max.record.bytes.between.snapshots the
/// voters snapshot and trim <c>__cluster_metadata</c> while a node is down; the node comes back below the leader's log
/// start, fetches the snapshot (FetchSnapshot), loads it and serves the same topics, ids and configs as the others; a
/// node killed with SIGKILL restarts from its own snapshot.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterSnapshotTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ANodeThatMissedTrimmedMetadataCatchesUpFromASnapshotAndRestartsFromItsOwn()
    {
        await using var cluster = await ClusterProcess.StartAsync("snapshots", new ClusterOptions
        {
            ReadyOn = ClusterListener.Client,
            Overrides = [new("metadata.log.max.record.bytes.between.snapshots", "2048")],
        });
        using var logs = new ClusterLogReporter(cluster, output);
        var lagging = cluster.Node(3);
        var others = cluster.Nodes.Where(n => n != lagging).ToList();
        Assert.Equal(0, await lagging.StopAsync());

        // Enough metadata for several snapshots (each topic is a TopicRecord, its partitions and its config).
        var bootstrap = string.Join(',', others.Select(n => n.BootstrapServers));
        var topics = Enumerable.Range(0, 12).Select(i => KafkaTestClient.UniqueTopic($"snap{i}")).ToList();
        using (var admin = KafkaTestClient.CreateAdmin(bootstrap))
        {
            await admin.CreateTopicsAsync(topics.Select(t => new TopicSpecification
            {
                Name = t,
                NumPartitions = 3,
                ReplicationFactor = 2,
                Configs = new() { ["retention.ms"] = "123456789" },
            }));
        }
        await Eventually.HoldsAsync(() => others.All(n => n.Log.Contains("created snapshot")), "the running voters wrote no snapshot", Patience);
        var expected = await TopicIdsAsync(others[0], topics);

        await lagging.RestartAsync();
        await Eventually.HoldsAsync(async () => (await TopicIdsAsync(lagging, topics)).SequenceEqual(expected),
            "the restarted node does not serve the topics created while it was down", Patience);
        Assert.Contains("fetching snapshot", lagging.Log);
        Assert.Contains("installed snapshot", lagging.Log);
        Assert.Contains("Loaded the metadata snapshot", lagging.Log);
        Assert.Equal("123456789", await TopicConfigAsync(lagging, topics[^1], "retention.ms"));

        // A node killed outright loads its own newest snapshot and replays only the log after it.
        var killed = others[0];
        killed.Kill();
        await killed.RestartAsync();
        await Eventually.HoldsAsync(async () => (await TopicIdsAsync(killed, topics)).SequenceEqual(expected),
            "the killed node lost topics after restarting from its snapshot", Patience);
        Assert.Contains("Loaded the metadata snapshot", killed.Log[killed.Log.LastIndexOf("killed with SIGKILL", StringComparison.Ordinal)..]);

        // The cluster still works end to end after all that.
        await KafkaTestClient.AssertProduceConsumeWorksAsync(cluster.BootstrapServers);
    }

    /// <summary>Each topic's id as the node's own Metadata answer gives it (empty id: the node does not know the topic).</summary>
    private static async Task<List<Brook.Common.Uuid>> TopicIdsAsync(ClusterNode node, IReadOnlyList<string> topics)
    {
        using var client = await node.ConnectAsync(ClusterListener.Client);
        var metadata = await client.SendAsync<MetadataRequest, MetadataResponse>(
            new MetadataRequest { Topics = [.. topics.Select(t => new MetadataRequest.MetadataRequestTopic { Name = t })] }, 12);
        return [.. topics.Select(t => metadata.Topics.SingleOrDefault(x => x.Name == t) is { ErrorCode: 0, Partitions.Count: 3 } found ? found.TopicId : default)];
    }

    private static async Task<string?> TopicConfigAsync(ClusterNode node, string topic, string key)
    {
        using var client = await node.ConnectAsync(ClusterListener.Client);
        var described = await client.SendAsync<DescribeConfigsRequest, DescribeConfigsResponse>(new DescribeConfigsRequest
        {
            Resources = [new() { ResourceType = 2, ResourceName = topic, ConfigurationKeys = [key] }],
        }, 4);
        return Assert.Single(described.Results).Configs.SingleOrDefault(c => c.Name == key)?.Value;
    }
}
