using Brook.Common;
using Brook.Metadata;
using Brook.Metadata.Records;
using Brook.Protocol.Records;
using Brook.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Brook.Replication.Tests;

/// <summary>
/// Several log directories (JBOD): new partitions spread over them, a restarted manager finds each partition where it
/// lives, and a directory that fails takes only its own partitions out of service (KAFKA_STORAGE_ERROR).
/// </summary>
public sealed class LogDirectoryFailureTests : IDisposable
{
    private const int Local = 1;
    private static readonly Uuid TopicId = new(9, 9);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "brook-logdir-tests", Guid.NewGuid().ToString("N"));
    private readonly GroupCommitFlusher _flusher = new(NullLogger<GroupCommitFlusher>.Instance);

    public void Dispose()
    {
        _flusher.Dispose();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private LogDirectories Dirs() => new([new LogDirectory(Path.Combine(_root, "a"), new Uuid(1, 1)), new LogDirectory(Path.Combine(_root, "b"), new Uuid(2, 2))]);

    private ReplicaManager Manager(LogDirectories dirs) =>
        new(dirs, Local, _ => new PartitionSettings(new LogConfig(), 1_000_000, false), _flusher, NullLoggerFactory.Instance, new FakeTimeProvider(), flushOnAck: false);

    private static byte[] Batch()
    {
        using var builder = new RecordBatchBuilder();
        builder.Add(0, [1], [1]);
        return builder.Build();
    }

    private static MetadataImage Image(int partitions)
    {
        var records = new List<MetadataRecord> { new TopicRecord("t", TopicId) };
        for (var i = 0; i < partitions; i++) records.Add(new PartitionRecord(TopicId, i, [Local], [Local], Local, 0, 0));
        return MetadataImage.Empty.Apply(new MetadataBatch(0, records));
    }

    [Fact]
    public void New_partitions_go_to_the_directory_with_the_fewest_and_are_found_there_after_a_restart()
    {
        var dirs = Dirs();
        var homes = new Dictionary<int, string>();
        using (var replicas = Manager(dirs))
        {
            replicas.Apply(Image(4));
            for (var i = 0; i < 4; i++) homes[i] = replicas.HomeOf(new TopicPartition("t", i))!.Path;
        }
        Assert.Equal(2, homes.Values.Count(h => h == dirs.All[0].Path));
        Assert.Equal(2, homes.Values.Count(h => h == dirs.All[1].Path));

        using var reopened = Manager(Dirs());
        reopened.Apply(Image(4));
        for (var i = 0; i < 4; i++) Assert.Equal(homes[i], reopened.HomeOf(new TopicPartition("t", i))!.Path);
    }

    [Fact]
    public async Task A_failed_directory_takes_its_partitions_offline_and_the_other_keeps_serving()
    {
        var dirs = Dirs();
        using var replicas = Manager(dirs);
        var offline = new TaskCompletionSource<LogDirectory>(TaskCreationOptions.RunContinuationsAsynchronously);
        replicas.DirectoryOffline += d => offline.TrySetResult(d);
        replicas.Apply(Image(4));
        var victim = replicas.HomeOf(new TopicPartition("t", 0))!;
        Assert.True(replicas.TryGetPartition(new TopicPartition("t", 0), out var failing));

        failing.ReportStorageFailure("injected");
        Assert.Same(victim, await offline.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(victim.IsOnline);
        Assert.True(failing.IsOffline);

        for (var i = 0; i < 4; i++)
        {
            var id = new TopicPartition("t", i);
            var (partition, error) = replicas.GetLeaderPartition(id);
            if (replicas.OfflinePartitions.Any(o => o.Id == id))
            {
                Assert.Null(partition);
                Assert.Equal(ErrorCode.KafkaStorageError, error);
            }
            else
            {
                Assert.Equal(ErrorCode.None, error);
                var result = partition!.AppendAsLeader(Batch());
                Assert.Equal(ErrorCode.None, result.Error);
            }
        }
        Assert.Equal(2, replicas.OfflinePartitions.Count());

        // A later image does not bring them back: the directory stays offline until the broker restarts.
        replicas.Apply(Image(4));
        Assert.Equal(ErrorCode.KafkaStorageError, replicas.GetLeaderPartition(new TopicPartition("t", 0)).Error);
    }
}
