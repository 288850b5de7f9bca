using Brook.Common;
using Brook.Metadata;
using Brook.Metadata.Records;
using Brook.Protocol.Records;
using Brook.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Brook.Replication.Tests;

/// <summary>
/// AlterReplicaLogDirs on the replica manager: a replica moves to another log directory while appends go on, keeps
/// every record, offset and leader epoch, and is found in its new directory after a restart; bad requests get Kafka's
/// errors.
/// </summary>
public sealed class ReplicaLogMoveTests : IDisposable
{
    private const int Local = 1;
    private static readonly Uuid TopicId = new(5, 5);
    private static readonly TopicPartition Id = new("t", 0);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "brook-logmove-tests", Guid.NewGuid().ToString("N"));
    private readonly GroupCommitFlusher _flusher = new(NullLogger<GroupCommitFlusher>.Instance);

    public void Dispose()
    {
        _flusher.Dispose();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private string DirA => Path.Combine(_root, "a");
    private string DirB => Path.Combine(_root, "b");

    private ReplicaManager Manager() =>
        new(new LogDirectories([new LogDirectory(DirA, new Uuid(1, 1)), new LogDirectory(DirB, new Uuid(2, 2))]), Local,
            _ => new PartitionSettings(new LogConfig { SegmentBytes = 64 * 1024 }, 1_000_000, false), _flusher, NullLoggerFactory.Instance,
            new FakeTimeProvider(), flushOnAck: false);

    private static MetadataImage Image(int leaderEpoch) => MetadataImage.Empty.Apply(new MetadataBatch(0,
        [new TopicRecord("t", TopicId), new PartitionRecord(TopicId, 0, [Local], [Local], Local, leaderEpoch, leaderEpoch)]));

    private static byte[] Batch(int n)
    {
        using var builder = new RecordBatchBuilder();
        for (var i = 0; i < 10; i++) builder.Add(0, [(byte)n], new byte[500]);
        return builder.Build();
    }

    [Fact]
    public async Task A_replica_moves_while_appends_go_on_and_keeps_every_record_and_epoch()
    {
        string to;
        using (var replicas = Manager())
        {
            replicas.Apply(Image(0));
            Assert.True(replicas.TryGetPartition(Id, out var partition));
            var from = replicas.HomeOf(Id)!;
            to = from.Path == Path.GetFullPath(DirA) ? DirB : DirA;
            for (var i = 0; i < 200; i++) Assert.Equal(ErrorCode.None, partition.AppendAsLeader(Batch(i)).Error);
            replicas.Apply(Image(3)); // a later leader epoch, so the copy has two
            for (var i = 0; i < 50; i++) partition.AppendAsLeader(Batch(i));

            var moved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            replicas.ReplicaMoved += _ => moved.TrySetResult();
            Assert.Equal(ErrorCode.None, replicas.AlterReplicaLogDir(Id, to));
            Assert.Equal(ErrorCode.None, replicas.AlterReplicaLogDir(Id, to)); // the same move again: already running
            var appended = 250;
            while (!moved.Task.IsCompleted && appended < 5000)
            {
                Assert.Equal(ErrorCode.None, partition.AppendAsLeader(Batch(appended)).Error);
                appended++;
            }
            await moved.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(ErrorCode.None, partition.AppendAsLeader(Batch(appended++)).Error);

            Assert.Equal(Path.GetFullPath(to), replicas.HomeOf(Id)!.Path);
            Assert.Equal(Path.Combine(Path.GetFullPath(to), "t-0"), partition.Log.Directory);
            Assert.False(Directory.Exists(Path.Combine(from.Path, "t-0")));
            Assert.Empty(Directory.EnumerateDirectories(from.Path));
            Assert.Equal(appended * 10L, partition.Log.LogEndOffset);
            Assert.Equal([0, 3], partition.Log.LeaderEpochs.Select(e => e.Epoch));
            Assert.Equal(2000, partition.Log.LeaderEpochs[1].StartOffset);
            Assert.Empty(replicas.Moves);
        }

        using var reopened = Manager();
        reopened.Apply(Image(3));
        Assert.True(reopened.TryGetPartition(Id, out var again));
        Assert.Equal(Path.Combine(Path.GetFullPath(to), "t-0"), again.Log.Directory);
        Assert.True(again.Log.LogEndOffset > 2500);
        var read = again.Log.Read(0, 1 << 20, long.MaxValue, minOneBatch: true);
        Assert.Equal(ErrorCode.None, read.Error);
        Assert.True(read.Records.SizeInBytes > 0);
    }

    [Fact]
    public void Bad_requests_get_kafkas_errors()
    {
        using var replicas = Manager();
        replicas.Apply(Image(0));
        Assert.Equal(ErrorCode.LogDirNotFound, replicas.AlterReplicaLogDir(Id, Path.Combine(_root, "elsewhere")));
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, replicas.AlterReplicaLogDir(new TopicPartition("nope", 0), DirA));
        Assert.Equal(ErrorCode.None, replicas.AlterReplicaLogDir(Id, replicas.HomeOf(Id)!.Path)); // already there
        Assert.Empty(replicas.Moves);
    }
}
