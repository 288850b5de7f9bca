using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Replication;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>
/// DescribeProducers v0 (KIP-664): the idempotent/transactional producers a partition knows — epoch, last sequence and
/// timestamp, coordinator epoch and the start offset of an open transaction (how operators find hanging transactions).
/// </summary>
public sealed class DescribeProducersHandler(ReplicaManager replicas) : ApiHandler<DescribeProducersRequest>
{
    protected override ValueTask<IMessage?> HandleAsync(RequestContext context, DescribeProducersRequest request)
    {
        var response = new DescribeProducersResponse();
        foreach (var topic in request.Topics)
        {
            var tr = new DescribeProducersResponse.TopicResponse { Name = topic.Name };
            response.Topics.Add(tr);
            foreach (var index in topic.PartitionIndexes)
            {
                var pr = new DescribeProducersResponse.PartitionResponse { PartitionIndex = index };
                tr.Partitions.Add(pr);
                if (!replicas.TryGetPartition(new TopicPartition(topic.Name, index), out var partition))
                {
                    pr.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                    continue;
                }
                var state = partition.Log.ProducerState;
                var open = state.OngoingTransactions.ToDictionary(t => t.ProducerId, t => t.FirstOffset);
                foreach (var (producerId, epoch, lastSequence, lastTimestamp) in state.Producers)
                {
                    pr.ActiveProducers.Add(new DescribeProducersResponse.ProducerState
                    {
                        ProducerId = producerId,
                        ProducerEpoch = epoch,
                        LastSequence = lastSequence,
                        LastTimestamp = lastTimestamp,
                        CoordinatorEpoch = state.TryGetCoordinatorEpoch(producerId, out var ce) ? ce : -1,
                        CurrentTxnStartOffset = open.TryGetValue(producerId, out var first) ? first : -1,
                    });
                }
            }
        }
        return Done(response);
    }
}
