using Brook.Common;
using Brook.Coordination;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Internal;

namespace Brook.Server.Handlers;

/// <summary>
/// OffsetCommit v2-9 (v0-1 removed in Kafka 4). Members commit with their generation; a simple consumer (no
/// membership) commits with generation -1 and an empty member id (this is also how librdkafka's
/// AlterConsumerGroupOffsets commits). v2-4 carry a retention time; v6+ leader epochs. Partitions that do not exist get
/// UNKNOWN_TOPIC_OR_PARTITION and the others still commit.
/// </summary>
public sealed class OffsetCommitHandler(GroupCoordinatorHost groups, MetadataView metadata) : ApiHandler<OffsetCommitRequest>
{
    protected override IMessage? ErrorResponse(OffsetCommitRequest request, ErrorCode error)
    {
        var response = new OffsetCommitResponse();
        foreach (var topic in request.Topics)
            response.Topics.Add(new OffsetCommitResponse.OffsetCommitResponseTopic
            {
                Name = topic.Name,
                Partitions = [.. topic.Partitions.Select(p => new OffsetCommitResponse.OffsetCommitResponsePartition { PartitionIndex = p.PartitionIndex, ErrorCode = (short)error })],
            });
        return response;
    }

    public override short MinVersion => 2;

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, OffsetCommitRequest request)
    {
        var entries = request.Topics
            .SelectMany(t => t.Partitions.Select(p => new OffsetCommitEntry(t.Name, p.PartitionIndex, p.CommittedOffset, p.CommittedLeaderEpoch, p.CommittedMetadata)))
            .ToList();
        var (known, unknown) = OffsetCommitTargets.Split(metadata.Image, entries);
        IReadOnlyList<PartitionResult> results;
        if (!await groups.EnsureReadyAsync(CancellationToken.None))
            results = known.Select(e => new PartitionResult(e.Topic, e.Partition, ErrorCode.CoordinatorNotAvailable)).ToList();
        else if (known.Count == 0 && unknown.Count > 0)
            results = [];
        else
            results = await groups.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs
            {
                GroupId = request.GroupId,
                GenerationId = request.GenerationIdOrMemberEpoch,
                MemberId = request.MemberId,
                GroupInstanceId = request.GroupInstanceId,
                Offsets = known,
                RetentionTimeMs = request.RetentionTimeMs,
            });
        var response = new OffsetCommitResponse();
        foreach (var group in OffsetCommitTargets.InRequestOrder(entries, results, unknown))
        {
            var topic = new OffsetCommitResponse.OffsetCommitResponseTopic { Name = group.Key };
            foreach (var r in group)
                topic.Partitions.Add(new OffsetCommitResponse.OffsetCommitResponsePartition { PartitionIndex = r.Partition, ErrorCode = (short)r.Error });
            response.Topics.Add(topic);
        }
        return response;
    }
}
