using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Replication;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>
/// OffsetForLeaderEpoch v2-4 (older versions removed in Kafka 4): the end offset of a leader epoch, which consumers
/// use after a leader change to detect log truncation (KIP-320). Answered from the log's leader-epoch cache.
/// </summary>
public sealed class OffsetForLeaderEpochHandler(ReplicaManager replicas) : ApiHandler<OffsetForLeaderEpochRequest>
{
    public override short MinVersion => 2;

    protected override ValueTask<IMessage?> HandleAsync(RequestContext context, OffsetForLeaderEpochRequest request)
    {
        var response = new OffsetForLeaderEpochResponse();
        foreach (var topic in request.Topics)
        {
            var tr = new OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult { Topic = topic.Topic };
            response.Topics.Add(tr);
            foreach (var p in topic.Partitions)
            {
                var pr = new OffsetForLeaderEpochResponse.OffsetForLeaderPartitionResult { Partition = p.Partition, EndOffset = -1 };
                tr.Partitions.Add(pr);
                var (partition, error) = replicas.GetLeaderPartition(new TopicPartition(topic.Topic, p.Partition), p.CurrentLeaderEpoch);
                if (partition is null)
                {
                    pr.ErrorCode = (short)error;
                    continue;
                }
                var (epoch, endOffset) = partition.Log.EndOffsetForEpoch(p.LeaderEpoch);
                pr.LeaderEpoch = epoch;
                // Not capped at the high watermark (as Kafka does not): a new leader's high watermark lags the old
                // leader's until its followers fetch again, and a consumer that read up to the old one would take the
                // lower end for truncation and read committed records a second time.
                pr.EndOffset = endOffset;
            }
        }
        return Done(response);
    }
}
