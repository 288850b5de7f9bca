using Brook.Common;

namespace Brook.Metadata.Tests;

/// <summary>New replicas go to active brokers only, spread over racks when brokers have one.</summary>
public sealed class ReplicaPlacementTests : IDisposable
{
    private readonly LifecycleHarness _h = new();

    public void Dispose() => _h.Dispose();

    private async Task<CreateTopicResult> CreateAsync(string name, int partitions, short rf, IReadOnlyList<ReplicaAssignment>? assignments = null) =>
        Assert.Single(await _h.Controller.CreateTopicsAsync([new CreateTopicSpec(name, partitions, rf, null, assignments)], false, default));

    [Fact]
    public async Task Only_unfenced_brokers_receive_replicas_and_a_larger_replication_factor_is_refused()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1, 2, 3);
        await _h.HeartbeatAsync(2, wantFence: true);

        Assert.Equal(ErrorCode.None, (await CreateAsync("two", 6, 2)).ErrorCode);
        Assert.All(_h.Partitions("two"), p => Assert.DoesNotContain(2, p.Replicas));

        var refused = await CreateAsync("three", 1, 3);
        Assert.Equal(ErrorCode.InvalidReplicationFactor, refused.ErrorCode);
        Assert.Contains("only 2 broker(s)", refused.ErrorMessage);

        var additions = await _h.Controller.CreatePartitionsAsync([new PartitionAdditionSpec("two", 8)], false, default);
        Assert.Equal(ErrorCode.None, Assert.Single(additions).ErrorCode);
        Assert.All(_h.Partitions("two"), p => Assert.DoesNotContain(2, p.Replicas));
    }

    [Fact]
    public async Task A_broker_in_controlled_shutdown_receives_no_new_replicas()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1, 2);
        await _h.CreateTopicAsync("held", 1, 1); // so broker 1 leads something and its shutdown takes a while
        var shuttingDown = _h.Partition("held", 0).Leader;
        await _h.HeartbeatAsync(shuttingDown, wantShutDown: true);
        Assert.True(_h.Image.Brokers[shuttingDown].InControlledShutdown);

        Assert.Equal(ErrorCode.None, (await CreateAsync("later", 4, 1)).ErrorCode);
        Assert.All(_h.Partitions("later"), p => Assert.NotEqual(shuttingDown, Assert.Single(p.Replicas)));
    }

    [Fact]
    public async Task All_brokers_fenced_is_reported_as_such()
    {
        await _h.StartAsync();
        await _h.RegisterAsync(1);
        var refused = await CreateAsync("t", 1, 1);
        Assert.Equal(ErrorCode.InvalidReplicationFactor, refused.ErrorCode);
        Assert.Contains("fenced", refused.ErrorMessage);
    }

    [Fact]
    public async Task Replicas_of_each_partition_spread_over_the_racks()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync((1, "a"), (2, "a"), (3, "b"), (4, "b"), (5, "c"), (6, "c"));
        var rackOf = _h.Image.Brokers.Values.ToDictionary(b => b.Id, b => b.Rack);

        await _h.CreateTopicAsync("three", 12, 3);
        foreach (var p in _h.Partitions("three")) Assert.Equal(3, p.Replicas.Select(r => rackOf[r]).Distinct().Count());
        // Leadership goes round the interleaved broker list: every broker leads as many partitions.
        Assert.All(_h.Partitions("three").GroupBy(p => p.Leader), g => Assert.Equal(2, g.Count()));
        Assert.Equal(6, _h.Partitions("three").Select(p => p.Leader).Distinct().Count());

        await _h.CreateTopicAsync("two", 6, 2);
        foreach (var p in _h.Partitions("two")) Assert.Equal(2, p.Replicas.Select(r => rackOf[r]).Distinct().Count());

        // More replicas than racks: every rack first, then a second broker of some rack.
        await _h.CreateTopicAsync("four", 3, 4);
        foreach (var p in _h.Partitions("four"))
        {
            Assert.Equal(4, p.Replicas.Distinct().Count());
            Assert.Equal(3, p.Replicas.Select(r => rackOf[r]).Distinct().Count());
        }
    }

    [Fact]
    public async Task Brokers_without_a_rack_count_as_a_rack_of_their_own()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync((1, "a"), (2, "a"), (3, null));
        await _h.CreateTopicAsync("t", 4, 2);
        foreach (var p in _h.Partitions("t"))
            Assert.Equal(2, p.Replicas.Select(r => _h.Image.Brokers[r].Rack ?? "<none>").Distinct().Count());
    }

    [Fact]
    public async Task Without_racks_placement_stays_round_robin_by_id()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1, 2, 3);
        await _h.CreateTopicAsync("t", 3, 2);
        Assert.Equal([[1, 2], [2, 3], [3, 1]], _h.Partitions("t").Select(p => p.Replicas.ToArray()));
    }

    [Fact]
    public async Task A_manual_assignment_leaves_fenced_replicas_out_of_the_isr_and_needs_one_active_replica()
    {
        await _h.StartAsync();
        await _h.StartBrokersAsync(1, 2, 3);
        await _h.HeartbeatAsync(1, wantFence: true);
        await _h.HeartbeatAsync(2, wantFence: true);

        var ok = await CreateAsync("t", -1, -1, [new ReplicaAssignment(0, [1, 3])]);
        Assert.Equal(ErrorCode.None, ok.ErrorCode);
        var p = _h.Partition("t", 0);
        Assert.Equal(new[] { 1, 3 }, p.Replicas);
        Assert.Equal(new[] { 3 }, p.Isr);
        Assert.Equal(3, p.Leader);

        var refused = await CreateAsync("u", -1, -1, [new ReplicaAssignment(0, [1, 2])]);
        Assert.Equal(ErrorCode.InvalidReplicaAssignment, refused.ErrorCode);
    }
}
