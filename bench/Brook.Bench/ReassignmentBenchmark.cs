using System.Diagnostics;
using System.Globalization;
using System.Net;
using Brook.Client;
using Brook.Protocol.Messages;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.Bench;

/// <summary>
/// How long moving a partition's data to a new broker takes, unthrottled and with a replication throttle (KIP-73):
/// one RF=2 partition on brokers [1,2] is filled with --records x --record-size bytes, moved to [2,3] (broker 3 copies
/// everything), then, with leader/follower.replication.throttled.rate at --throttle-mb-s as the cluster-wide broker default and the
/// topic's throttled replicas at *, moved to [3,1] (broker 1, whose copy was deleted by the first move, copies it all
/// again). A move ends when ListPartitionReassignments no longer lists it.
/// </summary>
public static class ReassignmentBenchmark
{
    public static async Task<int> RunAsync(BenchOptions o, LocalBroker? cluster)
    {
        if (cluster is null || o.Brokers < 3)
        {
            Console.Error.WriteLine("error: reassign needs --start-broker --brokers 3 (or more), so the bench can add a replica");
            return 2;
        }
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = o.Bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = o.Topic, NumPartitions = 1, ReplicationFactor = -1, ReplicasAssignments = new() { [0] = [1, 2] },
        }]).ConfigureAwait(false);
        var megabytes = o.Records * (double)o.RecordSize / (1024 * 1024);
        Console.WriteLine($"reassign: filling {o.Topic}-0 on brokers [1,2] with {o.Records:N0} records x {o.RecordSize} B ({megabytes:F0} MB) ...");
        Fill(o);

        var first = o.Bootstrap.Split(',')[0].Split(':');
        await using var connection = await KafkaConnection.ConnectAsync(new IPEndPoint(IPAddress.Parse(first[0]), int.Parse(first[1], CultureInfo.InvariantCulture)))
            .ConfigureAwait(false);

        var free = await MoveAsync(connection, o.Topic, [2, 3]).ConfigureAwait(false);
        Console.WriteLine($"  unthrottled move [1,2] -> [2,3]: {free.TotalSeconds:F2} s, {megabytes / free.TotalSeconds:F1} MB/s");

        var rate = ((long)(o.ThrottleMBps * 1024 * 1024)).ToString(CultureInfo.InvariantCulture);
        // The cluster-wide broker default (an empty broker name), which these keys allow and Confluent's client cannot name.
        var altered = await connection.SendAsync<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>(new IncrementalAlterConfigsRequest
        {
            Resources =
            [
                new()
                {
                    ResourceType = DescribeConfigsRequest.ResourceTypeBroker,
                    ResourceName = "",
                    Configs =
                    [
                        new() { Name = "leader.replication.throttled.rate", ConfigOperation = IncrementalAlterConfigsRequest.OperationSet, Value = rate },
                        new() { Name = "follower.replication.throttled.rate", ConfigOperation = IncrementalAlterConfigsRequest.OperationSet, Value = rate },
                    ],
                },
            ],
        }, 1).ConfigureAwait(false);
        if (altered.Responses.Single().ErrorCode != 0) throw new InvalidOperationException($"setting the throttle failed: {altered.Responses.Single().ErrorMessage}");
        await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [new ConfigResource { Type = ResourceType.Topic, Name = o.Topic }] =
            [
                new() { Name = "leader.replication.throttled.replicas", Value = "*", IncrementalOperation = AlterConfigOpType.Set },
                new() { Name = "follower.replication.throttled.replicas", Value = "*", IncrementalOperation = AlterConfigOpType.Set },
            ],
        }).ConfigureAwait(false);
        var throttled = await MoveAsync(connection, o.Topic, [3, 1]).ConfigureAwait(false);
        Console.WriteLine($"  throttled move [2,3] -> [3,1] at {o.ThrottleMBps} MB/s: {throttled.TotalSeconds:F2} s, {megabytes / throttled.TotalSeconds:F1} MB/s");
        return 0;
    }

    private static void Fill(BenchOptions o)
    {
        var payload = new byte[o.RecordSize];
        new Random(42).NextBytes(payload);
        var message = new Message<Null, byte[]> { Value = payload };
        var failed = 0L;
        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = o.Bootstrap, Acks = Acks.Leader, LingerMs = 5, QueueBufferingMaxMessages = 1_000_000,
        }).Build();
        Action<DeliveryReport<Null, byte[]>> count = r => { if (r.Error.IsError) Interlocked.Increment(ref failed); };
        for (long i = 0; i < o.Records; i++) ProducerQueue.ProduceWhenQueued(producer, o.Topic, message, count); // one partition
        producer.Flush(TimeSpan.FromMinutes(10));
        if (failed > 0) throw new InvalidOperationException($"{failed} records were not acknowledged while filling the partition");
    }

    private static async Task<TimeSpan> MoveAsync(KafkaConnection connection, string topic, List<int> target)
    {
        var clock = Stopwatch.StartNew();
        var altered = await connection.SendAsync<AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse>(new AlterPartitionReassignmentsRequest
        {
            Topics = [new() { Name = topic, Partitions = [new() { PartitionIndex = 0, Replicas = target }] }],
        }, 0).ConfigureAwait(false);
        var result = altered.Responses.Single().Partitions.Single();
        if (result.ErrorCode != 0) throw new InvalidOperationException($"the reassignment was refused: error {result.ErrorCode} {result.ErrorMessage}");
        while (true)
        {
            var listed = await connection.SendAsync<ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse>(new ListPartitionReassignmentsRequest
            {
                Topics = [new() { Name = topic, PartitionIndexes = [0] }],
            }, 0).ConfigureAwait(false);
            if (listed.Topics.Count == 0) return clock.Elapsed;
            await Task.Delay(50).ConfigureAwait(false);
        }
    }
}
