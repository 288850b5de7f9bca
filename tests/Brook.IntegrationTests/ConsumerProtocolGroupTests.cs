using System.Diagnostics;
using System.Text;
using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.IntegrationTests;

/// <summary>
/// KIP-848 consumer groups through librdkafka's <c>group.protocol=consumer</c>: the broker's server-side assignor splits
/// the partitions, re-spreads them when a member joins, and committed offsets carry over to new members.
/// </summary>
[Trait("Category", "Broker")]
public sealed class ConsumerProtocolGroupTests : IClassFixture<DefaultBrokerFixture>, IDisposable
{
    private const int Partitions = 6;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly DefaultBrokerFixture _fixture;
    private readonly BrokerLogReporter _log;
    private readonly ITestOutputHelper _output;

    public ConsumerProtocolGroupTests(DefaultBrokerFixture fixture, ITestOutputHelper output)
    {
        Librdkafka.EnsureLoaded();
        _fixture = fixture;
        _output = output;
        _log = new BrokerLogReporter(fixture.Broker, output);
    }

    private string Bootstrap => _fixture.BootstrapServers;

    public void Dispose() => _log.Dispose();

    /// <summary>
    /// A consumer of the new protocol. Session timeout, heartbeat interval and assignment strategy are the broker's
    /// business under KIP-848 (librdkafka refuses them), so only the group settings are given.
    /// </summary>
    private IConsumer<byte[]?, byte[]?> NewConsumer(string group, string name, string? bootstrap = null) =>
        new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap ?? Bootstrap,
            GroupId = group,
            GroupProtocol = GroupProtocol.Consumer,
            ClientId = name,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            AllowAutoCreateTopics = false,
            FetchWaitMaxMs = 100,
            SocketTimeoutMs = 10_000,
        }).Build();

    private static async Task ProduceAsync(string bootstrap, string topic, int perPartition, string tag)
    {
        using var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(bootstrap));
        var sends = new List<Task>();
        for (var p = 0; p < Partitions; p++)
            for (var i = 0; i < perPartition; i++)
                sends.Add(producer.ProduceAsync(new TopicPartition(topic, new Partition(p)),
                    new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes($"{tag}-{p}-{i}") }));
        await Task.WhenAll(sends);
    }

    /// <summary>Polls every consumer in turn until <paramref name="done"/> holds; records consumed meanwhile are collected.</summary>
    private static void PollUntil(IReadOnlyList<IConsumer<byte[]?, byte[]?>> consumers, Func<bool> done, string what,
        Dictionary<(int Partition, long Offset), string>? seen = null, List<string>? duplicates = null)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > Patience)
                throw new TimeoutException($"{what} did not happen within {Patience.TotalSeconds:0}s; assignments: " +
                    string.Join(" | ", consumers.Select(c => $"{c.Name}: {string.Join(",", c.Assignment.Select(tp => tp.Partition.Value).OrderBy(p => p))}")));
            foreach (var consumer in consumers)
            {
                var r = consumer.Consume(TimeSpan.FromMilliseconds(50));
                if (r is null || r.IsPartitionEOF) continue;
                if (seen is null) throw new InvalidOperationException($"{consumer.Name} consumed a record while none was expected");
                var key = (r.Partition.Value, r.Offset.Value);
                if (!seen.TryAdd(key, consumer.Name)) duplicates?.Add($"{key} by {seen[key]} and {consumer.Name}");
            }
        }
    }

    private static bool AssignedEvenly(IReadOnlyList<IConsumer<byte[]?, byte[]?>> consumers)
    {
        var each = Partitions / consumers.Count;
        var all = consumers.SelectMany(c => c.Assignment.Select(tp => tp.Partition.Value)).ToList();
        return consumers.All(c => c.Assignment.Count == each) && all.Distinct().Count() == Partitions;
    }

    [Fact]
    public async Task Members_split_partitions_respread_on_join_and_new_members_resume_from_commits()
    {
        var topic = KafkaTestClient.UniqueTopic("kip848");
        var group = $"kip848-{Guid.NewGuid():N}";
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, Partitions);

        using var first = NewConsumer(group, "first");
        using var second = NewConsumer(group, "second");
        var consumers = new List<IConsumer<byte[]?, byte[]?>> { first, second };
        foreach (var c in consumers) c.Subscribe(topic);
        PollUntil(consumers, () => AssignedEvenly(consumers), "a 3/3 split");
        _output.WriteLine($"split: {string.Join(" | ", consumers.Select(c => string.Join(",", c.Assignment.Select(tp => tp.Partition.Value))))}");

        // Phase 1: every record is read exactly once by the two members.
        const int perPartition = 50;
        await ProduceAsync(Bootstrap, topic, perPartition, "one");
        var seen = new Dictionary<(int, long), string>();
        var duplicates = new List<string>();
        PollUntil(consumers, () => seen.Count >= Partitions * perPartition, "consuming phase 1", seen, duplicates);
        Assert.Empty(duplicates);
        Assert.Equal(Partitions * perPartition, seen.Count);
        Assert.Equal(2, seen.Values.Distinct().Count());
        foreach (var c in consumers) c.Commit();

        // Phase 2: a third member joins; the partitions re-spread to two each and the moved ones resume from the commits.
        using var third = NewConsumer(group, "third");
        third.Subscribe(topic);
        consumers.Add(third);
        PollUntil(consumers, () => AssignedEvenly(consumers), "a 2/2/2 re-spread");
        await ProduceAsync(Bootstrap, topic, perPartition, "two");
        PollUntil(consumers, () => seen.Count >= 2 * Partitions * perPartition, "consuming phase 2", seen, duplicates);
        Assert.Empty(duplicates);
        Assert.Equal(3, seen.Values.Distinct().Count());
        foreach (var c in consumers) c.Commit();

        // The admin view goes through ConsumerGroupDescribe: a consumer-type group of three members, two partitions each.
        using (var admin = KafkaTestClient.CreateAdmin(Bootstrap))
        {
            var described = (await admin.DescribeConsumerGroupsAsync([group])).ConsumerGroupDescriptions.Single();
            Assert.Equal(ConsumerGroupType.Consumer, described.GroupType);
            Assert.Equal(ConsumerGroupState.Stable, described.State);
            Assert.Equal("uniform", described.PartitionAssignor);
            Assert.Equal(3, described.Members.Count);
            Assert.All(described.Members, m => Assert.Equal(2, m.Assignment.TopicPartitions.Count));
            Assert.Equal(["first", "second", "third"], described.Members.Select(m => m.ClientId).Order());
        }

        foreach (var c in consumers) c.Close();

        // Phase 3: a new member of the same group starts from the committed offsets, not from the beginning.
        await ProduceAsync(Bootstrap, topic, 5, "three");
        using var late = NewConsumer(group, "late");
        late.Subscribe(topic);
        var lateSeen = new Dictionary<(int, long), string>();
        PollUntil([late], () => lateSeen.Count >= Partitions * 5, "consuming phase 3", lateSeen, duplicates);
        Assert.Empty(duplicates);
        Assert.All(lateSeen.Keys, k => Assert.True(k.Item2 >= 2 * perPartition, $"record {k} was committed already"));
        // Nothing more arrives: everything before the commits stays consumed.
        var extra = late.Consume(TimeSpan.FromSeconds(2));
        Assert.True(extra is null || extra.IsPartitionEOF, $"unexpected record at {extra?.TopicPartitionOffset}");
        late.Close();

        using var lister = KafkaTestClient.CreateAdmin(Bootstrap);
        var listed = await lister.ListConsumerGroupsAsync();
        var mine = Assert.Single(listed.Valid, g => g.GroupId == group);
        Assert.Equal(ConsumerGroupState.Empty, mine.State);
        Assert.Equal(ConsumerGroupType.Consumer, mine.Type);
    }

    [Fact]
    public async Task A_restarted_broker_keeps_the_group_its_epochs_and_assignments()
    {
        await using var broker = await BrokerProcess.StartAsync("kip848-restart");
        using var log = new BrokerLogReporter(broker, _output);
        var bootstrap = broker.BootstrapServers;
        var topic = KafkaTestClient.UniqueTopic("kip848r");
        var group = $"kip848r-{Guid.NewGuid():N}";
        await KafkaTestClient.CreateTopicAsync(bootstrap, topic, Partitions);

        using var first = NewConsumer(group, "first", bootstrap);
        using var second = NewConsumer(group, "second", bootstrap);
        var consumers = new List<IConsumer<byte[]?, byte[]?>> { first, second };
        foreach (var c in consumers) c.Subscribe(topic);
        PollUntil(consumers, () => AssignedEvenly(consumers), "a 3/3 split");
        // A member that comes and goes pushes the group epoch past what a group rebuilt from scratch would reach.
        using (var visitor = NewConsumer(group, "visitor", bootstrap))
        {
            visitor.Subscribe(topic);
            var three = new List<IConsumer<byte[]?, byte[]?>> { first, second, visitor };
            PollUntil(three, () => AssignedEvenly(three), "a 2/2/2 split");
            visitor.Close();
        }
        PollUntil(consumers, () => AssignedEvenly(consumers), "a 3/3 split again");

        ConsumerGroupDescription Describe()
        {
            using var admin = KafkaTestClient.CreateAdmin(bootstrap);
            return admin.DescribeConsumerGroupsAsync([group]).GetAwaiter().GetResult().ConsumerGroupDescriptions.Single();
        }
        static string Members(ConsumerGroupDescription d) => string.Join(" | ", d.Members.OrderBy(m => m.ConsumerId)
            .Select(m => $"{m.ConsumerId}:{string.Join(",", m.Assignment.TopicPartitions.Select(tp => tp.Partition.Value).Order())}"));
        var before = Describe();
        var memberIdBefore = first.MemberId; // librdkafka keeps its member id across the reconnect
        Assert.Equal(2, before.Members.Count);

        // A crash, not a clean stop: what the group coordinator acknowledged must already be in __consumer_offsets.
        var logMark = broker.LogLength;
        broker.Kill();
        await broker.RestartAsync();

        // The members reconnect and carry on: same ids, same partitions, no new rebalance.
        var clock = Stopwatch.StartNew();
        ConsumerGroupDescription? after = null;
        while (clock.Elapsed < Patience)
        {
            foreach (var c in consumers) c.Consume(TimeSpan.FromMilliseconds(100));
            try
            {
                after = Describe();
                if (after.Error.Code == Confluent.Kafka.ErrorCode.NoError && after.State == ConsumerGroupState.Stable) break;
            }
            catch (KafkaException)
            {
                // The coordinator is still loading.
            }
        }
        Assert.NotNull(after);
        Assert.Equal(Members(before), Members(after));
        Assert.Equal(memberIdBefore, first.MemberId);
        Assert.True(AssignedEvenly(consumers));
        // Nobody had to join again: the group, its epoch and the members' epochs came back from __consumer_offsets.
        var sinceRestart = broker.LogSince(logMark);
        Assert.DoesNotContain("joins consumer group", sinceRestart);
        Assert.DoesNotContain("target assignment computed", sinceRestart);

        await ProduceAsync(bootstrap, topic, 10, "after-restart");
        var seen = new Dictionary<(int, long), string>();
        var duplicates = new List<string>();
        PollUntil(consumers, () => seen.Count >= Partitions * 10, "consuming after the restart", seen, duplicates);
        Assert.Empty(duplicates);
        foreach (var c in consumers) c.Close();
    }
}
