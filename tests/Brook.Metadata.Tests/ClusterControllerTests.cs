using Brook.Common.Config;
using Brook.Common;
using Brook.Metadata.Records;

namespace Brook.Metadata.Tests;

public sealed class ClusterControllerTests : IDisposable
{
    private static readonly BrokerEndpoint Plain = new("PLAINTEXT", "localhost", 9092, SecurityProtocol.Plaintext);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed class RejectingValidator : ITopicConfigValidator
    {
        public string? Validate(string key, string? value) =>
            key == "retention.ms" && !long.TryParse(value, out _) ? "retention.ms must be a number" :
            key.StartsWith("unknown", StringComparison.Ordinal) ? $"unknown config {key}" : null;
    }

    private async Task<TestController> StartAsync(ClusterControllerOptions? options = null, int brokerId = 1, BrokerEndpoint? endpoint = null)
    {
        var controller = new TestController(_dir.Path, options, new RejectingValidator());
        await controller.StartAsync(brokerId, [endpoint ?? Plain], null, default);
        return controller;
    }

    private static CreateTopicSpec Spec(string name, int partitions = -1, short rf = -1, Dictionary<string, string?>? configs = null) =>
        new(name, partitions, rf, configs);

    [Fact]
    public async Task First_start_writes_cluster_id_and_registers_the_broker()
    {
        MetadataImage? published = null;
        using var controller = new TestController(_dir.Path);
        controller.ImagePublished += i => published = i;
        Assert.Same(MetadataImage.Empty, controller.Image);
        await controller.StartAsync(1, [Plain], "rack-a", default);

        var image = controller.Image;
        Assert.Same(image, published);
        Assert.NotNull(image.ClusterId);
        Assert.Equal(22, image.ClusterId!.Length);
        Assert.Equal(Plain, Assert.Single(image.Brokers[1].Endpoints));
        Assert.Equal("rack-a", image.Brokers[1].Rack);
        await Assert.ThrowsAsync<InvalidOperationException>(() => controller.StartAsync(1, [Plain], null, default));
    }

    [Fact]
    public async Task Restart_keeps_cluster_id_and_registers_again_only_on_change()
    {
        string clusterId;
        long offset;
        using (var c = await StartAsync())
        {
            clusterId = c.Image.ClusterId!;
            offset = c.Image.Offset;
        }
        using (var c = await StartAsync())
        {
            Assert.Equal(clusterId, c.Image.ClusterId);
            Assert.Equal(offset, c.Image.Offset);
        }
        using (var c = await StartAsync(endpoint: Plain with { Port = 9093 }))
        {
            Assert.Equal(clusterId, c.Image.ClusterId);
            Assert.Equal(offset + 1, c.Image.Offset);
            Assert.Equal(9093, c.Image.Brokers[1].Endpoints[0].Port);
            Assert.Equal(offset + 1, c.Image.Brokers[1].Epoch);
        }
    }

    [Fact]
    public async Task Operations_before_start_are_refused()
    {
        using var controller = new TestController(_dir.Path);
        // Until the log is replayed this node does not lead the (local) quorum, so it is not the active controller.
        var refused = await Assert.ThrowsAsync<KafkaException>(() => controller.CreateTopicsAsync([Spec("t")], false, default));
        Assert.Equal(ErrorCode.NotController, refused.Code);
    }

    [Fact]
    public async Task Create_topics_uses_defaults_and_writes_partitions_and_configs()
    {
        using var controller = await StartAsync(new ClusterControllerOptions { DefaultNumPartitions = 3 });
        var published = new List<MetadataImage>();
        controller.ImagePublished += published.Add;

        var results = await controller.CreateTopicsAsync(
            [Spec("orders", configs: new() { ["retention.ms"] = "1000", ["segment.ms"] = null }), Spec("__consumer_offsets", 2, 1)],
            validateOnly: false, default);

        Assert.All(results, r => Assert.Equal(ErrorCode.None, r.ErrorCode));
        var orders = results[0];
        Assert.Equal(("orders", 3, (short)1), (orders.Name, orders.NumPartitions, orders.ReplicationFactor));
        Assert.False(orders.TopicId.IsZero);
        Assert.Equal(new Dictionary<string, string> { ["retention.ms"] = "1000" }, orders.Configs);

        var image = Assert.Single(published);
        Assert.Same(image, controller.Image);
        var topic = image.TopicsById[orders.TopicId];
        Assert.Equal("orders", topic.Name);
        Assert.Equal(3, topic.Partitions.Length);
        Assert.All(topic.Partitions, p =>
        {
            Assert.Equal(1, p.Leader);
            Assert.Equal(0, p.LeaderEpoch);
            Assert.Equal(new[] { 1 }, p.Replicas);
            Assert.Equal(new[] { 1 }, p.Isr);
        });
        Assert.Equal("1000", topic.Configs["retention.ms"]);
        Assert.False(topic.Configs.ContainsKey("segment.ms"));
        Assert.True(image.TopicsByName["__consumer_offsets"].IsInternal);
    }

    [Fact]
    public async Task Create_topic_errors()
    {
        using var controller = await StartAsync();
        await controller.CreateTopicsAsync([Spec("existing"), Spec("a.b")], false, default);
        var offset = controller.Image.Offset;

        var results = await controller.CreateTopicsAsync(
        [
            Spec("bad name!"), Spec(""), Spec("."), Spec(".."), Spec(new string('x', 250)),
            Spec("existing"),
            Spec("a_b"),
            Spec("dup"), Spec("dup"),
            Spec("zero-partitions", 0), Spec("negative-partitions", -5),
            Spec("zero-rf", 1, 0), Spec("too-many-replicas", 1, 2),
            Spec("bad-config", configs: new() { ["retention.ms"] = "soon" }),
            Spec("unknown-config", configs: new() { ["unknown.key"] = "1" }),
            Spec("good"),
        ], false, default);

        var byName = results.ToDictionary(r => r.Name, r => r.ErrorCode);
        Assert.Equal(15, results.Count);
        Assert.Equal(ErrorCode.InvalidTopicException, byName["bad name!"]);
        Assert.Equal(ErrorCode.InvalidTopicException, byName[""]);
        Assert.Equal(ErrorCode.InvalidTopicException, byName["."]);
        Assert.Equal(ErrorCode.InvalidTopicException, byName[".."]);
        Assert.Equal(ErrorCode.InvalidTopicException, byName[new string('x', 250)]);
        Assert.Equal(ErrorCode.TopicAlreadyExists, byName["existing"]);
        Assert.Equal(ErrorCode.InvalidTopicException, byName["a_b"]);
        Assert.Equal(ErrorCode.InvalidRequest, byName["dup"]);
        Assert.Equal(ErrorCode.InvalidPartitions, byName["zero-partitions"]);
        Assert.Equal(ErrorCode.InvalidPartitions, byName["negative-partitions"]);
        Assert.Equal(ErrorCode.InvalidReplicationFactor, byName["zero-rf"]);
        Assert.Equal(ErrorCode.InvalidReplicationFactor, byName["too-many-replicas"]);
        Assert.Equal(ErrorCode.InvalidConfig, byName["bad-config"]);
        Assert.Equal(ErrorCode.InvalidConfig, byName["unknown-config"]);
        Assert.Equal(ErrorCode.None, byName["good"]);
        Assert.All(results.Where(r => r.ErrorCode != ErrorCode.None), r =>
        {
            Assert.NotNull(r.ErrorMessage);
            Assert.True(r.TopicId.IsZero);
            Assert.Equal(-1, r.NumPartitions);
            Assert.Null(r.Configs);
        });

        // Only the good topic was written: one TopicRecord and one PartitionRecord.
        Assert.Equal(offset + 2, controller.Image.Offset);
        Assert.Equal(["a.b", "existing", "good"], controller.Image.TopicsByName.Keys.Order());
    }

    [Fact]
    public async Task Topic_names_up_to_249_chars_and_double_underscore_are_legal()
    {
        using var controller = await StartAsync();
        var results = await controller.CreateTopicsAsync([Spec(new string('y', 249)), Spec("__my-internal.ish_topic")], false, default);
        Assert.All(results, r => Assert.Equal(ErrorCode.None, r.ErrorCode));
        Assert.False(controller.Image.TopicsByName["__my-internal.ish_topic"].IsInternal);
    }

    [Fact]
    public async Task Colliding_names_in_one_request_are_refused()
    {
        using var controller = await StartAsync();
        var results = await controller.CreateTopicsAsync([Spec("x.y"), Spec("x_y")], false, default);
        Assert.Equal(ErrorCode.None, results[0].ErrorCode);
        Assert.Equal(ErrorCode.InvalidTopicException, results[1].ErrorCode);
    }

    [Fact]
    public async Task Manual_assignments()
    {
        using var controller = await StartAsync();
        ReplicaAssignment[] good = [new(1, [1]), new(0, [1])];
        var results = await controller.CreateTopicsAsync(
        [
            new CreateTopicSpec("manual", Assignments: good),
            new CreateTopicSpec("both-given", 2, -1, Assignments: good),
            new CreateTopicSpec("gap", Assignments: [new(0, [1]), new(2, [1])]),
            new CreateTopicSpec("unknown-broker", Assignments: [new(0, [7])]),
            new CreateTopicSpec("dup-broker", Assignments: [new(0, [1, 1])]),
            new CreateTopicSpec("empty-replicas", Assignments: [new(0, [])]),
        ], false, default);

        Assert.Equal(ErrorCode.None, results[0].ErrorCode);
        Assert.Equal((2, (short)1), (results[0].NumPartitions, results[0].ReplicationFactor));
        Assert.Equal(ErrorCode.InvalidRequest, results[1].ErrorCode);
        Assert.All(results.Skip(2), r => Assert.Equal(ErrorCode.InvalidReplicaAssignment, r.ErrorCode));
        Assert.Equal(2, controller.Image.TopicsByName["manual"].Partitions.Length);
    }

    [Fact]
    public async Task Too_many_partitions_in_one_request_fail_the_whole_request()
    {
        using var controller = await StartAsync();
        var results = await controller.CreateTopicsAsync([Spec("small", 1), Spec("huge", 20_000)], false, default);
        Assert.All(results, r => Assert.Equal(ErrorCode.PolicyViolation, r.ErrorCode));
        Assert.Empty(controller.Image.TopicsByName);
    }

    [Fact]
    public async Task Validate_only_creates_nothing()
    {
        using var controller = await StartAsync();
        var before = controller.Image;
        var published = 0;
        controller.ImagePublished += _ => published++;

        var results = await controller.CreateTopicsAsync([Spec("orders", 4), Spec("bad", 0)], validateOnly: true, default);

        Assert.Equal(ErrorCode.None, results[0].ErrorCode);
        Assert.Equal(4, results[0].NumPartitions);
        Assert.True(results[0].TopicId.IsZero);
        Assert.Equal(ErrorCode.InvalidPartitions, results[1].ErrorCode);
        Assert.Same(before, controller.Image);
        Assert.Equal(0, published);
        controller.Dispose();
        using var reopened = new MetadataLog(_dir.Path);
        Assert.Equal(before.Offset + 1, reopened.NextOffset);
    }

    [Fact]
    public async Task Delete_topics_by_name_and_id()
    {
        using var controller = await StartAsync();
        var created = await controller.CreateTopicsAsync([Spec("a"), Spec("b"), Spec("c")], false, default);
        var bId = created[1].TopicId;

        var results = await controller.DeleteTopicsAsync(
        [
            ("a", null),
            (null, bId),
            ("missing", null),
            (null, Uuid.NewRandom()),
            ("c", created[2].TopicId),
            (null, null),
        ], default);

        Assert.Equal(new DeleteTopicResult("a", created[0].TopicId, ErrorCode.None, null), results[0]);
        Assert.Equal(new DeleteTopicResult("b", bId, ErrorCode.None, null), results[1]);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, results[2].ErrorCode);
        Assert.Equal(ErrorCode.UnknownTopicId, results[3].ErrorCode);
        Assert.Equal(ErrorCode.InvalidRequest, results[4].ErrorCode);
        Assert.Equal(ErrorCode.InvalidRequest, results[5].ErrorCode);
        Assert.Equal(["c"], controller.Image.TopicsByName.Keys);

        // A zero id means "by name"; naming the same topic twice is refused and deletes nothing.
        var twice = await controller.DeleteTopicsAsync([("c", Uuid.Zero), (null, created[2].TopicId)], default);
        Assert.All(twice, r => Assert.Equal(ErrorCode.InvalidRequest, r.ErrorCode));
        Assert.Single(controller.Image.TopicsByName);
    }

    [Fact]
    public async Task Restart_yields_the_same_image_with_stable_topic_ids()
    {
        MetadataImage before;
        using (var c = await StartAsync())
        {
            await c.CreateTopicsAsync([Spec("a", 2, configs: new() { ["retention.ms"] = "5" }), Spec("b"), Spec("c")], false, default);
            await c.DeleteTopicsAsync([("b", null)], default);
            await c.AllocateProducerIdBlockAsync(1000, default);
            before = c.Image;
        }

        using var restarted = await StartAsync();
        var after = restarted.Image;
        Assert.Equal(before.ClusterId, after.ClusterId);
        Assert.Equal(before.Offset, after.Offset);
        Assert.Equal(before.NextProducerId, after.NextProducerId);
        Assert.Equal(before.TopicsByName.Keys.Order(), after.TopicsByName.Keys.Order());
        foreach (var (name, topic) in before.TopicsByName)
        {
            var t = after.TopicsByName[name];
            Assert.Equal(topic.Id, t.Id);
            Assert.Same(t, after.TopicsById[t.Id]);
            Assert.Equal(topic.Configs, t.Configs);
            Assert.Equal(topic.Partitions.Length, t.Partitions.Length);
            for (var i = 0; i < t.Partitions.Length; i++)
            {
                Assert.Equal(topic.Partitions[i].Replicas.ToArray(), t.Partitions[i].Replicas.ToArray());
                Assert.Equal(topic.Partitions[i].Leader, t.Partitions[i].Leader);
            }
        }
    }

    [Fact]
    public async Task Producer_id_blocks_are_unique_across_restarts()
    {
        var starts = new List<long>();
        using (var c = await StartAsync())
        {
            starts.Add(await c.AllocateProducerIdBlockAsync(1000, default));
            starts.Add(await c.AllocateProducerIdBlockAsync(10, default));
        }
        using (var c = await StartAsync())
        {
            starts.Add(await c.AllocateProducerIdBlockAsync(1000, default));
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => c.AllocateProducerIdBlockAsync(0, default));
        }
        Assert.Equal([0L, 1000L, 1010L], starts);
    }

    [Fact]
    public async Task Replicas_are_placed_round_robin_over_registered_brokers()
    {
        // A second broker registered through the log, as a future multi-broker quorum would do.
        using (var log = new MetadataLog(_dir.Path))
        {
            await LocalLog.AppendAsync(log, [new ClusterIdRecord("c"), new RegisterBrokerRecord(2, [Plain with { Host = "b2" }], null)], default);
        }
        using var controller = await StartAsync();
        var results = await controller.CreateTopicsAsync([Spec("t", 4, 2), Spec("three", 1, 3)], false, default);
        Assert.Equal(ErrorCode.None, results[0].ErrorCode);
        Assert.Equal(ErrorCode.InvalidReplicationFactor, results[1].ErrorCode);

        var partitions = controller.Image.TopicsByName["t"].Partitions;
        Assert.Equal([1, 2, 1, 2], partitions.Select(p => p.Leader));
        Assert.All(partitions, p =>
        {
            Assert.Equal(2, p.Replicas.Distinct().Count());
            Assert.Equal(p.Replicas[0], p.Leader);
        });
    }

    [Fact]
    public async Task Concurrent_creates_are_serialized()
    {
        using var controller = await StartAsync();
        var tasks = Enumerable.Range(0, 20).Select(i => controller.CreateTopicsAsync([Spec($"t{i}")], false, default)).ToArray();
        await Task.WhenAll(tasks);
        Assert.Equal(20, controller.Image.TopicsByName.Count);
        Assert.Equal(20, controller.Image.TopicsById.Count);
    }

    [Fact]
    public async Task Subscriber_exceptions_do_not_fail_the_write()
    {
        using var controller = await StartAsync();
        controller.ImagePublished += _ => throw new InvalidOperationException("boom");
        var results = await controller.CreateTopicsAsync([Spec("t")], false, default);
        Assert.Equal(ErrorCode.None, results[0].ErrorCode);
        Assert.True(controller.Image.TopicsByName.ContainsKey("t"));
    }
}
