using Brook.Common;
using Microsoft.Extensions.Time.Testing;

namespace Brook.Coordination.Tests;

/// <summary>A coordinator over a <see cref="MemoryGroupLog"/> with fake time and every partition loaded, plus request shorthands.</summary>
public sealed class CoordinatorHarness : IDisposable
{
    public const int Partitions = 4;
    public const int SessionTimeoutMs = 10_000;
    public const int RebalanceTimeoutMs = 30_000;
    public const int InitialDelayMs = 3_000;

    public FakeTimeProvider Time { get; }
    public MemoryGroupLog Log { get; }
    public GroupCoordinator Coordinator { get; }

    public CoordinatorHarness(GroupCoordinatorOptions? options = null, FakeTimeProvider? time = null, MemoryGroupLog? log = null, bool load = true)
    {
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Log = log ?? new MemoryGroupLog();
        Coordinator = new GroupCoordinator(options ?? DefaultOptions, Log, Time);
        if (load)
        {
            for (var p = 0; p < Partitions; p++)
            {
                Coordinator.BeginLoading(p);
                Coordinator.CompleteLoading(p);
            }
        }
    }

    public static GroupCoordinatorOptions DefaultOptions => new()
    {
        OffsetsTopicPartitions = Partitions,
        MinSessionTimeoutMs = 1_000,
        MaxSessionTimeoutMs = 60_000,
        InitialRebalanceDelayMs = InitialDelayMs,
        OffsetsRetentionCheckIntervalMs = 0,
    };

    public void Advance(int ms) => Time.Advance(TimeSpan.FromMilliseconds(ms));

    /// <summary>
    /// Lets initial-rebalance delays pass until <paramref name="task"/> completes: every member that arrives during the
    /// delay extends it by one more delay, as Kafka does.
    /// </summary>
    public async Task<T> AfterInitialDelays<T>(Task<T> task)
    {
        for (var i = 0; i < 20 && !task.IsCompleted; i++) Advance(InitialDelayMs);
        Assert.True(task.IsCompleted, "the join phase never completed");
        return await task;
    }

    public static byte[] Bytes(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    /// <summary>A ConsumerProtocolSubscription v0: int16 version, topic names, null user data.</summary>
    public static byte[] Subscription(params string[] topics)
    {
        using var buffer = new PooledBufferWriter(64);
        var writer = new Brook.Protocol.ProtocolWriter(buffer);
        writer.WriteInt16(0);
        writer.WriteArrayLength(topics.Length);
        foreach (var t in topics) writer.WriteString(t);
        writer.WriteInt32(-1);
        return buffer.WrittenSpan.ToArray();
    }

    public static JoinGroupArgs JoinArgs(string group, string memberId = "", string? instanceId = null, string protocolType = "consumer",
        IReadOnlyList<GroupProtocol>? protocols = null, int sessionTimeoutMs = SessionTimeoutMs, int rebalanceTimeoutMs = RebalanceTimeoutMs,
        bool requireKnownMemberId = false, bool supportsSkip = true) => new()
        {
            GroupId = group,
            MemberId = memberId,
            GroupInstanceId = instanceId,
            ProtocolType = protocolType,
            Protocols = protocols ?? [new GroupProtocol("range", Subscription("t1"))],
            SessionTimeoutMs = sessionTimeoutMs,
            RebalanceTimeoutMs = rebalanceTimeoutMs,
            ClientId = "client",
            ClientHost = "/127.0.0.1",
            RequireKnownMemberId = requireKnownMemberId,
            SupportsSkipAssignment = supportsSkip,
        };

    public Task<JoinGroupResult> Join(string group, string memberId = "", string? instanceId = null, IReadOnlyList<GroupProtocol>? protocols = null,
        string protocolType = "consumer", int sessionTimeoutMs = SessionTimeoutMs, int rebalanceTimeoutMs = RebalanceTimeoutMs) =>
        Coordinator.JoinGroupAsync(JoinArgs(group, memberId, instanceId, protocolType, protocols, sessionTimeoutMs, rebalanceTimeoutMs));

    public Task<SyncGroupResult> Sync(string group, JoinGroupResult join, params (string MemberId, string Assignment)[] assignments) =>
        Coordinator.SyncGroupAsync(new SyncGroupArgs
        {
            GroupId = group,
            GenerationId = join.GenerationId,
            MemberId = join.MemberId,
            ProtocolType = join.ProtocolType,
            ProtocolName = join.ProtocolName,
            Assignments = assignments.Select(a => new MemberAssignment(a.MemberId, Bytes(a.Assignment))).ToList(),
        });

    public ErrorCode Heartbeat(string group, JoinGroupResult join, string? instanceId = null) =>
        Coordinator.Heartbeat(new HeartbeatArgs(group, join.GenerationId, join.MemberId, instanceId));

    /// <summary>Forms a stable group: members join together (one initial-delay rebalance), the leader assigns "a-&lt;member&gt;" to each.</summary>
    public async Task<List<JoinGroupResult>> FormStableGroup(string group, params string?[] instanceIds)
    {
        var joins = instanceIds.Select(i => Join(group, instanceId: i)).ToList();
        var results = new List<JoinGroupResult>();
        foreach (var j in joins) results.Add(await AfterInitialDelays(j));
        var leader = results.Single(r => r.Members.Count > 0);
        var syncs = results.Where(r => r != leader).Select(r => Sync(group, r)).ToList();
        syncs.Add(Sync(group, leader, results.Select(r => (r.MemberId, "a-" + r.MemberId)).ToArray()));
        foreach (var s in syncs) Assert.Equal(ErrorCode.None, (await s).Error);
        return results;
    }

    public GroupState StateOf(string group) =>
        Coordinator.DescribeGroups([group])[0].State;

    public void Dispose() => Coordinator.Dispose();
}
