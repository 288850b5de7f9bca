using Brook.IntegrationTests.Infrastructure;
using Brook.Protocol.Messages;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using BrookError = Brook.Common.ErrorCode;

namespace Brook.IntegrationTests;

/// <summary>
/// Several log directories per broker (JBOD, KIP-858) on three real combined nodes: node 2 keeps half of a topic's
/// partitions on a small file system of its own (a loop-mounted ext4 image). An idempotent acks=all stream runs over
/// every partition while a second one fills that file system. When it is full: node 2 marks the directory offline,
/// the controller moves leadership and ISR membership off node 2's replicas there (and only there), DescribeLogDirs
/// shows the directory with KAFKA_STORAGE_ERROR, node 2 keeps serving its other directory, the streams go on, and every
/// acknowledged record of both is read back exactly once at its offset.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterLogDirFailureTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const int FailingNode = 2;
    private const int FilesystemMegabytes = 16;
    private const int FillerRecordBytes = 32 * 1024;

    [SmallFilesystemFact]
    public async Task A_full_log_directory_goes_offline_its_leaders_move_and_the_other_directory_keeps_serving()
    {
        using var small = SmallFilesystem.Create(FilesystemMegabytes);
        output.WriteLine($"small log directory: {small.Kind}, {FilesystemMegabytes} MiB at {small.MountPoint}");
        var smallDir = Path.Combine(small.MountPoint, "logs");
        await using var cluster = await ClusterProcess.StartAsync("jbod", new ClusterOptions
        {
            ReadyOn = ClusterListener.Client,
            Overrides = FailoverClusterFixture.NodeOverrides,
            ExtraLogDirs = id => id == FailingNode ? [smallDir] : [],
        });
        using var logs = new ClusterLogReporter(cluster, output);
        var node = cluster.Node(FailingNode);

        var topic = KafkaTestClient.UniqueTopic("jbod");
        using (var admin = KafkaTestClient.CreateAdmin(cluster.BootstrapServers))
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic, NumPartitions = 4, ReplicationFactor = 3, Configs = new() { ["min.insync.replicas"] = "2" },
            }]);
        }
        await ClusterProbe.WaitForTopicEverywhereAsync(cluster, topic, 4, 3, Patience);
        var partitions = KafkaTestClient.Partitions(topic, 4).ToList();
        // The fewest-partitions rule puts two partitions in each of node 2's directories.
        var onSmall = partitions.Where(p => Directory.Exists(Path.Combine(smallDir, $"{topic}-{p.Partition.Value}"))).ToList();
        var onData = partitions.Except(onSmall).ToList();
        Assert.Equal(2, onSmall.Count);
        Assert.All(onData, p => Assert.True(Directory.Exists(Path.Combine(node.DataDirectory, $"{topic}-{p.Partition.Value}"))));

        var ledger = new AcknowledgedRecordLedger();
        var fillerLedger = new AcknowledgedRecordLedger();
        await using (var stream = new NumberedStreamProducer(IdempotentConfig(cluster), ledger, partitions))
        await using (var filler = new NumberedStreamProducer(IdempotentConfig(cluster), fillerLedger, onSmall,
            NumberedStreamProducer.PaddedValueOf('f', FillerRecordBytes)))
        {
            stream.Start();
            await Eventually.HoldsAsync(() => ledger.AcknowledgedCount >= 200, "the stream did not get going", Patience);
            // About 3 MiB/s into the small directory's partitions: full within seconds.
            filler.Start(perTick: 10, tick: TimeSpan.FromMilliseconds(100));
            await Eventually.HoldsAsync(() => cluster.Log.Contains("is offline"), "node 2's small log directory never went offline", Patience);
            await Eventually.HoldsAsync(() => fillerLedger.AcknowledgedCount > 0, "no filler record was acknowledged", Patience);
            output.WriteLine($"directory offline after {fillerLedger.AcknowledgedCount} filler records acknowledged");

            // The controller took node 2 out of the ISRs of its replicas there and moved their leadership.
            await Eventually.HoldsAsync(async () =>
            {
                foreach (var n in cluster.Nodes)
                {
                    if (await ClusterProbe.TopicAsync(n, topic) is not { ErrorCode: 0 } t) return false;
                    foreach (var tp in onSmall)
                    {
                        var p = t.Partitions.Single(x => x.PartitionIndex == tp.Partition.Value);
                        if (p.LeaderId == FailingNode || p.LeaderId < 0 || p.IsrNodes.Contains(FailingNode)) return false;
                    }
                }
                return true;
            }, "leadership and ISR membership did not leave node 2's replicas in the failed directory", Patience);

            // Its other directory keeps serving: node 2 stays in the ISR of the partitions there, and the stream goes on.
            var acked = ledger.AcknowledgedCount;
            await Eventually.HoldsAsync(() => ledger.AcknowledgedCount >= acked + 300, "producing did not go on after the directory failed", Patience);
            var described = await DescribeLogDirsAsync(node);
            var failed = described.Single(r => r.LogDir == Path.GetFullPath(smallDir));
            Assert.Equal((short)BrookError.KafkaStorageError, failed.ErrorCode);
            var healthy = described.Single(r => r.LogDir == Path.GetFullPath(node.DataDirectory));
            Assert.Equal(0, healthy.ErrorCode);
            Assert.True(healthy.TotalBytes > 0 && healthy.UsableBytes > 0);
            Assert.Equal(onData.Select(p => p.Partition.Value).Order(),
                healthy.Topics.Where(t => t.Name == topic).SelectMany(t => t.Partitions).Select(p => p.PartitionIndex).Order());
            var metadata = await ClusterProbe.TopicAsync(cluster.Node(1), topic);
            Assert.All(onData, tp => Assert.Contains(FailingNode, metadata!.Partitions.Single(x => x.PartitionIndex == tp.Partition.Value).IsrNodes));

            Assert.Equal(0, await filler.StopAsync(Patience));
            Assert.Equal(0, await stream.StopAsync(Patience));
        }

        ledger.AssertOnlyRetriableFailures();
        fillerLedger.AssertOnlyRetriableFailures();
        await ledger.VerifyReadBackAsync(cluster.BootstrapServers, partitions);
        await fillerLedger.VerifyReadBackAsync(cluster.BootstrapServers, onSmall);
        Assert.Contains($"reports log directories", cluster.Log);
        Assert.True(node.IsRunning, "node 2 must keep running with one directory offline");
    }

    /// <summary>
    /// AlterReplicaLogDirs on a real node with two log directories: a replica with a few megabytes moves to the other
    /// directory while an idempotent acks=all stream keeps writing to it; DescribeLogDirs lists it there afterwards
    /// (and as a future replica while the copy runs, if caught), the node stays in the ISR, and every acknowledged
    /// record is read back once. A path that is not one of log.dirs gets LOG_DIR_NOT_FOUND.
    /// </summary>
    [Fact]
    public async Task A_replica_moves_to_another_log_directory_under_load()
    {
        var second = Path.Combine(Path.GetTempPath(), "brook-it", $"second-logdir-{Guid.NewGuid():N}");
        try
        {
            await MoveUnderLoadAsync(second);
        }
        finally
        {
            if (Directory.Exists(second)) Directory.Delete(second, recursive: true);
        }
    }

    private async Task MoveUnderLoadAsync(string second)
    {
        await using var cluster = await ClusterProcess.StartAsync("logmove", new ClusterOptions
        {
            ReadyOn = ClusterListener.Client,
            Overrides = FailoverClusterFixture.NodeOverrides,
            ExtraLogDirs = id => id == FailingNode ? [second] : [],
        });
        using var logs = new ClusterLogReporter(cluster, output);
        var node = cluster.Node(FailingNode);
        var topic = KafkaTestClient.UniqueTopic("logmove");
        using (var admin = KafkaTestClient.CreateAdmin(cluster.BootstrapServers))
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 3 }]);
        await ClusterProbe.WaitForTopicEverywhereAsync(cluster, topic, 1, 3, Patience);
        var partitions = KafkaTestClient.Partitions(topic, 1).ToList();

        var dirs = await DescribeLogDirsAsync(node);
        Assert.Equal(2, dirs.Count);
        var from = dirs.Single(d => d.Topics.Any(t => t.Name == topic)).LogDir;
        var to = dirs.Single(d => d.LogDir != from).LogDir;

        var ledger = new AcknowledgedRecordLedger();
        var fillerLedger = new AcknowledgedRecordLedger();
        var sawFuture = false;
        await using (var stream = new NumberedStreamProducer(IdempotentConfig(cluster), ledger, partitions))
        {
            // A few megabytes first, so the copy takes a moment.
            await using (var filler = new NumberedStreamProducer(IdempotentConfig(cluster), fillerLedger, partitions,
                NumberedStreamProducer.PaddedValueOf('f', FillerRecordBytes)))
            {
                filler.Start(perTick: 20, tick: TimeSpan.FromMilliseconds(20));
                await Eventually.HoldsAsync(() => fillerLedger.AcknowledgedCount >= 200, "the filler did not get going", Patience);
                Assert.Equal(0, await filler.StopAsync(Patience));
            }
            stream.Start();
            await Eventually.HoldsAsync(() => ledger.AcknowledgedCount >= 200, "the stream did not get going", Patience);

            Assert.Equal(BrookError.LogDirNotFound, await AlterReplicaLogDirAsync(node, "/nowhere", topic));
            Assert.Equal(BrookError.None, await AlterReplicaLogDirAsync(node, to, topic));
            await Eventually.HoldsAsync(async () =>
            {
                var now = await DescribeLogDirsAsync(node);
                sawFuture |= now.Single(d => d.LogDir == to).Topics.Any(t => t.Name == topic && t.Partitions.Any(p => p.IsFutureKey));
                var there = now.Single(d => d.LogDir == to).Topics.Any(t => t.Name == topic && t.Partitions.Any(p => !p.IsFutureKey));
                var gone = !now.Single(d => d.LogDir == from).Topics.Any(t => t.Name == topic && t.Partitions.Count > 0);
                return there && gone;
            }, "the replica did not move to the other log directory", Patience);
            Assert.False(Directory.Exists(Path.Combine(from, $"{topic}-0")));
            Assert.True(Directory.Exists(Path.Combine(to, $"{topic}-0")));

            var acked = ledger.AcknowledgedCount;
            await Eventually.HoldsAsync(() => ledger.AcknowledgedCount >= acked + 200, "producing did not go on after the move", Patience);
            await ClusterProbe.WaitForTopicEverywhereAsync(cluster, topic, 1, 3, Patience);
            Assert.Equal(0, await stream.StopAsync(Patience));
        }
        output.WriteLine($"moved {topic}-0 on node {FailingNode} from {from} to {to}; future replica seen in DescribeLogDirs: {sawFuture}");
        ledger.AssertOnlyRetriableFailures();
        await ledger.VerifyReadBackAsync(cluster.BootstrapServers, partitions);
        await fillerLedger.VerifyReadBackAsync(cluster.BootstrapServers, partitions);
        Assert.Contains($"Moved {topic}-0 to {to}", cluster.Log);
    }

    private static async Task<BrookError> AlterReplicaLogDirAsync(ClusterNode node, string path, string topic)
    {
        using var client = await node.ConnectAsync(ClusterListener.Client);
        var response = await client.SendAsync<AlterReplicaLogDirsRequest, AlterReplicaLogDirsResponse>(new AlterReplicaLogDirsRequest
        {
            Dirs = [new() { Path = path, Topics = [new() { Name = topic, Partitions = [0] }] }],
        }, 2);
        return (BrookError)Assert.Single(Assert.Single(response.Results).Partitions).ErrorCode;
    }

    private static ProducerConfig IdempotentConfig(ClusterProcess cluster)
    {
        var config = KafkaTestClient.ProducerConfig(cluster.BootstrapServers);
        config.EnableIdempotence = true;
        config.MessageTimeoutMs = 60_000;
        return config;
    }

    private static async Task<List<DescribeLogDirsResponse.DescribeLogDirsResult>> DescribeLogDirsAsync(ClusterNode node)
    {
        using var client = await node.ConnectAsync(ClusterListener.Client);
        var response = await client.SendAsync<DescribeLogDirsRequest, DescribeLogDirsResponse>(new DescribeLogDirsRequest(), 4);
        Assert.Equal(0, response.ErrorCode);
        return response.Results;
    }
}
