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
/// log start too (they follow the leader's with their next fetch, which wakes the wait: see
/// <see cref="Partition.WaitForLowWatermarkAsync"/>), and REQUEST_TIMED_OUT if they have not.
/// </summary>
public sealed class DeleteRecordsHandler(ReplicaManager replicas) : ApiHandler<DeleteRecordsRequest>
{
    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, DeleteRecordsRequest request)
    {
        var response = new DeleteRecordsResponse();
        var waits = new List<Task>();
        var timeout = TimeSpan.FromMilliseconds(Math.Max(request.TimeoutMs, 0));
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
                var result = partition.DeleteRecordsBefore(p.Offset);
                pr.ErrorCode = (short)result.Error;
                if (result.Error == ErrorCode.None) waits.Add(AwaitFollowersAsync(partition, result.LowWatermark, pr, timeout, context.ConnectionClosed));
            }
        }
        await Task.WhenAll(waits);
        return response;
    }

    /// <summary>Answers <paramref name="result"/> once the in-sync followers have moved their log start to <paramref name="target"/> too.</summary>
    private static async Task AwaitFollowersAsync(Partition partition, long target, DeleteRecordsResponse.DeleteRecordsPartitionResult result,
        TimeSpan timeout, CancellationToken cancel)
    {
        var (error, lowWatermark) = await partition.WaitForLowWatermarkAsync(target, timeout, cancel);
        result.ErrorCode = (short)error;
        result.LowWatermark = lowWatermark;
    }
}
