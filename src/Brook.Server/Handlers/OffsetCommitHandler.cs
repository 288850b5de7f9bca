using Brook.Common;
using Brook.Coordination;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Internal;

namespace Brook.Server.Handlers;

/// <summary>
/// OffsetCommit v2-9 (v0-1 removed in Kafka 4). Members commit with their generation; a simple consumer (no
/// membership) commits with generation -1 and an empty member id. v2-4 carry a retention time; v6+ leader epochs.
/// </summary>
public sealed class OffsetCommitHandler(GroupCoordinatorHost groups) : ApiHandler<OffsetCommitRequest>
{
    public override short MinVersion => 2;

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, OffsetCommitRequest request)
    {
        var entries = request.Topics
            .SelectMany(t => t.Partitions.Select(p => new OffsetCommitEntry(t.Name, p.PartitionIndex, p.CommittedOffset, p.CommittedLeaderEpoch, p.CommittedMetadata)))
            .ToList();
        IReadOnlyList<PartitionResult> results;
        if (!await groups.EnsureReadyAsync(CancellationToken.None))
            results = entries.Select(e => new PartitionResult(e.Topic, e.Partition, ErrorCode.CoordinatorNotAvailable)).ToList();
        else
            results = await groups.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs
            {
                GroupId = request.GroupId,
                GenerationId = request.GenerationIdOrMemberEpoch,
                MemberId = request.MemberId,
                GroupInstanceId = request.GroupInstanceId,
                Offsets = entries,
                RetentionTimeMs = request.RetentionTimeMs,
            });
        var response = new OffsetCommitResponse();
        foreach (var group in results.GroupBy(r => r.Topic))
        {
            var topic = new OffsetCommitResponse.OffsetCommitResponseTopic { Name = group.Key };
            foreach (var r in group)
                topic.Partitions.Add(new OffsetCommitResponse.OffsetCommitResponsePartition { PartitionIndex = r.Partition, ErrorCode = (short)r.Error });
            response.Topics.Add(topic);
        }
        return response;
    }
}
