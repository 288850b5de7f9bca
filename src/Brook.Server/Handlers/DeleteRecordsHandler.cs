using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Replication;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>
/// DeleteRecords v0-2: moves a partition's log start offset (the low watermark) up to the given offset (-1 = the high
/// watermark); whole segments below it are removed by the next retention pass, and consumers below it get
/// OFFSET_OUT_OF_RANGE. Refused with POLICY_VIOLATION on topics without cleanup.policy=delete, as in Kafka.
/// </summary>
public sealed class DeleteRecordsHandler(ReplicaManager replicas) : ApiHandler<DeleteRecordsRequest>
{
    protected override ValueTask<IMessage?> HandleAsync(RequestContext context, DeleteRecordsRequest request)
    {
        var response = new DeleteRecordsResponse();
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
                pr.LowWatermark = result.Error == ErrorCode.None ? result.LowWatermark : -1;
            }
        }
        return Done(response);
    }
}
