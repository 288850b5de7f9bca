using Brook.Common;
using Microsoft.Extensions.Time.Testing;

namespace Brook.Coordination.Tests;

/// <summary>
/// A client of the KIP-848 protocol as the tests drive it: it consumes exactly the partitions its last response gave
/// it, and reports them in its next heartbeat (a real consumer revokes before it acknowledges; here that is instant).
/// </summary>
public sealed class SimulatedConsumer(string groupId, string memberId, IReadOnlyList<string> topics, string? instanceId = null)
{
    public string GroupId { get; } = groupId;
    public string MemberId { get; set; } = memberId;
    public IReadOnlyList<string> Topics { get; set; } = topics;
    public string? InstanceId { get; } = instanceId;
    public string? ServerAssignor { get; init; }
    public int RebalanceTimeoutMs { get; init; } = 30_000;
    public int Epoch { get; set; }
    public PartitionAssignment Owned { get; set; } = PartitionAssignment.Empty;

    /// <summary>What the coordinator last heard this consumer owns.</summary>
    public PartitionAssignment Reported { get; set; } = PartitionAssignment.Empty;

    public bool Active { get; set; } = true;
}

/// <summary>A coordinator with fake time, an in-memory log and topic catalogue, every partition loaded, plus a client simulation.</summary>
public sealed class ConsumerGroupHarness : IDisposable
{
    public const int Partitions = 4;
    public const int SessionTimeoutMs = 45_000;
    public const int HeartbeatIntervalMs = 5_000;

    public FakeTimeProvider Time { get; }
    public MemoryGroupLog Log { get; }
    public FakeTopics Topics { get; }
    public GroupCoordinator Coordinator { get; }

    /// <summary>Every consumer the test created, for the no-double-ownership check.</summary>
    public List<SimulatedConsumer> Consumers { get; } = [];

    public ConsumerGroupHarness(FakeTopics? topics = null, FakeTimeProvider? time = null, MemoryGroupLog? log = null, bool load = true)
    {
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Log = log ?? new MemoryGroupLog();
        Topics = topics ?? new FakeTopics();
        Coordinator = new GroupCoordinator(Options, Log, Time, topics: Topics);
        if (load)
        {
            for (var p = 0; p < Partitions; p++)
            {
                Coordinator.BeginLoading(p);
                Coordinator.CompleteLoading(p);
            }
        }
    }

    public static GroupCoordinatorOptions Options => new()
    {
        OffsetsTopicPartitions = Partitions,
        OffsetsRetentionCheckIntervalMs = 0,
        ConsumerGroupSessionTimeoutMs = SessionTimeoutMs,
        ConsumerGroupHeartbeatIntervalMs = HeartbeatIntervalMs,
    };

    /// <summary>A fresh coordinator fed every record of this one's log, as a broker restart does.</summary>
    public ConsumerGroupHarness Reload()
    {
        var fresh = new ConsumerGroupHarness(Topics, Time, load: false);
        for (var p = 0; p < Partitions; p++)
        {
            fresh.Coordinator.BeginLoading(p);
            foreach (var (key, value) in Log.Records(p)) fresh.Coordinator.Replay(p, key, value, isTombstone: value is null);
            fresh.Coordinator.CompleteLoading(p);
        }
        // The fresh coordinator appends to its own log from here; copy what is there so a second reload sees it all.
        foreach (var p in Log.Partitions)
            foreach (var r in Log.Records(p)) fresh.Log.AppendAsync(p, [r], CancellationToken.None).AsTask().Wait();
        return fresh;
    }

    public void Advance(int ms) => Time.Advance(TimeSpan.FromMilliseconds(ms));

    public SimulatedConsumer NewConsumer(string group, params string[] topics) => NewConsumer(group, null, null, topics);

    public SimulatedConsumer NewConsumer(string group, string? instanceId, string? assignor, params string[] topics)
    {
        var c = new SimulatedConsumer(group, Uuid.NewRandom().ToString(), topics, instanceId) { ServerAssignor = assignor };
        Consumers.Add(c);
        return c;
    }

    /// <summary>The first heartbeat (epoch 0): subscription, rebalance timeout and an empty owned list.</summary>
    public async Task<ConsumerGroupHeartbeatResult> Join(SimulatedConsumer c)
    {
        c.Owned = PartitionAssignment.Empty;
        c.Epoch = 0;
        var result = await Coordinator.ConsumerGroupHeartbeatAsync(new ConsumerGroupHeartbeatArgs
        {
            GroupId = c.GroupId,
            MemberId = c.MemberId,
            MemberEpoch = 0,
            InstanceId = c.InstanceId,
            RebalanceTimeoutMs = c.RebalanceTimeoutMs,
            SubscribedTopicNames = c.Topics,
            ServerAssignor = c.ServerAssignor,
            OwnedPartitions = PartitionAssignment.Empty,
            ClientId = "client",
            ClientHost = "/127.0.0.1",
        });
        Apply(c, result, PartitionAssignment.Empty);
        return result;
    }

    /// <summary>A regular heartbeat reporting what the consumer owns; the response's assignment replaces it.</summary>
    public async Task<ConsumerGroupHeartbeatResult> Beat(SimulatedConsumer c, IReadOnlyList<string>? newTopics = null)
    {
        if (newTopics is not null) c.Topics = newTopics;
        var owned = c.Owned;
        var result = await Coordinator.ConsumerGroupHeartbeatAsync(new ConsumerGroupHeartbeatArgs
        {
            GroupId = c.GroupId,
            MemberId = c.MemberId,
            MemberEpoch = c.Epoch,
            InstanceId = c.InstanceId,
            SubscribedTopicNames = newTopics,
            OwnedPartitions = owned,
            ClientId = "client",
            ClientHost = "/127.0.0.1",
        });
        Apply(c, result, owned);
        return result;
    }

    public async Task<ConsumerGroupHeartbeatResult> Leave(SimulatedConsumer c, int epoch = ConsumerGroupHeartbeatArgs.LeaveEpoch)
    {
        var result = await Coordinator.ConsumerGroupHeartbeatAsync(new ConsumerGroupHeartbeatArgs
        {
            GroupId = c.GroupId,
            MemberId = c.MemberId,
            MemberEpoch = epoch,
            InstanceId = c.InstanceId,
        });
        if (result.Error == ErrorCode.None)
        {
            c.Active = false;
            c.Owned = PartitionAssignment.Empty;
        }
        return result;
    }

    private void Apply(SimulatedConsumer c, ConsumerGroupHeartbeatResult result, PartitionAssignment reported)
    {
        if (result.Error != ErrorCode.None) return;
        c.Reported = reported;
        if (result.MemberId is { } id) c.MemberId = id;
        c.Epoch = result.MemberEpoch;
        c.Active = true;
        if (result.Assignment is not { } assignment) return;
        // A partition may reach this consumer only once every other live consumer has told the coordinator it gave it up.
        foreach (var other in Consumers.Where(o => o != c && o.Active && o.GroupId == c.GroupId))
        {
            foreach (var (topic, p) in assignment.All())
            {
                Assert.False(other.Owned.Contains(topic, p), $"partition {topic}-{p} given to {c.MemberId} while {other.MemberId} still consumes it");
                Assert.False(other.Reported.Contains(topic, p), $"partition {topic}-{p} given to {c.MemberId} before {other.MemberId} reported releasing it");
            }
        }
        c.Owned = assignment;
    }

    /// <summary>Heartbeats every active consumer of the group, round after round (at least one), until the group is Stable.</summary>
    public async Task<DescribedConsumerGroup> Converge(string group, int maxRounds = 20)
    {
        for (var round = 0; round < maxRounds; round++)
        {
            foreach (var c in Consumers.Where(c => c.GroupId == group && c.Active).ToList())
                Assert.Equal(ErrorCode.None, (await Beat(c)).Error);
            var described = Describe(group);
            if (described.State == GroupState.Stable && described.Members.All(m => m.MemberEpoch == described.AssignmentEpoch) &&
                Consumers.Where(c => c.GroupId == group && c.Active).All(c => c.Epoch == described.AssignmentEpoch))
                return described;
        }
        Assert.Fail($"group {group} did not converge: {Describe(group).State}");
        return null!;
    }

    public DescribedConsumerGroup Describe(string group) => Coordinator.DescribeConsumerGroups([group])[0];

    public int CountOf(SimulatedConsumer c) => c.Owned.Count;

    public void Dispose() => Coordinator.Dispose();
}
