using Brook.IntegrationTests.Wire;
using Brook.Protocol.Messages;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// Asks a cluster's nodes about its state over the Kafka protocol from the test process (who coordinates a key, who
/// leads the quorum, what one node's metadata says about a topic), so fail-over tests can pick their victims and
/// check each node's view without a client library's caching in between.
/// </summary>
public static class ClusterProbe
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// FindCoordinator (v4, batched keys) for one group or transactional id, asked of each running unpaused node in
    /// turn until one answers without error; -1 if none does. The first ask creates the internal topic, so callers poll.
    /// </summary>
    public static async Task<int> CoordinatorAsync(ClusterProcess cluster, string key, sbyte keyType)
    {
        foreach (var node in cluster.Nodes.Where(n => n.IsRunning && !n.IsPaused))
        {
            try
            {
                using var client = await node.ConnectAsync(ClusterListener.Client).ConfigureAwait(false);
                var response = await client.SendAsync<FindCoordinatorRequest, FindCoordinatorResponse>(
                    new FindCoordinatorRequest { KeyType = keyType, CoordinatorKeys = [key] }, 4, RequestTimeout).ConfigureAwait(false);
                if (response.Coordinators is [{ ErrorCode: 0, NodeId: >= 0 } c]) return c.NodeId;
            }
            catch (Exception e) when (IsUnreachable(e))
            {
                // dead, starting or cut off: ask the next node
            }
        }
        return -1;
    }

    /// <summary>Leader id and epoch of the KRaft quorum as the first answering node (other than <paramref name="exclude"/>) reports it; (-1, -1) if none.</summary>
    public static async Task<(int Leader, int Epoch)> QuorumLeaderAsync(ClusterProcess cluster, int exclude = -1)
    {
        foreach (var node in cluster.Nodes.Where(n => n.NodeId != exclude && n.IsRunning && !n.IsPaused))
        {
            if (await DescribeQuorumAsync(node).ConfigureAwait(false) is { LeaderId: >= 0 } p) return (p.LeaderId, p.LeaderEpoch);
        }
        return (-1, -1);
    }

    /// <summary>DescribeQuorum on the node's controller listener (forwarded to the leader by a follower); null if it does not answer.</summary>
    public static async Task<DescribeQuorumResponse.PartitionData?> DescribeQuorumAsync(ClusterNode node)
    {
        try
        {
            using var client = await node.ConnectAsync(ClusterListener.Controller).ConfigureAwait(false);
            var response = await client.SendAsync<DescribeQuorumRequest, DescribeQuorumResponse>(new DescribeQuorumRequest
            {
                Topics = [new() { TopicName = "__cluster_metadata", Partitions = [new() { PartitionIndex = 0 }] }],
            }, 2, RequestTimeout).ConfigureAwait(false);
            return response.ErrorCode == 0 ? response.Topics.SelectMany(t => t.Partitions).FirstOrDefault(p => p.ErrorCode == 0) : null;
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            return null;
        }
    }

    /// <summary>What <paramref name="node"/>'s own metadata image says about <paramref name="topic"/> (Metadata v12); null when it does not answer.</summary>
    public static async Task<MetadataResponse.MetadataResponseTopic?> TopicAsync(ClusterNode node, string topic)
    {
        try
        {
            using var client = await node.ConnectAsync(ClusterListener.Client).ConfigureAwait(false);
            var metadata = await client.SendAsync<MetadataRequest, MetadataResponse>(new MetadataRequest
            {
                Topics = [new MetadataRequest.MetadataRequestTopic { Name = topic }],
                AllowAutoTopicCreation = false,
            }, 12, RequestTimeout).ConfigureAwait(false);
            return metadata.Topics.SingleOrDefault(t => t.Name == topic);
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            return null;
        }
    }

    /// <summary>
    /// One partition as <paramref name="node"/> describes it with DescribeTopicPartitions (KIP-966: the ISR with the
    /// eligible leader replicas and the last known leader); throws when the node does not know it.
    /// </summary>
    public static async Task<DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponsePartition> DescribeTopicPartitionAsync(
        ClusterNode node, string topic, int partition)
    {
        using var client = await node.ConnectAsync(ClusterListener.Client).ConfigureAwait(false);
        var response = await client.SendAsync<DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse>(new DescribeTopicPartitionsRequest
        {
            Topics = [new() { Name = topic }],
            ResponsePartitionLimit = 2000,
        }, 0, RequestTimeout).ConfigureAwait(false);
        var t = Assert.Single(response.Topics);
        Assert.Equal(0, t.ErrorCode);
        return t.Partitions.Single(p => p.PartitionIndex == partition);
    }

    /// <summary>Leader and leader epoch of one partition as the first answering node sees it; (-1, -1) when unknown.</summary>
    public static async Task<(int Leader, int Epoch)> LeaderAsync(ClusterProcess cluster, string topic, int partition, int exclude = -1)
    {
        foreach (var node in cluster.Nodes.Where(n => n.NodeId != exclude && n.IsRunning && !n.IsPaused))
        {
            if (await TopicAsync(node, topic).ConfigureAwait(false) is { ErrorCode: 0 } t
                && t.Partitions.FirstOrDefault(p => p.PartitionIndex == partition) is { } p)
                return (p.LeaderId, p.LeaderEpoch);
        }
        return (-1, -1);
    }

    /// <summary>Waits until every running node's metadata lists <paramref name="topic"/> with all partitions led and a full ISR of <paramref name="isr"/>.</summary>
    public static Task WaitForTopicEverywhereAsync(ClusterProcess cluster, string topic, int partitions, int isr, TimeSpan within) =>
        Eventually.HoldsAsync(async () =>
        {
            foreach (var node in cluster.Nodes.Where(n => n.IsRunning && !n.IsPaused))
            {
                var t = await TopicAsync(node, topic).ConfigureAwait(false);
                if (t is not { ErrorCode: 0 } || t.Partitions.Count != partitions
                    || t.Partitions.Any(p => p.LeaderId < 0 || p.IsrNodes.Count < isr)) return false;
            }
            return true;
        }, $"{topic} did not reach every node with {partitions} led partitions and {isr} in-sync replicas", within);

    /// <summary>
    /// Waits until every node's metadata lists all of the cluster's brokers, i.e. every broker is registered and
    /// unfenced again (a fenced broker is not listed): the state a fault test must start from.
    /// </summary>
    public static Task WaitForAllBrokersAsync(ClusterProcess cluster, TimeSpan within) =>
        Eventually.HoldsAsync(async () =>
        {
            foreach (var node in cluster.Nodes)
            {
                using var client = await node.ConnectAsync(ClusterListener.Client).ConfigureAwait(false);
                var metadata = await client.SendAsync<MetadataRequest, MetadataResponse>(new MetadataRequest { Topics = [] }, 12, RequestTimeout)
                    .ConfigureAwait(false);
                if (metadata.Brokers.Count != cluster.Nodes.Count) return false;
            }
            return true;
        }, "not every node lists every broker", within);

    private static bool IsUnreachable(Exception e) =>
        e is IOException or TimeoutException or System.Net.Sockets.SocketException or Brook.Client.KafkaConnectionException
            or OperationCanceledException or InvalidDataException;
}
