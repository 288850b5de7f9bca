using Brook.Common;
using Brook.Metadata;
using Brook.Metadata.Records;
using Brook.Protocol.Records;
using Brook.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Brook.Replication.Tests;

/// <summary>
/// The high-watermark checkpoint runs on a timer while topics are deleted and recreated. A checkpoint that meets a
/// partition whose directory a deletion just removed must pass over it: reporting that as a disk failure took the
/// whole log directory offline — and with it every other partition and the metadata log (seen in CI, delete + recreate).
/// </summary>
public sealed class CheckpointDuringDeletionTests : IDisposable
{
    private const int Local = 1;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "brook-checkpoint-tests", Guid.NewGuid().ToString("N"));
    private readonly GroupCommitFlusher _flusher = new(NullLogger<GroupCommitFlusher>.Instance);

    public void Dispose()
    {
        _flusher.Dispose();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static byte[] Batch()
    {
        using var builder = new RecordBatchBuilder();
        builder.Add(0, [1], [1]);
        return builder.Build();
    }

    // "kept" lives through the whole test; "churn" (4 partitions) exists only in images that have a topic id for it.
    private static MetadataImage Image(Uuid? churnId)
    {
        var kept = new Uuid(7, 7);
        var records = new List<MetadataRecord> { new TopicRecord("kept", kept), new PartitionRecord(kept, 0, [Local], [Local], Local, 0, 0) };
        if (churnId is { } id)
        {
            records.Add(new TopicRecord("churn", id));
            for (var i = 0; i < 4; i++) records.Add(new PartitionRecord(id, i, [Local], [Local], Local, 0, 0));
        }
        return MetadataImage.Empty.Apply(new MetadataBatch(0, records));
    }

    [Fact]
    public async Task Checkpoints_racing_topic_deletion_and_recreation_never_take_the_directory_offline()
    {
        var dir = new LogDirectory(Path.Combine(_root, "a"), new Uuid(1, 1));
        using var replicas = new ReplicaManager(new LogDirectories([dir]), Local, _ => new PartitionSettings(new LogConfig(), 1_000_000, false),
            _flusher, NullLoggerFactory.Instance, new FakeTimeProvider(), flushOnAck: false);
        var offline = 0;
        replicas.DirectoryOffline += _ => Interlocked.Increment(ref offline);

        using var stop = new CancellationTokenSource();
        var checkpointer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested) replicas.CheckpointHighWatermarks();
        });
        try
        {
            // Bounded in rounds and in time: each round moves every high watermark, then deletes or recreates the topic.
            var deadline = DateTime.UtcNow.AddSeconds(5);
            for (var round = 1; round <= 300 && DateTime.UtcNow < deadline && Volatile.Read(ref offline) == 0; round++)
            {
                replicas.Apply(Image(new Uuid(100, round)));
                for (var i = 0; i < 4; i++)
                {
                    var (partition, error) = replicas.GetLeaderPartition(new TopicPartition("churn", i));
                    Assert.Equal(ErrorCode.None, error);
                    Assert.Equal(ErrorCode.None, partition!.AppendAsLeader(Batch()).Error);
                }
                // Odd rounds delete the topic; even rounds go straight to a new topic id (delete + recreate in one image).
                if (round % 2 == 1) replicas.Apply(Image(null));
            }
        }
        finally
        {
            stop.Cancel();
            await checkpointer;
        }

        Assert.Equal(0, offline);
        Assert.True(dir.IsOnline, dir.OfflineReason);
        var (kept, keptError) = replicas.GetLeaderPartition(new TopicPartition("kept", 0));
        Assert.Equal(ErrorCode.None, keptError);
        Assert.Equal(ErrorCode.None, kept!.AppendAsLeader(Batch()).Error);
    }
}
