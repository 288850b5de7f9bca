using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Replication;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>
/// DeleteRecords v0-2: moves a partition's log start offset (the low watermark) up to the given offset (-1 = the high
/// watermark); whole segments below it are removed by the next retention pass, and consumers below it get
/// OFFSET_OUT_OF_RANGE. Refused with POLICY_VIOLATION on topics without cleanup.policy=delete, as in Kafka. On a
/// replicated partition the answer waits, up to the request's TimeoutMs, until every in-sync follower has moved its
/// log start too (they follow the leader's with their next fetch), and REQUEST_TIMED_OUT if they have not.
/// </summary>
public sealed class DeleteRecordsHandler(ReplicaManager replicas, TimeProvider time) : ApiHandler<DeleteRecordsRequest>
{
    /// <summary>How often a waiting request looks at the followers' progress (they report it with every fetch).</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, DeleteRecordsRequest request)
    {
        var response = new DeleteRecordsResponse();
        var waiting = new List<PendingDelete>();
        foreach (var topic in request.Topics)
        {
            var tr = new DeleteRecordsResponse.DeleteRecordsTopicResult { Name = topic.Name };
            response.Topics.Add(tr);
            foreach (var p in topic.Partitions)
            {
                var pr = new DeleteRecordsResponse.DeleteRecordsPartitionResult { PartitionIndex = p.PartitionIndex, LowWatermark = -1 };
                tr.Partitions.Add(pr);
                var (partition, error) = replicas.GetLeaderPartition(new TopicPartition(topic.Name, p.PartitionIndex));
                if (partition is null)
                {
                    pr.ErrorCode = (short)error;
                    continue;
                }
                var result = partition.Log.DeleteRecordsBefore(p.Offset, partition.HighWatermark);
                pr.ErrorCode = (short)result.Error;
                if (result.Error == ErrorCode.None) waiting.Add(new PendingDelete(partition, result.LowWatermark, pr));
            }
        }
        await AwaitFollowersAsync(waiting, request.TimeoutMs, context.ConnectionClosed);
        return response;
    }

    private async Task AwaitFollowersAsync(List<PendingDelete> waiting, int timeoutMs, CancellationToken cancel)
    {
        var deadline = time.GetTimestamp() + (long)(Math.Max(timeoutMs, 0) * (time.TimestampFrequency / 1000.0));
        while (true)
        {
            foreach (var pending in waiting)
            {
                if (pending.Settled) continue;
                var low = pending.Partition.LowWatermark;
                if (low >= pending.Target) pending.Settle(ErrorCode.None, low);
                else if (!pending.Partition.IsLeader) pending.Settle(ErrorCode.NotLeaderOrFollower, -1);
            }
            if (waiting.TrueForAll(p => p.Settled)) return;
            if (time.GetTimestamp() >= deadline || cancel.IsCancellationRequested)
            {
                foreach (var pending in waiting)
                    if (!pending.Settled) pending.Settle(ErrorCode.RequestTimedOut, -1);
                return;
            }
            await Task.Delay(PollInterval, time, CancellationToken.None);
        }
    }

    /// <summary>A partition whose leader moved its log start and whose in-sync followers have yet to follow.</summary>
    private sealed class PendingDelete(Partition partition, long target, DeleteRecordsResponse.DeleteRecordsPartitionResult result)
    {
        public Partition Partition { get; } = partition;
        public long Target { get; } = target;
        public bool Settled { get; private set; }

        public void Settle(ErrorCode error, long lowWatermark)
        {
            result.ErrorCode = (short)error;
            result.LowWatermark = lowWatermark;
            Settled = true;
        }
    }
}
