using Brook.Common;
using Brook.Metadata;
using Brook.Metadata.Records;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Protocol.Records;
using Brook.Replication;
using Brook.Server.Api;
using Brook.Server.Handlers;
using Brook.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brook.Server.Tests;

/// <summary>
/// OffsetForLeaderEpoch answers a consumer with the end of the requested epoch in the leader's log — the log end for
/// the current epoch — as Kafka does, not capped at the high watermark: right after a fail-over the new leader's high
/// watermark still lags the old leader's, and a consumer that read up to the old one must not see that as truncation.
/// </summary>
public sealed class OffsetForLeaderEpochHandlerTests : IDisposable
{
    private const int Local = 1;
    private const int Follower = 2;
    private static readonly Uuid TopicId = new(3, 3);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "brook-ofle-tests", Guid.NewGuid().ToString("N"));
    private readonly GroupCommitFlusher _flusher = new(NullLogger<GroupCommitFlusher>.Instance);
    private readonly ReplicaManager _replicas;

    public OffsetForLeaderEpochHandlerTests()
    {
        _replicas = new ReplicaManager(_dir, Local, _ => new PartitionSettings(new LogConfig(), 1_000_000, false), _flusher,
            NullLoggerFactory.Instance, TimeProvider.System, flushOnAck: false);
    }

    public void Dispose()
    {
        _replicas.Dispose();
        _flusher.Dispose();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task The_current_epoch_ends_at_the_log_end_even_while_the_high_watermark_lags()
    {
        var image = MetadataImage.Empty.Apply(new MetadataBatch(0,
            [new TopicRecord("t", TopicId), new PartitionRecord(TopicId, 0, [Local, Follower], [Local, Follower], Local, 4, 4)]));
        _replicas.Apply(image);
        Assert.True(_replicas.TryGetPartition(new TopicPartition("t", 0), out var partition));
        for (var i = 0; i < 3; i++)
        {
            using var batch = new RecordBatchBuilder();
            batch.Add(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), [(byte)i], [(byte)i]);
            Assert.Equal(ErrorCode.None, partition.AppendAsLeader(batch.Build()).Error);
        }
        // The follower has fetched one record: the high watermark is 1, the log ends at 3.
        partition.RecordFollowerFetch(Follower, 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(1, partition.HighWatermark);
        Assert.Equal(3, partition.Log.LogEndOffset);

        var result = await AskAsync(leaderEpoch: 4, currentLeaderEpoch: 4);
        Assert.Equal((short)ErrorCode.None, result.ErrorCode);
        Assert.Equal((4, 3L), (result.LeaderEpoch, result.EndOffset));

        // An epoch newer than any in the log: unknown, both -1.
        var unknown = await AskAsync(leaderEpoch: 9, currentLeaderEpoch: 4);
        Assert.Equal((-1, -1L), (unknown.LeaderEpoch, unknown.EndOffset));
    }

    private async Task<OffsetForLeaderEpochResponse.OffsetForLeaderPartitionResult> AskAsync(int leaderEpoch, int currentLeaderEpoch)
    {
        var request = new OffsetForLeaderEpochRequest
        {
            ReplicaId = OffsetForLeaderEpochRequest.ConsumerReplicaId,
            Topics =
            [
                new OffsetForLeaderEpochRequest.OffsetForLeaderTopic
                {
                    Topic = "t",
                    Partitions = [new() { Partition = 0, LeaderEpoch = leaderEpoch, CurrentLeaderEpoch = currentLeaderEpoch }],
                },
            ],
        };
        var context = new RequestContext
        {
            Header = new RequestHeader { ApiKey = ApiKey.OffsetForLeaderEpoch, ApiVersion = 4 },
            Session = new ConnectionSession { ConnectionId = "test", ListenerName = "PLAINTEXT" },
        };
        var response = (OffsetForLeaderEpochResponse)(await ((IApiHandler)new OffsetForLeaderEpochHandler(_replicas)).HandleAsync(context, request))!;
        return Assert.Single(Assert.Single(response.Topics).Partitions);
    }
}
