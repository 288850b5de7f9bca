using Brook.Common;
using Brook.Metadata;
using Brook.Metadata.Records;
using Brook.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Brook.Replication.Tests;

/// <summary>
/// The replica manager reports each hosted partition's leadership changes once it has applied the image that made
/// them: what the group and transaction coordinators follow to load and unload their partitions.
/// </summary>
public sealed class LeadershipChangeTests : IDisposable
{
    private const int Local = 1;
    private static readonly Uuid TopicId = new(7, 7);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "brook-leadership-tests", Guid.NewGuid().ToString("N"));
    private readonly GroupCommitFlusher _flusher = new(NullLogger<GroupCommitFlusher>.Instance);
    private readonly ReplicaManager _replicas;
    private readonly List<string> _changes = [];
    private MetadataImage _image = MetadataImage.Empty;
    private long _offset;

    public LeadershipChangeTests()
    {
        _replicas = new ReplicaManager(_dir, Local, _ => new PartitionSettings(new LogConfig(), 1_000_000, false), _flusher,
            NullLoggerFactory.Instance, new FakeTimeProvider(), flushOnAck: false);
        _replicas.LeadershipChanged += c =>
        {
            // Raised after the image is applied: the partition already says what the change says.
            if (c.IsLeader) Assert.True(_replicas.TryGetPartition(c.Partition, out var p) && p.IsLeader && p.LeaderEpoch == c.LeaderEpoch);
            _changes.Add($"{c.Partition}:{(c.IsLeader ? "leader" : "not-leader")}@{c.LeaderEpoch}");
        };
    }

    public void Dispose()
    {
        _replicas.Dispose();
        _flusher.Dispose();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private List<string> Apply(params MetadataRecord[] records)
    {
        _image = _image.Apply(new MetadataBatch(_offset, records));
        _offset += records.Length;
        _changes.Clear();
        _replicas.Apply(_image);
        return [.. _changes];
    }

    private static PartitionRecord Partition(int index, int leader, int epoch, int partitionEpoch = -1) =>
        new(TopicId, index, [1, 2], leader < 0 ? [2] : [leader], leader, epoch, partitionEpoch < 0 ? epoch : partitionEpoch);

    [Fact]
    public void Becoming_leader_losing_it_and_new_epochs_are_each_reported_once()
    {
        Assert.Equal(["t-0:leader@0"], Apply(new TopicRecord("t", TopicId), Partition(0, Local, 0), Partition(1, 2, 0)));

        // Leadership swaps: one partition lost, the other gained.
        Assert.Equal(["t-0:not-leader@1", "t-1:leader@1"], Apply(Partition(0, 2, 1), Partition(1, Local, 1)));

        // Led again in a newer epoch: reported as leadership in that epoch, no loss in between.
        Assert.Equal(["t-1:leader@2"], Apply(Partition(1, Local, 2)));

        // Only the partition epoch moved (an ISR change): nothing to report. Nor for a partition led elsewhere.
        Assert.Empty(Apply(Partition(1, Local, 2, partitionEpoch: 5), Partition(0, 2, 1, partitionEpoch: 4)));

        // No leader at all counts as not leading.
        Assert.Equal(["t-1:not-leader@3"], Apply(Partition(1, -1, 3)));
    }

    [Fact]
    public void A_partition_moved_off_this_broker_ends_its_leadership_wakes_its_waiters_and_deletes_its_log()
    {
        Apply(new TopicRecord("t", TopicId), Partition(0, Local, 0));
        Assert.True(_replicas.TryGetPartition(new TopicPartition("t", 0), out var partition));
        var dir = Path.Combine(_dir, "t-0");
        Assert.True(Directory.Exists(dir));
        var woken = partition.HighWatermarkMoved.WaitTask;

        // A reassignment to [2, 3] completed: this broker is no replica any more, broker 2 leads in epoch 1.
        var moved = new PartitionRecord(TopicId, 0, [2, 3], [2, 3], 2, 1, 1);
        Assert.Equal(["t-0:not-leader@0"], Apply(moved)); // reported with the epoch it was led in, as for a deleted topic

        Assert.True(woken.IsCompleted); // an acks=all wait on it now sees that it is no longer leader
        Assert.False(partition.IsLeader);
        Assert.False(_replicas.TryGetPartition(new TopicPartition("t", 0), out _));
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void A_deleted_topic_reports_the_end_of_its_leadership_with_the_last_epoch()
    {
        Apply(new TopicRecord("t", TopicId), Partition(0, Local, 4), Partition(1, Local, 2));
        Assert.Equal(["t-0:not-leader@4", "t-1:not-leader@2"], Apply(new RemoveTopicRecord(TopicId)).Order());
    }

    [Fact]
    public void A_failing_subscriber_does_not_keep_the_others_from_hearing()
    {
        _replicas.LeadershipChanged += _ => throw new InvalidOperationException("subscriber bug");
        var late = new List<LeadershipChange>();
        _replicas.LeadershipChanged += late.Add;
        Apply(new TopicRecord("t", TopicId), Partition(0, Local, 0));
        Assert.Equal([new LeadershipChange(new TopicPartition("t", 0), true, 0)], late);
    }
}
