using System.Diagnostics;
using System.Text;
using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.IntegrationTests;

/// <summary>
/// Classic consumer groups (group.protocol=classic) driven by Confluent.Kafka 2.16 against one broker started with
/// group.initial.rebalance.delay.ms=0 and group.min.session.timeout.ms=1000: partition spreading, rebalances on join
/// and on member death, offset reset policies, cooperative and static membership, and the group admin APIs.
/// </summary>
[Trait("Category", "Broker")]
public sealed class ConsumerGroupTests : IClassFixture<GroupBrokerFixture>, IDisposable
{
    private static readonly TimeSpan RebalanceTimeout = TimeSpan.FromSeconds(30);

    private readonly GroupBrokerFixture _fixture;
    private readonly BrokerLogReporter _log;
    private readonly ITestOutputHelper _output;

    public ConsumerGroupTests(GroupBrokerFixture fixture, ITestOutputHelper output)
    {
        Librdkafka.EnsureLoaded();
        _fixture = fixture;
        _output = output;
        _log = new BrokerLogReporter(fixture.Broker, output);
    }

    private string Bootstrap => _fixture.BootstrapServers;

    public void Dispose() => _log.Dispose();

    [Fact]
    public async Task TwoMembersSplitPartitionsAndReadEveryRecordOnce()
    {
        const int partitions = 6;
        const int count = 6_000;
        var topic = KafkaTestClient.UniqueTopic("grp-split");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, partitions);
        var produced = await ProduceKeyedAsync(topic, count);
        var group = UniqueGroup("split");

        // a starts alone and owns everything; it reads a quarter of the records (in small helpings, so it cannot
        // run ahead) and pauses, then b joins mid-stream and the group rebalances while a holds uncommitted progress.
        using var a = GroupMember.Subscribe(Bootstrap, group, "a", topic);
        var clock = Stopwatch.StartNew();
        while (a.Records.Count < count / 4)
        {
            a.Poll(TimeSpan.FromMilliseconds(50), maxRecords: 50);
            Assert.True(clock.Elapsed < RebalanceTimeout, "a alone did not read a quarter of the records: " + a);
        }
        Assert.Equal(partitions, a.AssignedPartitions.Length);
        a.Consumer.Pause(a.Assignment); // polls still serve the rebalance, but return no more records

        using var b = GroupMember.Subscribe(Bootstrap, group, "b", topic);
        GroupMember[] members = [a, b];
        // Eager rebalancing revokes everything before anyone rejoins, so two members never hold the same partition,
        // not even while the group rebalances.
        GroupPolling.PollUntil(members, () => a.AssignedPartitions.Length == 3 && b.AssignedPartitions.Length == 3,
            RebalanceTimeout, "3 partitions each", () => GroupPolling.AssertDisjoint(members));
        a.Consumer.Resume(a.Assignment);
        GroupPolling.PollUntil(members, () => a.Records.Count + b.Records.Count >= count,
            RebalanceTimeout, "all records consumed", () => GroupPolling.AssertDisjoint(members, partitions));
        _output.WriteLine($"joined and consumed {count} records in {clock.ElapsedMilliseconds} ms; a read {a.Records.Count}, b read {b.Records.Count}");
        GroupPolling.PollFor(members, TimeSpan.FromSeconds(1), () => GroupPolling.AssertDisjoint(members, partitions));
        Assert.NotEmpty(b.Records);

        // What a had read before the rebalance it committed when its partitions were revoked (librdkafka auto-commit
        // does that), and the broker accepts that commit while the group prepares to rebalance; b resumes exactly
        // there, so every record is read once in total.
        AssertEveryRecordOnce(produced, members);
    }

    [Fact]
    public async Task ThirdMemberJoiningRespreadsPartitionsTwoEach()
    {
        const int partitions = 6;
        var topic = KafkaTestClient.UniqueTopic("grp-third");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, partitions);
        var produced = await ProduceKeyedAsync(topic, 600);
        var group = UniqueGroup("third");

        using var a = GroupMember.Subscribe(Bootstrap, group, "a", topic);
        using var b = GroupMember.Subscribe(Bootstrap, group, "b", topic);
        GroupMember[] two = [a, b];
        GroupPolling.PollUntil(two, () => a.AssignedPartitions.Length == 3 && b.AssignedPartitions.Length == 3,
            RebalanceTimeout, "a and b with 3 partitions each", () => GroupPolling.AssertDisjoint(two));

        using var c = GroupMember.Subscribe(Bootstrap, group, "c", topic);
        GroupMember[] three = [a, b, c];
        var clock = Stopwatch.StartNew();
        GroupPolling.PollUntil(three, () => three.All(m => m.AssignedPartitions.Length == 2),
            RebalanceTimeout, "2 partitions each after c joined", () => GroupPolling.AssertDisjoint(three));
        _output.WriteLine($"rebalance to three members took {clock.ElapsedMilliseconds} ms");

        var settled = three.Select(m => m.AssignedPartitions).ToArray();
        GroupPolling.PollFor(three, TimeSpan.FromSeconds(1.5), () =>
        {
            GroupPolling.AssertDisjoint(three, partitions);
            for (var i = 0; i < three.Length; i++) Assert.Equal(settled[i], three[i].AssignedPartitions);
        });

        // New records after the rebalance go to whoever owns their partition now, and nothing is read twice.
        var marks = three.Select(m => m.Records.Count).ToArray();
        foreach (var position in await ProduceKeyedAsync(topic, 600)) produced.Add(position);
        GroupPolling.PollUntil(three, () => three.Sum(m => m.Records.Count) >= produced.Count, RebalanceTimeout,
            "all 1,200 records consumed");
        GroupPolling.PollFor(three, TimeSpan.FromMilliseconds(500));
        for (var i = 0; i < three.Length; i++)
        {
            foreach (var r in three[i].Records.Skip(marks[i]))
            {
                Assert.Contains(r.Partition.Value, settled[i]);
            }
        }
        AssertEveryRecordOnce(produced, three);
    }

    [KafkaPythonFact]
    public async Task KilledMemberPartitionsMoveAfterSessionTimeout()
    {
        const int partitions = 6;
        const int pythonSessionMs = 3000;
        var topic = KafkaTestClient.UniqueTopic("grp-kill");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, partitions);
        var group = UniqueGroup("kill");

        using var a = GroupMember.Subscribe(Bootstrap, group, "a", topic);
        GroupMember[] members = [a];
        GroupPolling.PollUntil(members, () => a.AssignedPartitions.Length == partitions, RebalanceTimeout, "a owns everything");

        using var python = PythonGroupConsumer.Start(Bootstrap, topic, group, pythonSessionMs);
        try
        {
            GroupPolling.PollUntil(members,
                () => a.AssignedPartitions.Length == 3 && python.LatestAssignment is { Length: 3 } || python.HasExited,
                RebalanceTimeout, "a and the python member with 3 partitions each");
            Assert.False(python.HasExited, "python member exited early:\n" + python.Output);
            Assert.Empty(a.AssignedPartitions.Intersect(python.LatestAssignment!));
        }
        finally
        {
            _output.WriteLine("--- python member output ---\n" + python.Output);
        }
        var pythonPartitions = python.LatestAssignment!;

        // SIGKILL: no LeaveGroup. The broker may only notice through the missing heartbeats, i.e. after the session
        // timeout counted from the last heartbeat (sent at most one heartbeat interval, 500 ms, before the kill).
        python.Kill();
        var sinceKill = Stopwatch.StartNew();
        var mark = a.EventMark;
        GroupPolling.PollUntil(members, () => a.AssignedPartitions.Length == partitions, RebalanceTimeout,
            "a owns everything again after the python member died");
        var elapsed = sinceKill.Elapsed;
        _output.WriteLine($"partitions moved {elapsed.TotalMilliseconds:0} ms after the kill; a's events: {string.Join("; ", a.EventsSince(mark))}");
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(pythonSessionMs - 1000),
            $"a got the dead member's partitions after {elapsed.TotalMilliseconds:0} ms, before its {pythonSessionMs} ms session could expire");
        Assert.True(elapsed < TimeSpan.FromMilliseconds(pythonSessionMs + 10_000),
            $"the dead member's partitions took {elapsed.TotalMilliseconds:0} ms to move (session timeout {pythonSessionMs} ms)");
        Assert.Contains(a.EventsSince(mark), e => e.Kind == RebalanceKind.Assigned && pythonPartitions.All(e.Partitions.Contains));

        // a really consumes its new partitions: records produced now arrive there, every one of them once.
        var produced = await ProduceKeyedAsync(topic, 120);
        GroupPolling.PollUntil(members, () => a.Records.Count >= produced.Count, RebalanceTimeout, "a read all 120 new records");
        AssertEveryRecordOnce(produced, members);
    }

    [Fact]
    public async Task NewGroupStartsAtEarliestOrLatestAsConfigured()
    {
        var topic = KafkaTestClient.UniqueTopic("grp-reset");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
        var before = await ProduceKeyedAsync(topic, 10);

        using var earliest = GroupMember.Subscribe(Bootstrap, UniqueGroup("earliest"), "earliest", topic,
            c => c.AutoOffsetReset = AutoOffsetReset.Earliest);
        using var latest = GroupMember.Subscribe(Bootstrap, UniqueGroup("latest"), "latest", topic,
            c => c.AutoOffsetReset = AutoOffsetReset.Latest);
        GroupMember[] both = [earliest, latest];
        var tp = new TopicPartition(topic, 0);
        // Produce more only once latest has resolved its start position (no committed offset -> ListOffsets latest
        // = 10), otherwise the new records could land "before" its reset. librdkafka's Position() stays unset until a
        // record is returned, but its cached high watermark is only filled in by a fetch response, and fetching starts
        // only after the reset.
        GroupPolling.PollUntil(both, () => earliest.Records.Count >= 10 && latest.AssignedPartitions.Length == 1 &&
            latest.Consumer.GetWatermarkOffsets(tp).High != Offset.Unset, RebalanceTimeout, "earliest read 10, latest fetching");
        Assert.Equal(10, latest.Consumer.GetWatermarkOffsets(tp).High.Value);
        Assert.Empty(latest.Records);

        var after = await ProduceKeyedAsync(topic, 5);
        GroupPolling.PollUntil(both, () => earliest.Records.Count >= 15 && latest.Records.Count >= 5, RebalanceTimeout,
            "earliest read 15, latest read 5");
        GroupPolling.PollFor(both, TimeSpan.FromMilliseconds(500));

        Assert.Equal(Enumerable.Range(0, 15).Select(i => (long)i), earliest.Records.Select(r => r.Offset.Value));
        Assert.Equal(Enumerable.Range(10, 5).Select(i => (long)i), latest.Records.Select(r => r.Offset.Value));
        Assert.Equal(before.Count + after.Count, earliest.Records.Count);
    }

    [Fact]
    public async Task CooperativeStickyKeepsPartitionsOfExistingMember()
    {
        const int partitions = 6;
        var topic = KafkaTestClient.UniqueTopic("grp-coop");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, partitions);
        var group = UniqueGroup("coop");
        void Cooperative(ConsumerConfig c) => c.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;

        using var a = GroupMember.Subscribe(Bootstrap, group, "a", topic, Cooperative);
        GroupPolling.PollUntil([a], () => a.AssignedPartitions.Length == partitions, RebalanceTimeout, "a owns everything");
        var markA = a.EventMark;

        using var b = GroupMember.Subscribe(Bootstrap, group, "b", topic, Cooperative);
        GroupMember[] both = [a, b];
        // Incremental rebalancing: b is only handed partitions after a gave them up, so no overlap at any moment.
        GroupPolling.PollUntil(both, () => a.AssignedPartitions.Length == 3 && b.AssignedPartitions.Length == 3,
            RebalanceTimeout, "3 partitions each", () => GroupPolling.AssertDisjoint(both));
        GroupPolling.PollFor(both, TimeSpan.FromSeconds(1), () => GroupPolling.AssertDisjoint(both, partitions));

        var eventsA = a.EventsSince(markA);
        _output.WriteLine($"a: {string.Join("; ", eventsA)}\nb: {string.Join("; ", b.Events)}");
        Assert.DoesNotContain(eventsA, e => e.Kind == RebalanceKind.Lost);
        var revoked = eventsA.Where(e => e.Kind == RebalanceKind.Revoked).SelectMany(e => e.Partitions).Order().ToArray();
        // a gave up exactly what b got, and never the partitions it kept.
        Assert.Equal(b.AssignedPartitions, revoked);
        Assert.Empty(revoked.Intersect(a.AssignedPartitions));
        Assert.DoesNotContain(eventsA, e => e.Kind == RebalanceKind.Assigned && e.Partitions.Length > 0);
        Assert.DoesNotContain(b.Events, e => e.Kind != RebalanceKind.Assigned && e.Partitions.Length > 0);
    }

    [Fact]
    public async Task StaticMemberRejoiningWithinSessionKeepsAssignmentWithoutRebalance()
    {
        const int partitions = 6;
        var topic = KafkaTestClient.UniqueTopic("grp-static");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, partitions);
        var group = UniqueGroup("static");
        const string instanceId = "static-b";
        void Static(ConsumerConfig c)
        {
            c.GroupInstanceId = instanceId;
            c.SessionTimeoutMs = 10_000;
        }

        // a joins first and alone, so it is the leader; the static member b is a follower.
        using var a = GroupMember.Subscribe(Bootstrap, group, "a", topic);
        GroupPolling.PollUntil([a], () => a.AssignedPartitions.Length == partitions, RebalanceTimeout, "a owns everything");
        var b = GroupMember.Subscribe(Bootstrap, group, "b", topic, Static);
        int[] assignmentOfB;
        string memberIdOfB;
        try
        {
            GroupPolling.PollUntil([a, b], () => a.AssignedPartitions.Length == 3 && b.AssignedPartitions.Length == 3,
                RebalanceTimeout, "3 partitions each", () => GroupPolling.AssertDisjoint([a, b]));
            assignmentOfB = b.AssignedPartitions;
            memberIdOfB = b.Consumer.MemberId;
        }
        finally
        {
            // A static member's Close() sends no LeaveGroup (KIP-345): the broker keeps its slot for the session timeout.
            b.Dispose();
        }
        var markA = a.EventMark;
        var assignmentOfA = a.AssignedPartitions;

        using var b2 = GroupMember.Subscribe(Bootstrap, group, "b2", topic, Static);
        GroupPolling.PollUntil([a, b2], () => b2.AssignedPartitions.Length > 0, RebalanceTimeout, "b2 got an assignment",
            () => GroupPolling.AssertDisjoint([a, b2]));
        GroupPolling.PollFor([a, b2], TimeSpan.FromSeconds(1.5), () => GroupPolling.AssertDisjoint([a, b2], partitions));

        Assert.Equal(assignmentOfB, b2.AssignedPartitions);
        Assert.Equal(assignmentOfA, a.AssignedPartitions);
        Assert.True(a.EventsSince(markA).Count == 0,
            "the static member's return rebalanced the other member: " + string.Join("; ", a.EventsSince(markA)));

        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        var description = (await admin.DescribeConsumerGroupsAsync([group])).ConsumerGroupDescriptions.Single();
        Assert.Equal(2, description.Members.Count);
        // The broker replaced the old member id by the new one under the same instance id (the client id is kept
        // from the first join, as Kafka does).
        var staticMember = Assert.Single(description.Members, m => m.GroupInstanceId == instanceId);
        Assert.Equal(b2.Consumer.MemberId, staticMember.ConsumerId);
        Assert.NotEqual(memberIdOfB, staticMember.ConsumerId);
        Assert.Equal(assignmentOfB, staticMember.Assignment.TopicPartitions.Select(tp => tp.Partition.Value).Order());
    }

    [Fact]
    public async Task AdminListsDescribesAndDeletesGroupsAndOffsets()
    {
        const int partitions = 4;
        var topic = KafkaTestClient.UniqueTopic("grp-admin");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, partitions);
        await ProduceKeyedAsync(topic, 100);
        var group = UniqueGroup("admin");
        void ManualCommit(ConsumerConfig c) => c.EnableAutoCommit = false;

        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        using var a = GroupMember.Subscribe(Bootstrap, group, "admin-a", topic, ManualCommit);
        using var b = GroupMember.Subscribe(Bootstrap, group, "admin-b", topic, ManualCommit);
        GroupMember[] both = [a, b];
        GroupPolling.PollUntil(both, () => a.AssignedPartitions.Length == 2 && b.AssignedPartitions.Length == 2,
            RebalanceTimeout, "2 partitions each");

        // Distinct, recognisable offsets per partition, each committed by the member that owns the partition.
        long CommittedOffset(int partition) => 10 + partition;
        foreach (var m in both)
        {
            m.Consumer.Commit(m.Assignment.Select(tp => new TopicPartitionOffset(tp, CommittedOffset(tp.Partition.Value))));
        }

        var listing = await FindGroupAsync(admin, group);
        Assert.NotNull(listing);
        Assert.Equal(ConsumerGroupState.Stable, listing.State);
        Assert.False(listing.IsSimpleConsumerGroup);

        var description = (await admin.DescribeConsumerGroupsAsync([group])).ConsumerGroupDescriptions.Single();
        Assert.Equal(ErrorCode.NoError, description.Error.Code);
        Assert.Equal(ConsumerGroupState.Stable, description.State);
        Assert.Equal("range", description.PartitionAssignor);
        Assert.False(description.IsSimpleConsumerGroup);
        Assert.Equal(["admin-a", "admin-b"], description.Members.Select(m => m.ClientId).Order());
        foreach (var m in both)
        {
            var member = description.Members.Single(x => x.ClientId == m.Name);
            Assert.Equal(m.AssignedPartitions, member.Assignment.TopicPartitions.Select(tp => tp.Partition.Value).Order());
            Assert.All(member.Assignment.TopicPartitions, tp => Assert.Equal(topic, tp.Topic));
            Assert.False(string.IsNullOrEmpty(member.ConsumerId));
        }

        var nonEmpty = await Assert.ThrowsAsync<DeleteGroupsException>(() => admin.DeleteGroupsAsync([group]));
        Assert.Equal(ErrorCode.NonEmptyGroup, Assert.Single(nonEmpty.Results).Error.Code);

        var offsets = await ListOffsetsAsync(admin, group);
        Assert.Equal(Enumerable.Range(0, partitions).ToDictionary(p => p, p => CommittedOffset(p)), offsets);

        a.Close();
        b.Close();
        listing = await WaitForGroupStateAsync(admin, group, ConsumerGroupState.Empty);
        description = (await admin.DescribeConsumerGroupsAsync([group])).ConsumerGroupDescriptions.Single();
        Assert.Equal(ConsumerGroupState.Empty, description.State);
        Assert.Empty(description.Members);

        var deleted = await admin.DeleteConsumerGroupOffsetsAsync(group, [new TopicPartition(topic, 0)]);
        Assert.Equal(group, deleted.Group);
        Assert.Equal([0], deleted.Partitions.Select(p => p.Partition.Value));
        offsets = await ListOffsetsAsync(admin, group);
        Assert.Equal(Enumerable.Range(1, partitions - 1).ToDictionary(p => p, p => CommittedOffset(p)), offsets);

        await admin.DeleteGroupsAsync([group]); // empty now: must succeed
        Assert.Null(await FindGroupAsync(admin, group));
        offsets = await ListOffsetsAsync(admin, group);
        Assert.Empty(offsets);
    }

    [Fact]
    public async Task OffsetDeleteRejectedForTopicTheGroupIsSubscribedTo()
    {
        var topic = KafkaTestClient.UniqueTopic("grp-offdel");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 2);
        var group = UniqueGroup("offdel");
        using var a = GroupMember.Subscribe(Bootstrap, group, "a", topic, c => c.EnableAutoCommit = false);
        GroupPolling.PollUntil([a], () => a.AssignedPartitions.Length == 2, RebalanceTimeout, "a owns both partitions");
        a.Consumer.Commit([new TopicPartitionOffset(topic, 0, 1), new TopicPartitionOffset(topic, 1, 1)]);

        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        // Kafka refuses to drop offsets a live member may still be committing (GROUP_SUBSCRIBED_TO_TOPIC per partition).
        var ex = await Assert.ThrowsAsync<DeleteConsumerGroupOffsetsException>(
            () => admin.DeleteConsumerGroupOffsetsAsync(group, [new TopicPartition(topic, 0)]));
        _output.WriteLine(ex.Result.ToString());
        Assert.Contains(ex.Result.Partitions, p => p.Partition.Value == 0 && p.Error.Code == ErrorCode.GroupSubscribedToTopic);
        Assert.Equal(new Dictionary<int, long> { [0] = 1, [1] = 1 }, await ListOffsetsAsync(admin, group));
    }

    private static string UniqueGroup(string prefix) => $"grp-{prefix}-{Guid.NewGuid():N}";

    /// <summary>Produces keyed records (acks=all) and returns the (partition, offset) of each.</summary>
    private async Task<HashSet<(int Partition, long Offset)>> ProduceKeyedAsync(string topic, int count)
    {
        var positions = new HashSet<(int, long)>();
        var errors = new List<string>();
        using (var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(Bootstrap)))
        {
            for (var i = 0; i < count; i++)
            {
                ProduceConsumeTests.ProduceWithBackpressure(producer, topic, new Message<byte[]?, byte[]?>
                {
                    Key = Encoding.UTF8.GetBytes($"key-{i % 997}"),
                    Value = Encoding.UTF8.GetBytes($"value-{i}"),
                }, report =>
                {
                    lock (positions)
                    {
                        if (report.Error.IsError) errors.Add(report.Error.ToString());
                        else positions.Add((report.Partition.Value, report.Offset.Value));
                    }
                });
            }
            await Task.Run(() => producer.Flush(TimeSpan.FromSeconds(60)));
        }
        Assert.True(errors.Count == 0, "delivery errors: " + string.Join("; ", errors.Take(5)));
        Assert.Equal(count, positions.Count);
        return positions;
    }

    /// <summary>Every produced (partition, offset) was returned by exactly one poll of exactly one member, and nothing else was.</summary>
    private static void AssertEveryRecordOnce(HashSet<(int Partition, long Offset)> produced, IReadOnlyList<GroupMember> members)
    {
        var readBy = new Dictionary<(int, long), string>();
        var duplicates = new List<string>();
        foreach (var m in members)
        {
            foreach (var r in m.Records)
            {
                var position = (r.Partition.Value, r.Offset.Value);
                if (!readBy.TryAdd(position, m.Name)) duplicates.Add($"p{position.Item1}@{position.Item2} by {readBy[position]} and {m.Name}");
            }
        }
        Assert.True(duplicates.Count == 0, $"{duplicates.Count} records read twice, e.g. {string.Join(", ", duplicates.Take(10))}\n" +
            string.Join("\n", members.Select(m => "  " + m)));
        var missing = produced.Where(p => !readBy.ContainsKey(p)).Take(10).ToList();
        Assert.True(missing.Count == 0, "records never read, e.g. " + string.Join(", ", missing.Select(p => $"p{p.Partition}@{p.Offset}")));
        Assert.Equal(produced.Count, readBy.Count);
    }

    private static async Task<ConsumerGroupListing?> FindGroupAsync(IAdminClient admin, string group)
    {
        var result = await admin.ListConsumerGroupsAsync();
        return result.Valid.SingleOrDefault(g => g.GroupId == group);
    }

    private static async Task<ConsumerGroupListing> WaitForGroupStateAsync(IAdminClient admin, string group, ConsumerGroupState state)
    {
        var clock = Stopwatch.StartNew();
        ConsumerGroupListing? last = null;
        while (clock.Elapsed < KafkaTestClient.DefaultTimeout)
        {
            last = await FindGroupAsync(admin, group);
            if (last?.State == state) return last;
            await Task.Delay(100);
        }
        throw new TimeoutException($"group {group} not {state}; last listing: {last?.State.ToString() ?? "absent"}");
    }

    /// <summary>All committed offsets of <paramref name="group"/> as partition -> offset.</summary>
    private static async Task<Dictionary<int, long>> ListOffsetsAsync(IAdminClient admin, string group)
    {
        var result = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, null)]);
        var partitions = result.Single().Partitions;
        Assert.All(partitions, p => Assert.Equal(ErrorCode.NoError, p.Error.Code));
        return partitions.Where(p => p.Offset != Offset.Unset).ToDictionary(p => p.Partition.Value, p => p.Offset.Value);
    }
}
