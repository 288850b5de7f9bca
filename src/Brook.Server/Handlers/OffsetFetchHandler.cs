using Brook.Common;
using Brook.Coordination;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Internal;

namespace Brook.Server.Handlers;

/// <summary>
/// OffsetFetch v1-9 (v0 read ZooKeeper offsets and is gone). v2+ may ask for all topics (null list); v8+ batches
/// several groups in one request. Partitions without a commit answer offset -1.
/// </summary>
public sealed class OffsetFetchHandler(GroupCoordinatorHost groups) : ApiHandler<OffsetFetchRequest>
{
    public override short MinVersion => 1;

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, OffsetFetchRequest request)
    {
        var ready = await groups.EnsureReadyAsync(CancellationToken.None);
        var response = new OffsetFetchResponse();
        foreach (var g in request.Groups)
        {
            var partitions = g.Topics?.SelectMany(t => t.PartitionIndexes.Select(p => new TopicPartition(t.Name, p))).ToList();
            var result = ready
                ? groups.Coordinator.FetchOffsets(new OffsetFetchArgs(g.GroupId, partitions, request.RequireStable, g.MemberId, g.MemberEpoch))
                : new OffsetFetchResult(ErrorCode.CoordinatorNotAvailable, []);
            var group = new OffsetFetchResponse.OffsetFetchResponseGroup { GroupId = g.GroupId, ErrorCode = (short)result.Error };
            foreach (var byTopic in result.Offsets.GroupBy(o => o.Topic))
            {
                var topic = new OffsetFetchResponse.OffsetFetchResponseTopics { Name = byTopic.Key };
                foreach (var o in byTopic)
                    topic.Partitions.Add(new OffsetFetchResponse.OffsetFetchResponsePartitions
                    {
                        PartitionIndex = o.Partition,
                        CommittedOffset = o.Offset,
                        CommittedLeaderEpoch = o.LeaderEpoch,
                        Metadata = o.Metadata,
                        ErrorCode = (short)o.Error,
                    });
                group.Topics.Add(topic);
            }
            response.Groups.Add(group);
        }
        return response;
    }
}
