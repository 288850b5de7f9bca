using System.Diagnostics;
using Brook.IntegrationTests.Infrastructure;
using Brook.IntegrationTests.Wire;
using Brook.Protocol.Messages;
using Confluent.Kafka;
using BrookError = Brook.Common.ErrorCode;

namespace Brook.IntegrationTests;

/// <summary>
/// KIP-848: a member that dies without leaving (here a raw-protocol member that simply stops heartbeating, as a killed
/// process does) keeps its partitions until group.consumer.session.timeout.ms, then they move to the live member.
/// </summary>
[Trait("Category", "Broker")]
public sealed class ConsumerProtocolFailureTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private BrokerLogReporter? _log;

    public ConsumerProtocolFailureTests(ITestOutputHelper output)
    {
        Librdkafka.EnsureLoaded();
        _output = output;
    }

    public void Dispose() => _log?.Dispose();

    [Fact]
    public async Task A_member_that_stops_heartbeating_loses_its_partitions_after_the_session_timeout()
    {
        await using var broker = await BrokerProcess.StartAsync("kip848-failure", new Dictionary<string, string>
        {
            ["group.consumer.session.timeout.ms"] = "3000",
            ["group.consumer.heartbeat.interval.ms"] = "500",
        });
        _log = new BrokerLogReporter(broker, _output);
        var topic = KafkaTestClient.UniqueTopic("k848dead");
        await KafkaTestClient.CreateTopicAsync(broker.BootstrapServers, topic, 6);
        var group = $"k848-{Guid.NewGuid():N}";

        // The doomed member joins first over the raw protocol and takes every partition.
        using var raw = await ProtocolClient.ConnectAsync(broker.Port);
        var memberId = Guid.NewGuid().ToString("N");
        ConsumerGroupHeartbeatResponse hb;
        var clock = Stopwatch.StartNew();
        do
        {
            hb = await raw.SendAsync<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse>(new ConsumerGroupHeartbeatRequest
            {
                GroupId = group,
                MemberId = memberId,
                MemberEpoch = 0,
                RebalanceTimeoutMs = 30_000,
                SubscribedTopicNames = [topic],
                TopicPartitions = [],
            }, 1);
            if (hb.ErrorCode is (short)BrookError.CoordinatorNotAvailable or (short)BrookError.CoordinatorLoadInProgress) await Task.Delay(100);
        } while (hb.ErrorCode is (short)BrookError.CoordinatorNotAvailable or (short)BrookError.CoordinatorLoadInProgress && clock.Elapsed < TimeSpan.FromSeconds(20));
        Assert.Equal((short)BrookError.None, hb.ErrorCode);
        Assert.Equal(6, hb.Assignment!.TopicPartitions.Sum(t => t.Partitions.Count));

        // Now the live member joins; the raw member never heartbeats again, so it never releases its partitions.
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = group,
            GroupProtocol = GroupProtocol.Consumer,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe(topic);
        var joined = Stopwatch.StartNew();
        TimeSpan? firstAssignment = null;
        while (consumer.Assignment.Count < 6 && joined.Elapsed < TimeSpan.FromSeconds(30))
        {
            consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (consumer.Assignment.Count > 0) firstAssignment ??= joined.Elapsed;
        }
        Assert.Equal(6, consumer.Assignment.Count);
        // Partitions still owned by the silent member cannot move before its session expires.
        Assert.True(joined.Elapsed >= TimeSpan.FromSeconds(2), $"all partitions moved after only {joined.Elapsed}");
        consumer.Close();
    }
}
