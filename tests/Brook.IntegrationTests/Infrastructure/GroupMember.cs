using Confluent.Kafka;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// One Confluent.Kafka consumer in a subscribed (classic protocol) group, recording every record it returns and every
/// rebalance callback, so tests can reason about who owned which partition and when.
/// </summary>
/// <remarks>
/// The consumer is polled by the test thread only (<see cref="Poll"/>); librdkafka runs rebalance callbacks inside
/// that poll, so the recorded events and <see cref="Assignment"/> never change behind the test's back.
/// </remarks>
public sealed class GroupMember : IDisposable
{
    private readonly List<RebalanceEvent> _events = [];
    private readonly List<ConsumeResult<byte[]?, byte[]?>> _records = [];
    private bool _closed;

    private GroupMember(string name, ConsumerConfig config)
    {
        Name = name;
        Config = config;
        Consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetPartitionsAssignedHandler((_, partitions) => _events.Add(new RebalanceEvent(RebalanceKind.Assigned, Sorted(partitions))))
            .SetPartitionsRevokedHandler((_, partitions) =>
                _events.Add(new RebalanceEvent(RebalanceKind.Revoked, Sorted(partitions.Select(p => p.TopicPartition)))))
            .SetPartitionsLostHandler((_, partitions) =>
                _events.Add(new RebalanceEvent(RebalanceKind.Lost, Sorted(partitions.Select(p => p.TopicPartition)))))
            .Build();
    }

    /// <summary>Label used in diagnostics (also the client.id).</summary>
    public string Name { get; }

    public ConsumerConfig Config { get; }

    public IConsumer<byte[]?, byte[]?> Consumer { get; }

    /// <summary>Rebalance callbacks in the order librdkafka delivered them.</summary>
    public IReadOnlyList<RebalanceEvent> Events => _events;

    /// <summary>Every record <see cref="Poll"/> returned, in order.</summary>
    public IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> Records => _records;

    /// <summary>The partitions librdkafka currently considers assigned to this member.</summary>
    public IReadOnlyList<TopicPartition> Assignment => _closed ? [] : Consumer.Assignment;

    /// <summary>Partition numbers of <see cref="Assignment"/>, sorted (all tests use one topic per group).</summary>
    public int[] AssignedPartitions => Assignment.Select(tp => tp.Partition.Value).Order().ToArray();

    /// <summary>
    /// Consumer config for a classic-protocol group member: short heartbeat interval so rebalances are noticed within
    /// half a second, explicit session timeout, earliest reset, auto-commit on (librdkafka then also commits what was
    /// consumed before it gives partitions up in a rebalance).
    /// </summary>
    public static ConsumerConfig DefaultConfig(string bootstrap, string groupId, string name) => new()
    {
        BootstrapServers = bootstrap,
        GroupId = groupId,
        ClientId = name,
        GroupProtocol = GroupProtocol.Classic,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnableAutoCommit = true,
        AutoCommitIntervalMs = 500,
        SessionTimeoutMs = 6000,
        HeartbeatIntervalMs = 500,
        AllowAutoCreateTopics = false,
        CheckCrcs = true,
        FetchWaitMaxMs = 100,
        SocketTimeoutMs = 10_000,
    };

    /// <summary>Builds a member with <see cref="DefaultConfig"/>, optionally adjusted, and subscribes it to <paramref name="topic"/>.</summary>
    public static GroupMember Subscribe(string bootstrap, string groupId, string name, string topic, Action<ConsumerConfig>? adjust = null)
    {
        var config = DefaultConfig(bootstrap, groupId, name);
        adjust?.Invoke(config);
        var member = new GroupMember(name, config);
        member.Consumer.Subscribe(topic);
        return member;
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for a record, then takes whatever else is already buffered (up to
    /// <paramref name="maxRecords"/>) without waiting, so round-robin polling of several members is not paced by the
    /// idle ones. Returned records are kept in <see cref="Records"/>. Returns how many came back.
    /// </summary>
    public int Poll(TimeSpan timeout, int maxRecords = 1000)
    {
        if (_closed) return 0;
        var taken = 0;
        var wait = timeout;
        while (taken < maxRecords)
        {
            var r = Consumer.Consume(wait);
            if (r is null) break;
            wait = TimeSpan.Zero;
            if (r.IsPartitionEOF) continue;
            _records.Add(r);
            taken++;
        }
        return taken;
    }

    /// <summary>Number of events recorded so far; pass to <see cref="EventsSince"/> to see only later ones.</summary>
    public int EventMark => _events.Count;

    public IReadOnlyList<RebalanceEvent> EventsSince(int mark) => _events.Skip(mark).ToList();

    /// <summary>Consumer.Close(): commits (auto-commit), leaves the group (dynamic members) and stops.</summary>
    public void Close()
    {
        if (_closed) return;
        _closed = true;
        Consumer.Close();
    }

    public void Dispose()
    {
        if (!_closed)
        {
            _closed = true;
            try
            {
                Consumer.Close();
            }
            catch (KafkaException)
            {
                // the broker may already be gone at the end of a failing test
            }
        }
        Consumer.Dispose();
    }

    public override string ToString() =>
        $"{Name}: assigned [{string.Join(',', AssignedPartitions)}], {_records.Count} records, events: " +
        string.Join("; ", _events);

    private static int[] Sorted(IEnumerable<TopicPartition> partitions) => partitions.Select(p => p.Partition.Value).Order().ToArray();
}
