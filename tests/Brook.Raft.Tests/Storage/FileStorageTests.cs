using System.Text;
using Brook.Raft.Messages;
using Brook.Raft.Storage;
using Brook.Raft.Tests.Simulation;

namespace Brook.Raft.Tests.Storage;

/// <summary>The file-backed log, quorum-state and snapshot store on real temp directories; restart = reopen.</summary>
public sealed class FileStorageTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly SimClock _clock = new();

    private string PartitionDir => FileRaftLog.PartitionDirectory(_temp.Path);

    public void Dispose() => _temp.Dispose();

    private static byte[] Batch(long baseOffset, int epoch, params string[] values) =>
        RaftBatches.BuildData(baseOffset, epoch, 1_000, [.. values.Select(Encoding.UTF8.GetBytes)]);

    [Fact]
    public void Quorum_state_survives_a_reopen_and_is_replaced_atomically()
    {
        var store = new FileQuorumStateStore(PartitionDir);
        Assert.Null(store.Read());
        store.Write(new ElectionState(3, -1, 2));
        store.Write(new ElectionState(4, 1, -1));
        Assert.Equal(new ElectionState(4, 1, -1), new FileQuorumStateStore(PartitionDir).Read());
        Assert.Equal([FileQuorumStateStore.FileName], Directory.GetFiles(PartitionDir).Select(Path.GetFileName));
        var json = File.ReadAllText(store.FilePath);
        Assert.Contains("\"leaderEpoch\":4", json, StringComparison.Ordinal);
        Assert.Contains("\"votedId\":-1", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_quorum_state_stops_the_node_instead_of_forgetting_its_vote()
    {
        var store = new FileQuorumStateStore(PartitionDir);
        store.Write(new ElectionState(3, -1, 2));
        File.WriteAllText(store.FilePath, "{\"leaderEpoch\":");
        Assert.Throws<InvalidDataException>(() => store.Read());
    }

    [Fact]
    public void Snapshot_files_use_kafkas_names_and_only_the_newest_is_kept()
    {
        var store = new FileSnapshotStore(PartitionDir);
        store.Write(new OffsetAndEpoch(10, 2), [1, 2, 3]);
        store.Write(new OffsetAndEpoch(25, 3), [4, 5]);
        store.Write(new OffsetAndEpoch(20, 3), [9]); // older than the latest: ignored
        Assert.Equal(["00000000000000000025-0000000003.checkpoint"], Directory.GetFiles(PartitionDir).Select(Path.GetFileName));

        var reopened = new FileSnapshotStore(PartitionDir);
        Assert.Equal(new OffsetAndEpoch(25, 3), reopened.Latest);
        Assert.Equal([4, 5], reopened.Read(new OffsetAndEpoch(25, 3)));
        Assert.Null(reopened.Read(new OffsetAndEpoch(10, 2)));
    }

    [Fact]
    public void Log_appends_reads_truncates_and_survives_a_reopen()
    {
        using (var log = FileRaftLog.Open(_temp.Path, _clock))
        {
            log.Append(Batch(0, 1, "a", "b"));
            log.Append(Batch(2, 1, "c"));
            log.Append(Batch(3, 2, "d", "e", "f"));
            Assert.Equal(6, log.EndOffset);
            Assert.True(log.FlushedEndOffset < 6);
            log.Flush();
            Assert.Equal(6, log.FlushedEndOffset);
            Assert.Equal([new EpochStart(1, 0), new EpochStart(2, 3)], log.Epochs);
            Assert.Equal([2L, 3L], RaftBatches.Decode(log.Read(2, 1 << 20).Span, long.MaxValue).Select(b => b.BaseOffset));
            log.TruncateTo(3);
            Assert.Equal([new EpochStart(1, 0)], log.Epochs);
        }
        using (var log = FileRaftLog.Open(_temp.Path, _clock))
        {
            Assert.Equal((0L, 3L), (log.StartOffset, log.EndOffset));
            Assert.Equal([new EpochStart(1, 0)], log.Epochs);
            Assert.Equal(["a", "b"], RaftBatches.Decode(log.Read(0, 1).Span, long.MaxValue)[0].Records.Select(r => Encoding.UTF8.GetString(r)));
        }
    }

    [Fact]
    public void Log_start_moves_after_a_snapshot_and_a_full_replacement_starts_beyond_the_end()
    {
        using (var log = FileRaftLog.Open(_temp.Path, _clock))
        {
            for (var i = 0; i < 10; i++) log.Append(Batch(i, 1, "x"));
            log.Flush();
            log.DeletePrefixBefore(6);
            Assert.Equal(6, log.StartOffset);
            Assert.Equal([new EpochStart(1, 6)], log.Epochs);
        }
        using (var log = FileRaftLog.Open(_temp.Path, _clock))
        {
            Assert.Equal((6L, 10L), (log.StartOffset, log.EndOffset));
            log.TruncateFullyAndStartAt(40);
            log.Append(Batch(40, 5, "y"));
            log.Flush();
        }
        using (var log = FileRaftLog.Open(_temp.Path, _clock))
        {
            Assert.Equal((40L, 41L), (log.StartOffset, log.EndOffset));
            Assert.Equal([new EpochStart(5, 40)], log.Epochs);
        }
    }

    [Fact]
    public void Log_recovery_leaves_the_quorum_state_and_snapshot_files_alone()
    {
        using (var log = FileRaftLog.Open(_temp.Path, _clock))
        {
            log.Append(Batch(0, 1, "a"));
            log.Flush();
            new FileQuorumStateStore(log.Directory).Write(new ElectionState(1, 1, 1));
            new FileSnapshotStore(log.Directory).Write(new OffsetAndEpoch(1, 1), [7]);
            // Left by a crash in the middle of an atomic write.
            File.WriteAllText(Path.Combine(log.Directory, FileQuorumStateStore.FileName + ".tmp"), "partial");
        }
        using (var log = FileRaftLog.Open(_temp.Path, _clock))
        {
            Assert.Equal(1, log.EndOffset);
            Assert.Equal(new ElectionState(1, 1, 1), new FileQuorumStateStore(log.Directory).Read());
            Assert.Equal(new OffsetAndEpoch(1, 1), new FileSnapshotStore(log.Directory).Latest);
        }
    }

    [Fact]
    public void A_single_voter_node_on_files_commits_restarts_and_reloads_from_its_snapshot()
    {
        var config = new RaftConfig { NodeId = 1, ClusterId = "c", Voters = [1], ElectionTimeoutMs = 100, FetchTimeoutMs = 300, FetchMaxWaitMs = 50 };
        RaftNode Open(FileRaftLog log, RecordingListener listener)
        {
            var node = new RaftNode(config, log, new FileQuorumStateStore(log.Directory), new FileSnapshotStore(log.Directory),
                new NullTransport(), listener, _clock, new Random(1));
            node.Start();
            return node;
        }
        void RunUntil(RaftNode node, Func<bool> condition)
        {
            for (var i = 0; i < 1000 && !condition(); i++)
            {
                _clock.NowMs = Math.Max(_clock.NowMs, Math.Min(node.NextPollTimeMs, _clock.NowMs + 10));
                node.Poll();
            }
            Assert.True(condition());
        }

        var first = new RecordingListener();
        using (var log = FileRaftLog.Open(_temp.Path, _clock))
        {
            var node = Open(log, first);
            RunUntil(node, () => node.Role == RaftRole.Leader && node.HighWatermark > 0);
            var append = node.Append([Encoding.UTF8.GetBytes("one"), Encoding.UTF8.GetBytes("two")]);
            Assert.True(append.IsAppended);
            RunUntil(node, () => node.HighWatermark > append.LastOffset);
            Assert.Equal(["one", "two"], first.DataCommits.Single().Records.Select(r => Encoding.UTF8.GetString(r)));
            node.CreateSnapshot(node.NextDeliveryOffset, [Encoding.UTF8.GetBytes("state after two")]);
            node.Append([Encoding.UTF8.GetBytes("three")]);
            RunUntil(node, () => first.DataCommits.Count() == 2);
        }

        var second = new RecordingListener();
        using (var log = FileRaftLog.Open(_temp.Path, _clock))
        {
            var node = Open(log, second);
            Assert.Equal(RaftRole.Resigned, node.Role); // it led the stored epoch: never again
            RunUntil(node, () => node.Role == RaftRole.Leader && second.DataCommits.Any());
            Assert.Equal("state after two", Encoding.UTF8.GetString(Assert.Single(second.Snapshots).Records.Single()));
            Assert.Equal("three", Encoding.UTF8.GetString(second.DataCommits.Single().Records.Single()));
            Assert.Equal(first.Commits[^1].Epoch + 1, node.Epoch);
        }
    }
}
