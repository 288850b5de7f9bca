using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata.Records;
using Brook.Raft;
using Brook.Raft.Messages;

namespace Brook.Metadata.Tests;

/// <summary>
/// Metadata snapshots (KIP-630): an image written out as records rebuilds the same image, registrations keep their
/// epochs and statuses away from the offsets that made them, and a node snapshots by the policy's byte count, trims its
/// log and restarts from the snapshot plus the tail.
/// </summary>
public sealed class MetadataSnapshotTests : IDisposable
{
    private static readonly BrokerEndpoint Plain = new("PLAINTEXT", "localhost", 9092, SecurityProtocol.Plaintext);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static MetadataImage SampleImage()
    {
        var orders = new Uuid(1, 2);
        var audit = new Uuid(3, 4);
        return MetadataImage.Replay(
        [
            new MetadataBatch(0, [new ClusterIdRecord("c1"), new RegisterBrokerRecord(1, [Plain], "r1", Fenced: true)]),
            new MetadataBatch(2, [new RegisterBrokerRecord(2, [Plain with { Port = 9093 }], null, Fenced: true),
                new BrokerRegistrationChangeRecord(1, 1, BrokerStatus.Unfenced)]),
            new MetadataBatch(4, [new RegisterBrokerRecord(3, [Plain with { Port = 9094 }], "r2", Fenced: true),
                new BrokerRegistrationChangeRecord(3, 4, BrokerStatus.Unfenced), new BrokerRegistrationChangeRecord(3, 4, BrokerStatus.ControlledShutdown)]),
            new MetadataBatch(7, [new TopicRecord("orders", orders), new PartitionRecord(orders, 0, [1, 2, 3], [1, 3], 1, 4, 9),
                new PartitionRecord(orders, 1, [2, 3, 1], [2, 3, 1], 2, 0, 0), new ConfigRecord(ConfigResourceType.Topic, "orders", "retention.ms", "1000"),
                new ConfigRecord(ConfigResourceType.Topic, "orders", "cleanup.policy", "compact")]),
            new MetadataBatch(12, [new TopicRecord("audit", audit), new PartitionRecord(audit, 0, [3], [3], 3, 0, 0),
                new ConfigRecord(ConfigResourceType.Broker, "", "log.retention.ms", "5000"),
                new ConfigRecord(ConfigResourceType.Broker, "2", "log.cleaner.threads", "2"), new ProducerIdsRecord(1, 3000)]),
        ]);
    }

    private static byte[][] Serialized(MetadataImage image) => MetadataImageRecords.From(image).Select(MetadataRecordSerde.Serialize).ToArray();

    [Fact]
    public void An_image_written_as_records_rebuilds_the_same_image()
    {
        var image = SampleImage();
        var delta = new MetadataDelta(MetadataImage.Empty);
        delta.ReplaySnapshot(MetadataImageRecords.From(image).Select(r => MetadataRecordSerde.Deserialize(MetadataRecordSerde.Serialize(r))).ToList());
        var rebuilt = delta.Build(image.Offset);

        Assert.Equal(image.Offset, rebuilt.Offset);
        Assert.Equal(Serialized(image), Serialized(rebuilt));
        Assert.Equal("c1", rebuilt.ClusterId);
        Assert.Equal([1L, 2L, 4L], rebuilt.Brokers.Values.Select(b => b.Epoch));
        Assert.Equal([BrokerStatus.Unfenced, BrokerStatus.Fenced, BrokerStatus.ControlledShutdown], rebuilt.Brokers.Values.Select(b => b.Status));
        var orders = rebuilt.TopicsByName["orders"];
        Assert.Equal(new Uuid(1, 2), orders.Id);
        Assert.Equal(new PartitionImage(0, 1, 4, 9, [1, 2, 3], [1, 3]).ToString(), orders.Partitions[0].ToString());
        Assert.Equal("compact", orders.Configs["cleanup.policy"]);
        Assert.Equal("2", rebuilt.BrokerConfigs["2"]["log.cleaner.threads"]);
        Assert.Equal(3000, rebuilt.NextProducerId);
        // Records after the snapshot apply as they would on the original image: broker 2's epoch matches.
        var next = rebuilt.Apply(new BrokerRegistrationChangeRecord(2, 2, BrokerStatus.Unfenced), image.Offset + 1);
        Assert.True(next.Brokers[2].IsActive);
    }

    [Fact]
    public void A_snapshot_registration_without_an_epoch_is_refused()
    {
        var delta = new MetadataDelta(MetadataImage.Empty);
        Assert.Throws<InvalidDataException>(() => delta.ReplaySnapshot([new RegisterBrokerRecord(1, [Plain], null)]));
    }

    [Fact]
    public void The_policy_is_due_by_bytes_or_by_time_when_anything_arrived()
    {
        var policy = new MetadataSnapshotPolicy(1000, TimeSpan.FromMinutes(1));
        Assert.False(policy.IsDue(999, TimeSpan.FromSeconds(59)));
        Assert.True(policy.IsDue(1000, TimeSpan.Zero));
        Assert.True(policy.IsDue(1, TimeSpan.FromMinutes(1)));
        Assert.False(policy.IsDue(0, TimeSpan.FromHours(5)));
        Assert.False((policy with { MaxInterval = TimeSpan.Zero }).IsDue(1, TimeSpan.FromHours(5)));
    }

    private sealed class NoPeers : IRaftTransport
    {
        public void Send(int destinationId, RaftMessage message) { }
    }

    private async Task<(RaftMetadataQuorum Quorum, MetadataView View, ClusterController Controller)> StartAsync(MetadataSnapshotPolicy policy)
    {
        var quorum = new RaftMetadataQuorum(new RaftConfig { NodeId = 1, ClusterId = "c1", Voters = [1] }, _dir.Path, new NoPeers(), TimeProvider.System,
            snapshots: policy);
        var view = new MetadataView();
        await quorum.StartAsync(new MetadataLoader(view), default);
        await quorum.WaitUntilCaughtUpAsync(default).WaitAsync(TimeSpan.FromSeconds(20));
        return (quorum, view, new ClusterController(quorum, view, new ClusterControllerOptions { ClusterId = "c1" }));
    }

    private string SnapshotDirectory => Raft.Storage.FileRaftLog.PartitionDirectory(_dir.Path);

    [Fact]
    public async Task A_node_snapshots_after_the_configured_bytes_trims_its_log_and_restarts_from_the_snapshot()
    {
        var policy = new MetadataSnapshotPolicy(MaxRecordBytesBetweenSnapshots: 2048, MaxInterval: TimeSpan.Zero);
        long brokerEpoch;
        byte[][] before;
        var (quorum, view, controller) = await StartAsync(policy);
        using (quorum)
        {
            brokerEpoch = await controller.RegisterBrokerAsync(1, [Plain], "r1", default);
            await controller.BrokerHeartbeatAsync(new BrokerHeartbeatSpec(1, brokerEpoch, view.Image.Offset, false, false), default);
            for (var i = 0; i < 40; i++)
                Assert.Equal(ErrorCode.None, (await controller.CreateTopicsAsync([new CreateTopicSpec($"topic-{i:D2}", 4, 1, null)], false, default))[0].ErrorCode);
            await WaitForAsync(() => Directory.GetFiles(SnapshotDirectory, "*.checkpoint").Length > 0);
            await controller.DeleteTopicsAsync([("topic-00", null)], default);
            before = Serialized(view.Image);
        }

        var (again, againView, againController) = await StartAsync(policy);
        using (again)
        {
            // The image is the snapshot's plus the tail: the same records as before the restart.
            Assert.Equal(before, Serialized(againView.Image));
            Assert.Equal(brokerEpoch, againView.Image.Brokers[1].Epoch);
            Assert.False(againView.Image.TopicsByName.ContainsKey("topic-00"));
            Assert.Equal(4, againView.Image.TopicsByName["topic-39"].Partitions.Length);
            // The controller keeps working on top of a loaded snapshot.
            Assert.Equal(ErrorCode.None, (await againController.CreateTopicsAsync([new CreateTopicSpec("after", 1, 1, null)], false, default))[0].ErrorCode);
            var status = await again.Server!.DescribeQuorumAsync();
            Assert.NotNull(status);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met");
            await Task.Delay(20);
        }
    }
}
