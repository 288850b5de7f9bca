using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Replication;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>
/// ListOffsets v1-10 (v0 removed in Kafka 4). Special timestamps: -2 earliest, -1 latest (the last stable offset for
/// read_committed), -3 the record with the largest timestamp (v7+, KIP-734), -4 earliest local (v8+), -5 latest
/// tiered (v9+; no tiered storage, so "none"). A timestamp finds the first offset whose timestamp is at or after it.
/// </summary>
public sealed class ListOffsetsHandler(ReplicaManager replicas) : ApiHandler<ListOffsetsRequest>
{
    protected override IMessage? ErrorResponse(ListOffsetsRequest request, ErrorCode error)
    {
        var response = new ListOffsetsResponse();
        foreach (var topic in request.Topics)
            response.Topics.Add(new ListOffsetsResponse.ListOffsetsTopicResponse
            {
                Name = topic.Name,
                Partitions = [.. topic.Partitions.Select(p => new ListOffsetsResponse.ListOffsetsPartitionResponse { PartitionIndex = p.PartitionIndex, ErrorCode = (short)error })],
            });
        return response;
    }

    public override short MinVersion => 1;

    protected override ValueTask<IMessage?> HandleAsync(RequestContext context, ListOffsetsRequest request)
    {
        var response = new ListOffsetsResponse();
        foreach (var topic in request.Topics)
        {
            var tr = new ListOffsetsResponse.ListOffsetsTopicResponse { Name = topic.Name };
            response.Topics.Add(tr);
            foreach (var p in topic.Partitions)
            {
                var pr = new ListOffsetsResponse.ListOffsetsPartitionResponse { PartitionIndex = p.PartitionIndex };
                tr.Partitions.Add(pr);
                var (partition, error) = replicas.GetLeaderPartition(new TopicPartition(topic.Name, p.PartitionIndex), p.CurrentLeaderEpoch);
                if (partition is null)
                {
                    pr.ErrorCode = (short)error;
                    continue;
                }
                pr.LeaderEpoch = partition.LeaderEpoch;
                if (p.Timestamp is not (ListOffsetsRequest.EarliestTimestamp or ListOffsetsRequest.EarliestLocalTimestamp)
                    && partition.HighWatermarkBelowEpochStart)
                {
                    pr.ErrorCode = (short)ErrorCode.OffsetNotAvailable;
                    continue;
                }
                switch (p.Timestamp)
                {
                    case ListOffsetsRequest.EarliestTimestamp:
                    case ListOffsetsRequest.EarliestLocalTimestamp:
                        pr.Offset = partition.LogStartOffset;
                        break;
                    case ListOffsetsRequest.LatestTimestamp:
                        pr.Offset = request.IsolationLevel == 1 ? partition.LastStableOffset : partition.HighWatermark;
                        break;
                    case ListOffsetsRequest.MaxTimestamp:
                        var (maxOffset, maxTs) = partition.Log.MaxTimestampAndOffset;
                        pr.Offset = maxOffset;
                        pr.Timestamp = maxTs;
                        break;
                    case ListOffsetsRequest.LatestTieredTimestamp:
                        pr.Offset = -1;
                        break;
                    default:
                        if (p.Timestamp < 0)
                        {
                            pr.ErrorCode = (short)ErrorCode.InvalidRequest;
                            break;
                        }
                        if (partition.Log.OffsetForTimestamp(p.Timestamp) is { } found && found.Offset < partition.HighWatermark)
                        {
                            pr.Offset = found.Offset;
                            pr.Timestamp = found.Timestamp;
                        }
                        break;
                }
            }
        }
        return Done(response);
    }
}
